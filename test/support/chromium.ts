// Debian's Chromium, headless, for the browser tests (charts, dashboard), driven by playwright-core.
// Each launch gets a fresh temporary profile that is removed on close, so no state leaks between
// tests. Where Chromium is not installed the tests skip, and say why in their name — except where
// LAKE_REQUIRE_CHROMIUM=1 (CI, which installs it): there a missing Chromium fails them.
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { describe } from 'vitest';

/** The `chromium` found on the PATH, as `.ci/run` looks for it (`command -v chromium`). */
export const chromiumPath: string | undefined = (process.env.PATH ?? '')
  .split(path.delimiter)
  .filter((folder) => folder !== '')
  .map((folder) => path.join(folder, 'chromium'))
  .find((candidate) => existsSync(candidate));

/** Why the browser tests cannot run here, or undefined when they can. */
export const chromiumMissing: string | undefined = chromiumPath ? undefined : 'Chromium not installed: apt-get install chromium (no `chromium` on the PATH)';

if (chromiumMissing && process.env.LAKE_REQUIRE_CHROMIUM === '1') {
  throw new Error(`${chromiumMissing}, and LAKE_REQUIRE_CHROMIUM=1: the browser tests must run here`);
}

// No network chatter of its own (updates, sync, QUIC probes): a page's requests are the only ones.
const flags = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface HeadlessChromium {
  context: BrowserContext;
  /** Closes the browser and removes its profile. */
  close(): Promise<void>;
}

export async function launchChromium(): Promise<HeadlessChromium> {
  if (chromiumMissing) throw new Error(chromiumMissing);
  const profile = await mkdtemp(path.join(os.tmpdir(), 'lake-chromium-'));
  // playwright refuses `--user-data-dir` in args: a persistent context is how it takes one.
  const context = await chromium.launchPersistentContext(profile, { executablePath: chromiumPath, headless: true, args: flags });
  return {
    context,
    close: async () => {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/** Every console error and uncaught exception of a page, as text, from now on. */
export function collectPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => errors.push(`uncaught: ${error.message}`));
  return errors;
}

/** A describe block that is skipped, with the reason in its name, when Chromium is missing. */
export function describeInChromium(name: string, body: () => void): void {
  describe.skipIf(chromiumMissing !== undefined)(chromiumMissing ? `${name} [skipped: ${chromiumMissing}]` : name, body);
}
