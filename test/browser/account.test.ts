/**
 * The account and audit screens in a real browser (Debian chromium, headless) against a real
 * `parley serve` on 127.0.0.1: a duty officer creates an API token (its secret shown once, and it
 * works as a bearer credential), sees its last use, revokes it (it stops working), and changes
 * their password (a wrong current one is refused on its field, in the interface's language, as is
 * a wrong password for the signing key); a head replaces their signing key; an
 * administrator disables an account (its session and token stop at once), enables it again,
 * revokes a person's key, and reads and checks the audit trail.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser, newTestPage, runBrowserTests, screenshot, signIn } from '../support/browser.js';
import {
  PASSWORD,
  prepareNode,
  startServe,
  type Fixture,
  type ServeProcess,
} from '../support/node-process.js';

let fixture: Fixture;
let serve: ServeProcess;
let browser: Browser;
const contexts: BrowserContext[] = [];

function newPage(): Promise<Page> {
  return newTestPage(browser, contexts);
}

async function statusWith(token: string): Promise<number> {
  return (await fetch(`${serve.url}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } })).status;
}

describe.skipIf(!runBrowserTests)('account and audit screens', () => {
  beforeAll(async () => {
    fixture = await prepareNode();
    serve = await startServe(fixture.dataDir);
    browser = await launchBrowser();
  }, 240_000);

  afterAll(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    await serve?.stop();
  });

  it('creates a token shown once, shows its last use, and revokes it', async () => {
    const page = await newPage();
    await signIn(page, serve.url, 'svr-duty');
    await page.getByRole('link', { name: 'Account' }).click();
    await page.getByRole('heading', { name: 'API tokens' }).waitFor();
    await page.getByLabel('What it is for').fill('nightly report');
    await page.getByLabel('Works for').selectOption('30');
    await page.getByRole('button', { name: 'Create token' }).click();
    const secret = (await page.locator('.token-secret').textContent())!.trim();
    expect(secret.length).toBeGreaterThan(20);
    expect(await statusWith(secret)).toBe(200);
    const row = page.getByRole('row', { name: /nightly report/ });
    await expect.poll(() => row.count()).toBe(1);
    await page.reload();
    await page.getByRole('heading', { name: 'API tokens' }).waitFor();
    await expect
      .poll(async () => page.getByRole('row', { name: /nightly report/ }).textContent())
      .not.toMatch(/never$/);
    await screenshot(page, 'account-tokens');
    await page.getByRole('button', { name: /^Revoke nightly report/ }).click();
    await page.getByText('Token revoked.').waitFor();
    await expect.poll(() => page.getByRole('row', { name: /nightly report/ }).count()).toBe(0);
    expect(await statusWith(secret)).toBe(401);
  }, 60_000);

  it('refuses a token without a label, and a wrong current password, and changes the password', async () => {
    const page = await newPage();
    await signIn(page, serve.url, 'svr-head');
    await page.getByRole('link', { name: 'Account' }).click();
    await page.getByRole('button', { name: 'Create token' }).click();
    // Refused on the label field itself, in a sentence (lib/field-errors.ts), not as validator text.
    const label = page.getByLabel('What it is for');
    await expect.poll(() => label.getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('#token-label-error').textContent()).toBe('This must not be empty.');
    expect(await page.locator('.token-secret').count()).toBe(0);
    await page.getByLabel('Current password').fill('not my password');
    await page.getByLabel('New password (12+ characters)').fill('a brand new long password');
    await page.getByLabel('New password again').fill('a brand new long password');
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByText('current password is wrong').waitFor();
    await page.getByLabel('Current password').fill(PASSWORD);
    await page.getByLabel('New password (12+ characters)').fill('a brand new long password');
    await page.getByLabel('New password again').fill('a brand new long password');
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByText('Password changed.').waitFor();
    const login = await fetch(`${serve.url}/api/v1/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user: 'svr-head', password: 'a brand new long password' }),
    });
    expect(login.status).toBe(200);
  }, 60_000);

  it('lets an admin disable and enable an account, and read and check the audit trail', async () => {
    const observer = await newPage();
    await signIn(observer, serve.url, 'svr-observer');
    expect(await statusWith(fixture.tokens['svr-observer']!)).toBe(200);

    const page = await newPage();
    await signIn(page, serve.url, 'admin');
    await page.getByRole('link', { name: 'Administration' }).click();
    await page.getByRole('button', { name: 'Disable svr-observer' }).click();
    await page.getByText(/svr-observer: Disabled/).waitFor();
    expect(await statusWith(fixture.tokens['svr-observer']!)).toBe(401);
    const me = await observer.evaluate(async () => (await fetch('/api/v1/me')).status);
    expect(me).toBe(401);
    await page.getByRole('button', { name: 'Enable svr-observer' }).click();
    await page.getByText(/svr-observer: Enabled/).waitFor();

    await page.getByRole('link', { name: 'Audit trail' }).click();
    await page.getByRole('heading', { name: 'Security audit trail' }).first().waitFor();
    await page
      .getByRole('row', { name: /account_enabled/ })
      .first()
      .waitFor();
    await page.getByLabel('Action').selectOption('account_disabled');
    await page.getByRole('button', { name: 'Show' }).click();
    await expect.poll(() => page.locator('.audit-table tbody tr').count()).toBe(1);
    expect(await page.locator('.audit-table tbody tr').textContent()).toContain('svr-observer');
    await page.getByLabel('Action').selectOption('');
    await page.getByLabel('Done by').fill('svr-duty');
    await page.getByRole('button', { name: 'Show' }).click();
    await expect
      .poll(() => page.locator('.audit-table tbody tr').first().textContent())
      .toContain('token_revoked');
    await page.getByRole('button', { name: 'Check the trail' }).click();
    await page.getByText(/The trail is intact/).waitFor();
    await screenshot(page, 'audit-trail');
  }, 60_000);

  it("replaces one's signing key with one's password; an admin revokes another's key", async () => {
    const page = await newPage();
    await signIn(page, serve.url, 'pres-head');
    await page.getByRole('link', { name: 'Account' }).click();
    await page.getByRole('heading', { name: 'Signing key' }).waitFor();
    const before = (await page.locator('section[aria-labelledby="key-title"] code').textContent())!.trim();
    await page.getByLabel('Your password').fill('not my password');
    await page.getByRole('button', { name: 'Replace my key' }).click();
    await page.getByText('password is wrong').waitFor();
    await page.getByLabel('Your password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Replace my key' }).click();
    await page.getByText('Key replaced; the old one is revoked.').waitFor();
    // The session ended with the old key; signing in again shows the new one.
    await page.getByRole('link', { name: 'Sign in again' }).click();
    await signIn(page, serve.url, 'pres-head');
    await page.getByRole('link', { name: 'Account' }).click();
    const after = (await page.locator('section[aria-labelledby="key-title"] code').textContent())!.trim();
    expect(after).not.toBe(before);

    const admin = await newPage();
    await signIn(admin, serve.url, 'admin');
    await admin.getByRole('link', { name: 'Administration' }).click();
    await admin.getByLabel('Whose key').selectOption('svr-duty');
    await admin.getByLabel(/Why \(every party reads it/).fill('laptop lost');
    await admin.getByRole('button', { name: 'Revoke key' }).click();
    await admin.getByText(/svr-duty: key revoked in every channel/).waitFor();
    await admin.locator('tr', { hasText: 'svr-duty' }).getByText('(key revoked)').waitFor();
    expect(await statusWith(fixture.tokens['svr-duty']!)).toBe(401);
    await screenshot(admin, 'key-revoked');
  }, 120_000);

  it('keeps the audit screen from other roles', async () => {
    const page = await newPage();
    await signIn(page, serve.url, 'svr-duty');
    expect(await page.getByRole('link', { name: 'Audit trail' }).count()).toBe(0);
    await page.goto(`${serve.url}/app/admin/audit`);
    await page.getByText('Only administrators can open this page.').waitFor();
    const denied = await page.evaluate(async () => (await fetch('/api/v1/audit-events')).status);
    expect(denied).toBe(403);
  }, 60_000);

  it('says a wrong current password on its own field, in the interface language, for the password and the key', async () => {
    const page = await newPage();
    await signIn(page, serve.url, 'pres-head');
    await page.getByRole('link', { name: 'Account' }).click();
    const passwordForm = page.locator('section[aria-labelledby="password-title"]');
    const current = page.getByLabel('Current password');
    await current.fill('not my password');
    await page.getByLabel('New password (12+ characters)').fill('a brand new long password');
    await page.getByLabel('New password again').fill('a brand new long password');
    await page.getByRole('button', { name: 'Change password' }).click();
    await expect.poll(() => current.getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator(`[id="${await current.getAttribute('aria-describedby')}"]`).textContent()).toBe(
      'The current password is wrong.',
    );
    // On the field, and not said again (as a role refusal) at form level.
    expect(await passwordForm.locator('.form-error').count()).toBe(0);
    expect(await page.getByLabel('New password (12+ characters)').getAttribute('aria-invalid')).not.toBe(
      'true',
    );

    // The signing key's form asks for the password too: a wrong one is said on that field.
    const keyBefore = (await page.locator('section[aria-labelledby="key-title"] code').textContent())!.trim();
    const keyPassword = page.getByLabel('Your password');
    await keyPassword.fill('not my password');
    await page.getByRole('button', { name: 'Replace my key' }).click();
    await expect.poll(() => keyPassword.getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('#key-password-error').textContent()).toBe('The password is wrong.');
    expect(await page.locator('section[aria-labelledby="key-title"] .form-error').count()).toBe(0);
    await screenshot(page, 'account-wrong-password');

    // In the Russian interface, the same refusals are said in Russian on the same fields.
    await page.getByLabel('Interface language').selectOption('ru');
    await expect
      .poll(() => page.locator('#password-current-error').textContent())
      .toBe('Текущий пароль неверен.');
    expect(await page.locator('#key-password-error').textContent()).toBe('Пароль неверен.');
    // Nothing changed: the old password still signs in, and the key is the same.
    const login = await fetch(`${serve.url}/api/v1/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user: 'pres-head', password: PASSWORD }),
    });
    expect(login.status).toBe(200);
    expect((await page.locator('section[aria-labelledby="key-title"] code').textContent())!.trim()).toBe(
      keyBefore,
    );
  }, 60_000);
});
