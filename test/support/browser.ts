/**
 * A real browser for the web app's tests and bench: Debian's chromium driven by playwright-core,
 * headless, bound to loopback traffic only. Where chromium is missing the browser tests are
 * skipped on a developer machine but fail under CI=true (.ci/run installs it).
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { PASSWORD, PROJECT_ROOT } from './node-process.js';

export const CHROMIUM_PATH = process.env.PARLEY_CHROMIUM ?? '/usr/bin/chromium';
export const SCREENSHOT_DIR = join(PROJECT_ROOT, 'test-artifacts/screenshots');
export const WEB_INDEX = join(PROJECT_ROOT, 'dist/web/index.html');

/** Browser tests run where chromium exists, and always under CI (where its absence fails them). */
export const runBrowserTests = existsSync(CHROMIUM_PATH) || process.env.CI === 'true';

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`${CHROMIUM_PATH} is missing: install Debian's chromium (apt-get install -y chromium)`);
  }
  if (!existsSync(WEB_INDEX)) {
    throw new Error(`${WEB_INDEX} is missing: run \`npm run build\` (it builds the web app) first`);
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    timeout: 30_000,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/**
 * A fresh page in a context of its own (English, UTC, 15 s per step), so that no session or
 * storage leaks between tests; the context is put in `contexts`, for the file to close after.
 */
export async function newTestPage(
  browser: Browser,
  contexts: BrowserContext[],
  viewport = { width: 1280, height: 800 },
): Promise<Page> {
  const context = await browser.newContext({ viewport, locale: 'en-US', timezoneId: 'UTC' });
  context.setDefaultTimeout(15_000);
  contexts.push(context);
  return context.newPage();
}

/** Saves a full-page PNG under test-artifacts/screenshots/. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: false });
  return path;
}

/** Opens the node's web app and signs in through the login form. */
export async function signIn(page: Page, baseUrl: string, user: string, password = PASSWORD): Promise<void> {
  await page.goto(`${baseUrl}/app/channels`);
  await page.getByLabel(/User id|Пользователь/).fill(user);
  await page.getByLabel(/^(Password|Пароль)$/).fill(password);
  await page.getByRole('button', { name: /Sign in|Войти/ }).click();
  await page.locator('.topbar').waitFor({ timeout: 15_000 });
}

/** Unfolds the timeline's note composer (folded by default so the timeline keeps the screen). */
export async function openComposer(page: Page): Promise<void> {
  // The fold appears only once the channel and the reader's write access have loaded, so wait
  // for it rather than looking once: before then the page shows the read-only note.
  const fold = page.locator('details.compose-fold');
  await fold.waitFor({ state: 'attached' });
  if (!(await fold.evaluate((details) => (details as unknown as { open: boolean }).open))) {
    await fold.locator('> summary').click();
  }
  await page.locator('form.compose').waitFor();
}

/**
 * Serves the page the node's JSON answers for `pathname` changed by `edit`: a view that believes
 * something the node does not (stale, or tampered with in transit), to show what the node says then.
 */
export async function rewriteResponses<T>(
  page: Page,
  pathname: string,
  edit: (body: T) => void,
): Promise<void> {
  await page.route(
    (url) => url.pathname === pathname,
    async (route) => {
      const response = await route.fetch();
      const body = (await response.json()) as T;
      edit(body);
      await route.fulfill({ response, json: body });
    },
  );
}
