/**
 * Passkeys in a real browser (Debian chromium, headless) against a real `parley serve` that
 * requires passkeys for heads and admins, with Chromium's virtual authenticator (DevTools
 * protocol `WebAuthn.addVirtualAuthenticator`: CTAP2, internal transport, resident keys, user
 * verification). A duty officer registers a passkey on the passkeys screen, signs out, and signs
 * in again with password and passkey; a head cannot get past the password step without a passkey
 * (the API refuses the half-open session) and is led to register one, which completes the login.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser, runBrowserTests, screenshot } from '../support/browser.js';
import { PASSWORD, freePort, prepareNode, startServe, type ServeProcess } from '../support/node-process.js';

let serve: ServeProcess;
let browser: Browser;
let baseUrl: string;
const contexts: BrowserContext[] = [];

async function newPage(): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US' });
  context.setDefaultTimeout(20_000);
  contexts.push(context);
  return context.newPage();
}

/** Gives the page a platform authenticator with user verification, as a laptop's would be. */
async function addAuthenticator(page: Page): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
}

async function passwordStep(page: Page, user: string): Promise<void> {
  await page.goto(`${baseUrl}/app/channels`);
  await page.getByLabel('User id').fill(user);
  await page.getByLabel(/^Password$/).fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** What the node answers this page's session for `GET /api/v1/me`. */
async function meStatus(page: Page): Promise<{ status: number; code?: string }> {
  return page.evaluate(async () => {
    const response = await fetch('/api/v1/me', { credentials: 'same-origin' });
    const body = (await response.json()) as { error?: { code: string } };
    return { status: response.status, code: body.error?.code };
  });
}

describe.runIf(runBrowserTests)('passkeys in a browser', () => {
  beforeAll(async () => {
    const fixture = await prepareNode();
    const port = await freePort();
    baseUrl = `http://localhost:${port}`;
    serve = await startServe(
      fixture.dataDir,
      ['--host', '127.0.0.1', '--public-url', baseUrl, '--passkeys', 'required-for-heads-and-admins'],
      {},
      port,
    );
    browser = await launchBrowser();
  }, 240_000);

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
    await serve?.stop();
  });

  it('registers a passkey, signs out, and signs in with password and passkey', async () => {
    const page = await newPage();
    await addAuthenticator(page);
    // A duty officer does not need one on this node: the password alone signs in.
    await passwordStep(page, 'svr-duty');
    await page.locator('.topbar').waitFor();
    await page.getByRole('link', { name: 'Passkeys' }).click();
    await page.getByText('You have no passkeys yet.').waitFor();
    await page.getByLabel('Name of the new passkey').fill('virtual laptop');
    await page.getByRole('button', { name: 'Register passkey' }).click();
    await page.getByRole('status').filter({ hasText: 'Passkey registered.' }).waitFor();
    await page.locator('.passkey-list li').filter({ hasText: 'virtual laptop' }).waitFor();
    expect(await page.locator('.passkey-list li').count()).toBe(1);
    await expect(page.locator('.passkey-list li').first().textContent()).resolves.toMatch(
      /virtual laptop.*never used/,
    );
    await screenshot(page, 'passkeys-registered');

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();

    await passwordStep(page, 'svr-duty');
    await page.getByRole('heading', { name: 'Confirm with your passkey' }).waitFor();
    // Half-way: the session opens nothing yet.
    expect(await meStatus(page)).toEqual({ status: 401, code: 'passkey_required' });
    await screenshot(page, 'passkeys-login-step');
    await page.getByRole('button', { name: 'Use passkey' }).click();
    await page.locator('.topbar').waitFor();
    expect((await meStatus(page)).status).toBe(200);
    await page.getByRole('link', { name: 'Passkeys' }).click();
    await expect(page.locator('.passkey-list li').first().textContent()).resolves.toMatch(/last used \d{4}-/);
  }, 120_000);

  it('a head cannot finish signing in without a passkey, and registers one to get in', async () => {
    const page = await newPage();
    await passwordStep(page, 'svr-head');
    await page.getByRole('heading', { name: 'Register a passkey' }).waitFor();
    expect(await meStatus(page)).toEqual({ status: 401, code: 'passkey_required' });
    // Going straight to a screen leads back to signing in.
    await page.goto(`${baseUrl}/app/channels`);
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    expect(await page.locator('.topbar').count()).toBe(0);

    await addAuthenticator(page);
    await passwordStep(page, 'svr-head');
    await page.getByLabel('Name of the new passkey').fill('head key');
    await screenshot(page, 'passkeys-enrol-step');
    await page.getByRole('button', { name: 'Register passkey' }).click();
    await page.locator('.topbar').waitFor();
    expect((await meStatus(page)).status).toBe(200);
    await expect(page.locator('.who').textContent()).resolves.toMatch(/svr-head/);
  }, 120_000);
});
