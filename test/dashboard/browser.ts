// Debian's Chromium driven by playwright-core (no browser download: scripts/setup.sh installs the
// `chromium` package), and the few page steps the dashboard tests share.
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
/** Screenshots and other artefacts of a run (gitignored). */
export const ARTIFACTS = resolve('test-artifacts/dashboard');

export function launchChromium(): Promise<Browser> {
  mkdirSync(ARTIFACTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** A fresh context (its own cache and sessionStorage) whose page reports its errors to the test log. */
export async function newPage(browser: Browser): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  return { context, page, errors };
}

/** Signs in through the form and waits for the first data on the map. */
export async function signIn(page: Page, token: string): Promise<void> {
  await page.fill('#token', token);
  await page.click('#signin-form button[type=submit]');
  await page.waitForSelector('#app:not([hidden]) #map g.region', { timeout: 15_000 });
}

export function screenshot(page: Page, name: string): Promise<Buffer> {
  return page.screenshot({ path: resolve(ARTIFACTS, `${name}.png`), fullPage: true });
}

// Predicates below are functions, not strings: string predicates are `eval`ed in the page, which
// the dashboard's CSP (rightly) refuses. Tests have no DOM lib, hence `globalThis as any`.

/** Waits until the text of the map label of `region` matches `pattern`. */
export async function waitForLabel(page: Page, region: string, pattern: RegExp, timeoutMs = 10_000): Promise<void> {
  await page.waitForFunction(
    ([r, source]) => new RegExp(source).test((globalThis as any).document.querySelector(`#map g.label[data-region="${r}"]`)?.textContent ?? ''),
    [region, pattern.source] as const,
    { timeout: timeoutMs, polling: 100 },
  );
}

/** Waits until the route line to `region` carries at least (or at most) `share` of the traffic. */
export async function waitForShare(page: Page, region: string, cmp: '>=' | '<=', share: number, timeoutMs = 15_000): Promise<void> {
  await page.waitForFunction(
    ([r, c, s]) => {
      const v = Number((globalThis as any).document.querySelector(`#map path.route:not(.idle)[data-region="${r}"]`)?.getAttribute('data-share') ?? 0);
      return c === '>=' ? v >= s : v <= s;
    },
    [region, cmp, share] as const,
    { timeout: timeoutMs, polling: 100 },
  );
}
