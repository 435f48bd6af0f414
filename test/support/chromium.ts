// Debian's Chromium, headless, for the browser tests (charts, dashboard), driven by playwright-core.
// Each launch gets a fresh temporary profile that is removed on close, so no state leaks between
// tests. Chromium is found as `.ci/run` finds it: any `chromium` on the PATH, or where `.ci/run`
// installs it (Debian's package, /usr/bin/chromium). Where it is missing the tests skip, and say
// why in their name — except where LAKE_REQUIRE_BROWSER=1 (CI, which installs it): there a missing
// Chromium fails the run.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { describe } from 'vitest';
import { browserAvailability, findChromium } from './find-chromium.js';

/** The Chromium the browser tests launch, if any. */
export const chromiumPath: string | undefined = findChromium(process.env.PATH);

const availability = browserAvailability(chromiumPath, process.env);

/** Why the browser tests cannot run here, or undefined when they can. */
export const chromiumMissing: string | undefined = 'skip' in availability ? availability.skip : undefined;

// A test file that needs the browser fails as a whole, rather than skipping, where it must run.
if ('fail' in availability) throw new Error(availability.fail);

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
  if (!chromiumPath) throw new Error(chromiumMissing);
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
