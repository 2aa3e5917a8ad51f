/** @module test/support/browser — Chromium through playwright-core; suites skip, loudly, when it is not installed. */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';

export const chromiumPath = process.env.WASAP_CHROMIUM ?? '/usr/bin/chromium';
export const browserAvailable = existsSync(chromiumPath);

// Never skip silently: a missing browser is one clear line in the test output.
if (!browserAvailable) console.warn(`browser tests skipped: no Chromium at ${chromiumPath}`);

/** Flags verified on this kind of machine (see STACK-NOTES): no sandbox in containers, no network chatter. */
const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export async function launchBrowser(): Promise<Browser & AsyncDisposable> {
  const browser = await chromium.launch({ executablePath: chromiumPath, args: FLAGS });
  return Object.assign(browser, { [Symbol.asyncDispose]: () => browser.close() });
}

/** `.test-artifacts/screenshots/<name>.png` (gitignored), for a person to look at. */
export function screenshotPath(name: string): string {
  const dir = join(import.meta.dir, '..', '..', '.test-artifacts', 'screenshots');
  mkdirSync(dir, { recursive: true });
  return join(dir, `${name}.png`);
}
