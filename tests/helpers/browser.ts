/**
 * Headless Chromium for browser tests, with nothing installed on the system: the binary ships inside the
 * `@sparticuz/chromium` npm package (unpacked to the temp folder on first use). `CHROMIUM_PATH` overrides it
 * (another Chromium or Chrome build installed on the machine). A test that needs a browser never skips:
 * if no browser can be found, launching fails and the test fails with the reason.
 */
import { chromium, type Browser } from 'playwright-core';

/** Flags for a closed network: no background connections, no first-run work, no sandbox (CI runs as root). */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
  '--font-render-hinting=none',
];

/** Path of the browser binary: CHROMIUM_PATH, else the packaged Chromium (unpacked once per machine). */
export async function chromiumPath(): Promise<string> {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
  const packaged = (await import('@sparticuz/chromium')).default;
  return packaged.executablePath();
}

export async function launchChromium(): Promise<Browser> {
  const executablePath = await chromiumPath();
  return chromium.launch({ executablePath, args: CHROMIUM_ARGS, headless: true });
}
