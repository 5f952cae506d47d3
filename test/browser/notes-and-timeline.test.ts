/** Notes and the timeline across two nodes: sign-in, a live FLASH note, refusals, verification, scale. */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openComposer, rewriteResponses, runBrowserTests, screenshot, signIn } from '../support/browser.js';
import { federatedBrowserSuite } from '../support/browser-suite.js';
import { compose, notesOf, type Entry } from '../support/console-notes.js';
import { api, type PartyNode } from '../support/node-process.js';

let ru: PartyNode;
let us: PartyNode;

describe.runIf(runBrowserTests)('notes and the timeline in a browser, two federated nodes', () => {
  const { newPage } = federatedBrowserSuite(async (suite) => void ({ ru, us } = suite));
  let ruPage: Page;
  let usPage: Page;

  it('shows a clear error for a wrong password, then signs in', async () => {
    ruPage = await newPage();
    await ruPage.goto(`${ru.url}/`);
    await ruPage.getByRole('heading', { name: 'Sign in' }).waitFor();
    await screenshot(ruPage, 'login');
    await ruPage.getByLabel('User id').fill('ru-duty');
    await ruPage.getByLabel('Password', { exact: true }).fill('not the password');
    await ruPage.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => ruPage.getByRole('alert').textContent()).toContain('User or password is wrong.');
    await screenshot(ruPage, 'login-error');
    await signIn(ruPage, ru.url, 'ru-duty');
    await expect.poll(() => ruPage.locator('.who').textContent()).toContain('ru-duty');
  });

  it('lists channels with parties, state, link health and unread counts', async () => {
    usPage = await newPage();
    await signIn(usPage, us.url, 'us-duty');
    const card = ruPage.locator('[data-channel="intel"]');
    await card.waitFor();
    await expect.poll(() => card.textContent()).toContain('Intelligence services');
    await expect.poll(() => card.locator('.state-active').count()).toBe(1);
    await expect.poll(() => card.locator('.link-up').textContent(), { timeout: 15_000 }).toContain('US up');
    await screenshot(ruPage, 'channel-list');
  });

  it('carries a FLASH note live to the other node, acknowledged as understood with a read-back', async () => {
    await ruPage.getByRole('link', { name: 'Intelligence services' }).click();
    await usPage.getByRole('link', { name: 'Intelligence services' }).click();
    await usPage.locator('.live-indicator.on').waitFor();
    await ruPage.locator('.live-indicator.on').waitFor();

    const text = 'Уведомляем о запланированных учениях с 21 по 23 февраля.';
    await compose(ruPage, { text, subject: 'Уведомление', precedence: 'FLASH', lang: 'ru' });
    await expect.poll(() => ruPage.locator('.compose .ok-text').textContent()).toContain('Sent: intel/RU/');
    const sent = (await notesOf(ru, 'ru-duty', 'RU')).at(-1)!;
    expect(sent.body.text).toBe(text);

    // Appears in the US officer's timeline without a reload, with its language marked.
    const usRow = usPage.locator(`.entry-row[data-entry="${sent.id}"]`);
    await usRow.waitFor({ timeout: 20_000 });
    expect(await usRow.getAttribute('data-precedence')).toBe('FLASH');
    expect(await usRow.locator('[lang="ru"]', { hasText: text }).count()).toBe(1);
    // What the US officer now owes is counted in the navigation, without a reload.
    const owing = async () =>
      (
        await api<{ obligations: unknown[] }>(
          us,
          'us-duty',
          'GET',
          '/api/v1/obligations?direction=owing&limit=1000',
        )
      ).body.obligations.length;
    await expect.poll(owing).toBeGreaterThan(0);
    await expect
      .poll(async () => Number(await usPage.locator('.topbar .nav-count').textContent()), { timeout: 10_000 })
      .toBe(await owing());

    // Inspect, verify in the browser, acknowledge with a read-back.
    await usPage.getByRole('button', { name: new RegExp(`FLASH ${sent.id}\\b`) }).click();
    const inspector = usPage.locator(`aside.inspector[data-entry="${sent.id}"]`);
    await inspector.waitFor();
    await expect
      .poll(() => inspector.locator('[data-check="signature"]').getAttribute('data-ok'))
      .toBe('true');
    expect(await inspector.locator('[data-check="hash"]').getAttribute('data-ok')).toBe('true');
    expect(await inspector.locator('[data-check="key"]').getAttribute('data-ok')).toBe('true');
    expect(await inspector.textContent()).toContain(sent.id);
    await screenshot(usPage, 'inspector');
    await usPage.getByLabel('Understood').check();
    await usPage
      .getByLabel('Read-back in your words (optional)')
      .fill('You will hold an exercise 21–23 February.');
    await usPage.getByRole('button', { name: 'Send receipt' }).click();
    await expect.poll(() => inspector.locator('.ack-form .ok-text').textContent()).toContain('Receipt sent.');

    // The sender sees it understood, live.
    const ruRow = ruPage.locator(`.entry-row[data-entry="${sent.id}"]`);
    await ruRow.locator('.delivery[data-party="US"][data-state="understood"]').waitFor({ timeout: 20_000 });
    await ruPage.getByRole('button', { name: new RegExp(`FLASH ${sent.id}\\b`) }).click();
    await ruPage.locator('.delivery-list [data-party="US"][data-state="understood"]').waitFor();
    await screenshot(ruPage, 'timeline');
  });

  it('refuses an empty note with a clear error on the text field and writes nothing', async () => {
    const before = (await notesOf(ru, 'ru-duty', 'RU')).length;
    await compose(ruPage, { text: '', subject: 'Empty' });
    const error = ruPage.locator('#compose-text-error');
    await error.waitFor();
    expect(await error.textContent()).toContain('Text is required.');
    expect(await ruPage.getByLabel('Text', { exact: true }).getAttribute('aria-invalid')).toBe('true');
    expect((await notesOf(ru, 'ru-duty', 'RU')).length).toBe(before);
  });

  it('marks TEST entries with a banner on both nodes', async () => {
    await compose(ruPage, {
      text: 'Test of the line, please ignore.',
      precedence: 'PRIORITY',
      lang: 'en',
      marking: 'TEST',
    });
    await expect.poll(async () => (await notesOf(ru, 'ru-duty', 'RU')).at(-1)?.marking).toBe('TEST');
    const sent = (await notesOf(ru, 'ru-duty', 'RU')).at(-1)!;
    const usRow = usPage.locator(`.entry-row[data-entry="${sent.id}"]`);
    await usRow.locator('.marking-test').waitFor({ timeout: 20_000 });
    await usPage.getByRole('button', { name: new RegExp(`PRIORITY TEST ${sent.id}\\b`) }).click();
    await usPage.locator(`aside.inspector[data-entry="${sent.id}"] .marking-test`).waitFor();
    expect(await usPage.locator('aside.inspector .marking-test').textContent()).toContain('TEST — TEST');
    await screenshot(usPage, 'timeline-test-marking');
  });

  it('fails verification in the browser when a response was tampered with', async () => {
    const page = await newPage();
    await signIn(page, ru.url, 'ru-duty');
    const target = (await notesOf(ru, 'ru-duty', 'RU'))[0]!;
    // A man in the middle changes the words of one entry in the page of entries.
    await rewriteResponses<{ entries: Entry[] }>(page, '/api/v1/channels/intel/entries', (body) => {
      for (const entry of body.entries) if (entry.id === target.id) entry.body.text = 'Nothing is planned.';
    });
    await page.goto(`${ru.url}/app/channels/intel`);
    await page.getByRole('button', { name: new RegExp(`${target.id}\\b`) }).click();
    const checks = page.locator(`aside.inspector[data-entry="${target.id}"] .checks`);
    await expect.poll(() => checks.locator('[data-check="signature"]').getAttribute('data-ok')).toBe('false');
    expect(await checks.locator('[data-check="hash"]').getAttribute('data-ok')).toBe('false');
    expect(await checks.textContent()).toContain('NOT VALID');
  });

  it('shows peers with link health and a chart of link tests, alerts and checkpoints', async () => {
    await ruPage.getByRole('link', { name: 'Peers & alerts' }).click();
    const row = ruPage.locator('tr[data-peer="US"]');
    await row.waitFor();
    await expect.poll(() => row.locator('.link-up').count()).toBe(1);
    await ruPage.locator('.rtt-chart canvas').waitFor({ timeout: 15_000 });
    // A few seconds of link tests span a few minutes of axis, not the years uPlot would choose
    // for a single point, nor the few seconds between the first tests.
    const span = Number(await ruPage.locator('.rtt-chart').getAttribute('data-x-span'));
    expect(span).toBeGreaterThanOrEqual(300);
    expect(span).toBeLessThan(3600);
    await ruPage.getByText('No equivocation or fork evidence.', { exact: false }).waitFor();
    await ruPage.locator('.checkpoints [data-chain="RU"]').waitFor();
    await screenshot(ruPage, 'peers');
  });

  it('switches the interface to Russian and remembers it, keeping entry texts as written', async () => {
    await ruPage.getByLabel('Interface language').first().selectOption('ru');
    await ruPage.getByRole('link', { name: 'Каналы' }).waitFor();
    await ruPage.reload();
    await ruPage.getByRole('link', { name: 'Каналы' }).click();
    await ruPage.getByRole('link', { name: 'Intelligence services' }).click();
    await ruPage.getByText('Написать записку…').waitFor();
    expect(await ruPage.evaluate('document.documentElement.lang')).toBe('ru');
    await ruPage.locator('.entry-row [lang="en"]', { hasText: 'Test of the line' }).first().waitFor();
    await screenshot(ruPage, 'timeline-ru');
    await ruPage.getByLabel('Язык интерфейса').first().selectOption('en');
  });

  it("composes in the writer's own language by default when the channel has it", async () => {
    // The channel's languages are ru, en; a writer using the English interface writes in English.
    const page = await newPage();
    await signIn(page, us.url, 'us-duty');
    await page.getByRole('link', { name: 'Intelligence services' }).click();
    await openComposer(page);
    await page.getByRole('heading', { name: 'New note' }).waitFor();
    expect(await page.locator('#compose-lang').inputValue()).toBe('en');
  });

  it('works at 400 px wide', async () => {
    const page = await newPage({ width: 400, height: 800 });
    await signIn(page, us.url, 'us-duty');
    await screenshot(page, 'narrow-channel-list');
    await page.getByRole('link', { name: 'Intelligence services' }).click();
    await page.locator('.entry-row').first().waitFor();
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(400);
    await screenshot(page, 'narrow-timeline');
    await page.locator('.vrow-button').first().click();
    await page.locator('aside.inspector').waitFor();
    await screenshot(page, 'narrow-inspector');
  });

  it('keeps only visible rows in the DOM for a 100,000-entry timeline and scrolls smoothly', async () => {
    const page = await newPage();
    await signIn(page, ru.url, 'ru-duty');
    const template = (await notesOf(ru, 'ru-duty', 'RU'))[0]! as unknown as Record<string, unknown>;
    const TOTAL = 100_000;
    // The node is real; only this channel's pages are synthesised, to size the list quickly.
    await page.route(
      (url) => url.pathname === '/api/v1/channels/bulk',
      (route) =>
        route.fulfill({
          json: {
            id: 'bulk',
            name: 'Bulk',
            offices: ['ru-ops'],
            languages: ['ru', 'en'],
            parties: { RU: ['ru-ops'] },
            observers: {},
            state: 'active',
            createdAt: 0,
          },
        }),
    );
    await page.route(
      (url) => url.pathname === '/api/v1/channels/bulk/entries',
      (route) => {
        const url = new URL(route.request().url());
        const after = Number(url.searchParams.get('after') ?? 0);
        const limit = Number(url.searchParams.get('limit') ?? 100);
        const entries = [];
        for (let cursor = after + 1; cursor <= Math.min(TOTAL, after + limit); cursor += 1) {
          const time = new Date(Date.UTC(2026, 1, 20) + cursor * 1000).toISOString();
          entries.push({
            ...template,
            id: `bulk/RU/${cursor}`,
            channel: 'bulk',
            seq: cursor,
            cursor,
            hlc: `${time}/000000`,
            precedence: cursor % 50 === 0 ? 'FLASH' : 'ROUTINE',
            body: { text: `Entry number ${cursor}` },
          });
        }
        return route.fulfill({ json: { entries, next: entries.at(-1)?.cursor ?? after } });
      },
    );
    await page.route(
      (url) => url.pathname === '/api/v1/channels/bulk/events',
      (route) =>
        route.fulfill({ status: 200, headers: { 'content-type': 'text/event-stream' }, body: ': idle\n\n' }),
    );
    await page.route(
      (url) => /^\/api\/v1\/channels\/bulk\/entries\/[^/]+\/\d+\/delivery$/.test(url.pathname),
      (route) => route.fulfill({ json: { parties: [] } }),
    );
    await page.goto(`${ru.url}/app/channels/bulk`);
    await expect
      .poll(() => page.locator('.timeline-facts').textContent(), { timeout: 30_000 })
      .toContain(`${TOTAL} entries`);
    const rows = await page.locator('.vrow').count();
    expect(rows).toBeGreaterThan(5);
    expect(rows).toBeLessThan(60);
    expect(await page.locator('.entry-row').first().textContent()).toContain(`Entry number ${TOTAL}`);
    // Scroll through the list: only the visible window is ever in the DOM, however far it goes.
    // How fast frames come is a benchmark figure; a test on a shared machine never asserts speed.
    const mostRows = await page.evaluate<number>(`(async () => {
      const list = document.querySelector('.vlist');
      let most = 0;
      for (let i = 0; i < 60; i += 1) {
        list.scrollTop += list.scrollHeight / 80;
        await new Promise((r) => requestAnimationFrame(() => r(null)));
        most = Math.max(most, document.querySelectorAll('.vrow').length);
      }
      return most;
    })()`);
    expect(mostRows).toBeGreaterThan(5);
    expect(mostRows).toBeLessThan(60);
    // Keyboard: End jumps to the oldest entry.
    await page.locator('.vrow-button').first().focus();
    await page.keyboard.press('End');
    await page.locator('.entry-row', { hasText: /Entry number 1$/ }).waitFor();
  });
});
