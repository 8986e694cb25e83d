import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/** Debian's Chromium (scripts/setup-chromium.sh); CXFOLD_CHROMIUM overrides it. */
export const CHROMIUM = process.env.CXFOLD_CHROMIUM ?? '/usr/bin/chromium';
export const SCREENSHOTS = path.resolve(__dirname, '../../../docs/screenshots');

/**
 * Flags for a closed network: without the background-networking ones Chromium keeps trying to
 * reach Google's services at start-up. Playwright adds --headless, --no-sandbox (root) and a
 * fresh, temporary --user-data-dir of its own for every launch.
 */
const FLAGS = ['--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--font-render-hinting=none'];

export function launch(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS, timeout: 60_000 });
}

export async function newContext(browser: Browser): Promise<BrowserContext> {
  // A fixed browser zone unlike the tenant's: times on screen must follow the tenant (New York).
  return browser.newContext({ viewport: { width: 1440, height: 900 }, timezoneId: 'Europe/London', locale: 'en-GB', acceptDownloads: true });
}

/** Signs in through the login form, as an analyst would. */
export async function signIn(page: Page, baseUrl: string, key: string, hash = '#/'): Promise<void> {
  await page.goto(`${baseUrl}/${hash}`);
  await page.getByLabel('API key').fill(key);
  await page.getByLabel('API key').press('Enter');
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
}

export async function screenshot(page: Page, name: string, fullPage = false): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  // Let charts and fonts settle: no animation runs, so one frame is enough.
  await page.evaluate('new Promise((r) => requestAnimationFrame(() => r(null)))');
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage, animations: 'disabled' });
}
