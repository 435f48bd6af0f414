// How the browser tests find Chromium and whether they may skip without it, apart from the
// launching (chromium.ts), so that it can be tested on any machine.
import { existsSync } from 'node:fs';
import path from 'node:path';

/** Where `.ci/run` installs Chromium (`apt-get install chromium`). */
export const debianChromium = '/usr/bin/chromium';

/** The `chromium` of a PATH (as `command -v chromium` finds it), else Debian's; undefined when neither is there. */
export function findChromium(pathVariable: string | undefined, exists: (file: string) => boolean = existsSync): string | undefined {
  const onPath = (pathVariable ?? '')
    .split(path.delimiter)
    .filter((folder) => folder !== '')
    .map((folder) => path.join(folder, 'chromium'))
    .find((candidate) => exists(candidate));
  return onPath ?? (exists(debianChromium) ? debianChromium : undefined);
}

/**
 * Whether the browser tests can run: `skip` with the reason, or `fail` when they must run here
 * (LAKE_REQUIRE_BROWSER=1) and cannot.
 */
export function browserAvailability(found: string | undefined, env: NodeJS.ProcessEnv): { run: string } | { skip: string } | { fail: string } {
  if (found) return { run: found };
  const missing = 'Chromium not installed: apt-get install chromium (no `chromium` on the PATH, none at /usr/bin/chromium)';
  return env.LAKE_REQUIRE_BROWSER === '1' ? { fail: `${missing}, and LAKE_REQUIRE_BROWSER=1: the browser tests must run here` } : { skip: missing };
}
