import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { browserAvailability, debianChromium, findChromium } from './find-chromium.js';

const only = (...files: string[]) => (file: string) => files.includes(file);

describe('finding Chromium as .ci/run does', () => {
  it('takes the first `chromium` on the PATH, wherever it is', () => {
    const PATH = ['/opt/tools/bin', '/snap/bin', '/usr/bin'].join(path.delimiter);
    expect(findChromium(PATH, only('/snap/bin/chromium', debianChromium))).toBe('/snap/bin/chromium');
    expect(findChromium(PATH, only('/opt/tools/bin/chromium'))).toBe('/opt/tools/bin/chromium');
  });

  it("falls back to where .ci/run installs it (Debian's /usr/bin/chromium) when the PATH has none", () => {
    expect(findChromium('/opt/tools/bin', only(debianChromium))).toBe(debianChromium);
    expect(findChromium(undefined, only(debianChromium))).toBe(debianChromium);
  });

  it('finds nothing where there is none', () => {
    expect(findChromium(['/usr/local/bin', '/usr/bin'].join(path.delimiter), only('/usr/bin/chromium-browser'))).toBeUndefined();
  });
});

describe('a missing Chromium', () => {
  it('skips the browser tests, saying why', () => {
    expect(browserAvailability(undefined, {})).toEqual({ skip: expect.stringContaining('Chromium not installed') });
  });

  it('fails them under LAKE_REQUIRE_BROWSER=1, as .ci/run sets it', () => {
    expect(browserAvailability(undefined, { LAKE_REQUIRE_BROWSER: '1' })).toEqual({ fail: expect.stringContaining('LAKE_REQUIRE_BROWSER=1') });
  });

  it('runs them when found, required or not', () => {
    expect(browserAvailability('/usr/bin/chromium', { LAKE_REQUIRE_BROWSER: '1' })).toEqual({ run: '/usr/bin/chromium' });
  });
});

describe('.ci/run', () => {
  it('requires the browser tests to run', async () => {
    const { readFile } = await import('node:fs/promises');
    const script = await readFile(path.join(import.meta.dirname, '../../.ci/run'), 'utf8');
    expect(script).toMatch(/^export LAKE_REQUIRE_BROWSER=1$/m);
    // And it installs Chromium where it does not find one on the PATH.
    expect(script).toContain('command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)');
  });
});
