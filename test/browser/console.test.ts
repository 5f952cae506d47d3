/**
 * The web app in a real browser (Debian chromium, headless) against two real federated node
 * processes, RU and US, on 127.0.0.1: an RU duty officer sends a FLASH note through the compose
 * form, it appears live in the US duty officer's timeline on the other node, the US officer
 * acknowledges it as understood with a read-back, and the RU officer sees the delivery state turn
 * to understood, all without a reload. Also: a bad login, a refused empty note (nothing
 * written), the TEST banner, signature verification in the browser (and its failure on a
 * tampered response), a 100,000-entry timeline that keeps only visible rows in the DOM, the
 * language switch, and screenshots of the main screens at 1280x800 and 400 px wide.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser, openComposer, runBrowserTests, screenshot, signIn } from '../support/browser.js';
import { api, openChannel, peerUp, startParty, type PartyNode } from '../support/node-process.js';

interface Entry {
  id: string;
  party: string;
  seq: number;
  kind: string;
  author: string;
  hash: string;
  body: Record<string, unknown>;
  marking?: string;
}

let ru: PartyNode;
let us: PartyNode;
let browser: Browser;
const contexts: BrowserContext[] = [];
const DESKTOP = { width: 1280, height: 800 };

async function newPage(viewport = DESKTOP): Promise<Page> {
  const context = await browser.newContext({ viewport, locale: 'en-US', timezoneId: 'UTC' });
  context.setDefaultTimeout(15_000);
  contexts.push(context);
  return context.newPage();
}

async function notesOf(node: PartyNode, user: string, party: string): Promise<Entry[]> {
  const result = await api<{ entries: Entry[] }>(
    node,
    user,
    'GET',
    '/api/v1/channels/intel/entries?limit=1000',
  );
  return result.body.entries.filter((e) => e.kind === 'note' && e.party === party);
}

async function compose(
  page: Page,
  note: { text: string; subject?: string; precedence?: string; lang?: string; marking?: string },
): Promise<void> {
  await openComposer(page);
  await page.getByLabel('Precedence').selectOption(note.precedence ?? 'ROUTINE');
  if (note.lang) await page.getByLabel('Language of the text').selectOption(note.lang);
  await page.getByLabel('Marking').selectOption(note.marking ?? '');
  await page.getByLabel('Subject (optional)').fill(note.subject ?? '');
  await page.getByLabel('Text', { exact: true }).fill(note.text);
  await page.getByRole('button', { name: /^Send/ }).click();
}

describe.runIf(runBrowserTests)('web app in a browser, two federated nodes', () => {
  let ruPage: Page;
  let usPage: Page;

  beforeAll(async () => {
    [ru, us] = await Promise.all([
      startParty('RU', {}, ['--heartbeat-seconds', '1']),
      startParty('US', {}, ['--heartbeat-seconds', '1']),
    ]);
    peerUp(ru, us);
    await openChannel(ru, us);
    browser = await launchBrowser();
  }, 240_000);

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
    await Promise.all([ru?.serve.stop(), us?.serve.stop()]);
  });

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
    await page.route(
      (url) => url.pathname === '/api/v1/channels/intel/entries',
      async (route) => {
        const response = await route.fetch();
        const body = (await response.json()) as { entries: Entry[] };
        for (const entry of body.entries) if (entry.id === target.id) entry.body.text = 'Nothing is planned.';
        await route.fulfill({ response, json: body });
      },
    );
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
  // ---- Workflow screens: obligations, answers, clarifications, statements, notifications ----

  let flash: Entry;
  let usItem: Page;
  let ruItem: Page;
  const FLASH_TEXT = 'Корабли 🚢 выйдут в район учений 21 февраля в 06:00 UTC.';
  const PASSAGE = 'в район учений';

  it('lists the FLASH item in what I owe, with a live countdown, and opens it', async () => {
    const sentAt = Date.now();
    ruItem = await newPage();
    await signIn(ruItem, ru.url, 'ru-duty');
    await ruItem.goto(`${ru.url}/app/channels/intel`);
    await ruItem.locator('.live-indicator.on').waitFor();
    await compose(ruItem, { text: FLASH_TEXT, subject: 'Выход кораблей', precedence: 'FLASH', lang: 'ru' });
    await expect.poll(() => ruItem.locator('.compose .ok-text').textContent()).toContain('Sent: intel/RU/');
    flash = (await notesOf(ru, 'ru-duty', 'RU')).at(-1)!;
    expect(flash.body.text).toBe(FLASH_TEXT);

    usItem = await newPage();
    await signIn(usItem, us.url, 'us-duty');
    await usItem.getByRole('link', { name: 'Obligations' }).click();
    const row = usItem.locator(
      `[data-direction="owing"] .obligation[data-item="${flash.id}"][data-type="response"]`,
    );
    await row.waitFor({ timeout: 20_000 });
    const first = await row.locator('.countdown').textContent();
    // FLASH: a response within 10 minutes of sending.
    expect(first).toMatch(/^due in (9|10):\d\d$/);
    expect(await row.locator('.precedence-flash').count()).toBe(1);
    await expect.poll(() => row.locator('.countdown').textContent(), { timeout: 5_000 }).not.toBe(first);
    expect(Date.now() - sentAt).toBeLessThan(60_000);
    // The channel list counts it too.
    await usItem.getByRole('link', { name: 'Channels' }).click();
    await expect
      .poll(() => usItem.locator('[data-channel="intel"] .count-owing').getAttribute('data-count'))
      .not.toBe('0');
    await usItem.getByRole('link', { name: 'Obligations' }).click();
    await row.waitFor();
    await screenshot(usItem, 'obligations');
    await row.locator('a').click();
    await usItem.locator(`aside.inspector[data-entry="${flash.id}"] .item-panel`).waitFor();
    expect(new URL(usItem.url()).pathname).toBe(`/app/channels/intel/entries/RU/${flash.seq}`);
  });

  it('asks about a selected passage of the original; the sender sees it live and answers', async () => {
    const inspector = usItem.locator(`aside.inspector[data-entry="${flash.id}"]`);
    // RU has the item open, to watch the question arrive.
    await ruItem.goto(`${ru.url}/app/channels/intel/entries/RU/${flash.seq}`);
    const ruInspector = ruItem.locator(`aside.inspector[data-entry="${flash.id}"]`);
    await ruInspector.locator('.item-panel .answers').waitFor();

    // US selects the passage in the original text, in the browser.
    const original = inspector.locator('.original-text');
    await original.waitFor();
    // (A string, run in the page: the test's own TypeScript has no DOM types.)
    await usItem.evaluate(`(() => {
      const element = document.querySelector('aside.inspector .original-text');
      const node = element.firstChild;
      const start = node.textContent.indexOf(${JSON.stringify(PASSAGE)});
      const range = document.createRange();
      range.setStart(node, start);
      range.setEnd(node, start + ${PASSAGE.length});
      const selection = document.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
    })()`);
    const quote = inspector.getByLabel('Passage of the original (as quoted)');
    await expect.poll(() => quote.inputValue()).toBe(PASSAGE);
    await inspector.getByLabel('Question', { exact: true }).fill('Какой именно район? Укажите координаты.');
    await screenshot(usItem, 'clarification-request');
    await inspector.getByRole('button', { name: 'Send question' }).click();
    await expect
      .poll(() => inspector.locator('.clarify-form .ok-text').textContent())
      .toContain('Question sent');

    // The request addresses the passage by UTF-16 offsets into the original body.text.
    const request = (
      await api<{ entries: Entry[] }>(us, 'us-duty', 'GET', '/api/v1/channels/intel/entries?limit=1000')
    ).body.entries.find((e) => e.kind === 'clarification-request')!;
    const passage = request.body.passage as { start: number; end: number; quote: string };
    expect(passage).toEqual({
      start: FLASH_TEXT.indexOf(PASSAGE),
      end: FLASH_TEXT.indexOf(PASSAGE) + PASSAGE.length,
      quote: PASSAGE,
    });

    // RU sees it live in the open item, and answers it there.
    const ruQuestion = ruInspector.locator(`.clarification[data-request="${request.id}"]`);
    await ruQuestion.waitFor({ timeout: 20_000 });
    expect(await ruQuestion.locator('.quote').textContent()).toContain(PASSAGE);
    await ruQuestion.getByLabel('Your answer').fill('Район: 69° с. ш., 33° в. д., радиус 20 миль.');
    await ruQuestion.getByRole('button', { name: 'Send answer' }).click();
    await ruQuestion.locator('.clarification-answer').waitFor();

    // US sees the answer, live.
    await inspector
      .locator(`.clarification[data-request="${request.id}"] .clarification-answer`, { hasText: '69°' })
      .waitFor({ timeout: 20_000 });
    await ruItem.getByRole('link', { name: 'Clarifications' }).click();
    await ruItem.getByText('Show answered').click();
    await ruItem.locator(`.clarification[data-request="${request.id}"][data-answered="true"]`).waitFor();
    await screenshot(ruItem, 'clarifications');
  });

  it('reviews a read-back: corrected, read back again, confirmed; resolved on both nodes', async () => {
    const inspector = usItem.locator(`aside.inspector[data-entry="${flash.id}"]`);
    await inspector.getByLabel('Understood').check();
    await inspector
      .getByLabel('Read-back in your words (optional)')
      .fill('Ships sail on 21 February at 16:00 UTC.');
    await inspector.getByRole('button', { name: 'Send receipt' }).click();
    await expect.poll(() => inspector.locator('.ack-form .ok-text').textContent()).toContain('Receipt sent.');

    await ruItem.goto(`${ru.url}/app/channels/intel/entries/RU/${flash.seq}`);
    const ruInspector = ruItem.locator(`aside.inspector[data-entry="${flash.id}"]`);
    const ruAnswer = ruInspector.locator('.answers li[data-party="US"]');
    await ruInspector
      .locator('.answers li[data-party="US"][data-state="readback-pending"]')
      .waitFor({ timeout: 20_000 });
    expect(await ruAnswer.locator('.answer-detail').textContent()).toContain('16:00');
    await ruAnswer.getByRole('button', { name: 'Correct…' }).click();
    await ruAnswer.getByLabel('What was meant (correction)').fill('06:00 UTC, not 16:00.');
    await screenshot(ruItem, 'readback-review');
    await ruAnswer.getByRole('button', { name: 'Send correction' }).click();
    await ruInspector.locator('.answers li[data-party="US"][data-state="readback-corrected"]').waitFor();

    // US sees "corrected" with the correction, and reads back again.
    const usAnswer = inspector.locator('.answers li[data-party="US"][data-state="readback-corrected"]');
    await usAnswer.waitFor({ timeout: 20_000 });
    expect(await usAnswer.textContent()).toContain('corrected');
    expect(await usAnswer.textContent()).toContain('06:00 UTC, not 16:00.');
    await inspector.getByLabel('Understood').check();
    await inspector
      .getByLabel('Read-back in your words (optional)')
      .fill('Ships sail on 21 February at 06:00 UTC.');
    await inspector.getByRole('button', { name: 'Send receipt' }).click();
    await expect.poll(() => inspector.locator('.ack-form .ok-text').textContent()).toContain('Receipt sent.');

    // RU confirms; the item is resolved on both nodes.
    const pending = ruInspector.locator('.answers li[data-party="US"][data-state="readback-pending"]');
    await pending.waitFor({ timeout: 20_000 });
    expect(await pending.locator('.answer-detail').textContent()).toContain('06:00');
    await pending.getByRole('button', { name: 'Confirm read-back' }).click();
    await ruInspector.locator('.answers li[data-party="US"][data-state="readback-confirmed"]').waitFor();
    await ruInspector.locator('.item-panel[data-resolved="true"]').waitFor();
    await inspector.locator('.item-panel[data-resolved="true"]').waitFor({ timeout: 20_000 });
    expect(await inspector.locator('.item-panel .resolved').textContent()).toContain('Resolved');
    await screenshot(usItem, 'item-resolved');
  });

  it('drafts a joint statement with a bracket, resolves it, approves as both heads and releases', async () => {
    const ruHead = await newPage();
    await signIn(ruHead, ru.url, 'ru-head');
    await ruHead.goto(`${ru.url}/app/channels/intel/statements`);
    await ruHead.getByRole('button', { name: 'New statement' }).click();
    await ruHead.getByLabel('Statement id').fill('joint-1');
    await ruHead.getByLabel('Title', { exact: true }).fill('Joint statement on the exercise');
    await ruHead
      .getByLabel('Text (disputed passages as [a | b])')
      .fill('The parties [agree to begin talks | agree to prepare the ground for talks] in March.');
    await ruHead.getByRole('button', { name: 'Send draft' }).click();
    const ruCard = ruHead.locator('.statement[data-statement="joint-1"]');
    await ruCard.locator('mark.bracket').waitFor();
    expect(await ruCard.getAttribute('data-state')).toBe('bracketed');
    expect(await ruCard.getByRole('button', { name: 'Approve' }).isDisabled()).toBe(true);

    // US head proposes one alternative for the bracket; it stays disputed until RU agrees.
    const usHead = await newPage();
    await signIn(usHead, us.url, 'us-head');
    await usHead.goto(`${us.url}/app/channels/intel/statements`);
    const usCard = usHead.locator('.statement[data-statement="joint-1"]');
    await usCard.waitFor({ timeout: 20_000 });
    await usCard.getByRole('button', { name: 'Propose «agree to prepare the ground for talks»' }).click();
    await usCard.locator('.bracket-panel .resolution').waitFor();
    expect(await usCard.locator('.bracket-panel .resolution').textContent()).toContain('proposed by US');
    expect(await usCard.getAttribute('data-state')).toBe('bracketed');
    expect(await usCard.getByRole('button', { name: /^Agree to/ }).count()).toBe(0);

    // RU head agrees: only now is the bracket resolved, and the settled text is shown.
    await ruCard
      .getByRole('button', { name: 'Agree to «agree to prepare the ground for talks»' })
      .click({ timeout: 20_000 });
    await expect.poll(() => ruCard.getAttribute('data-state')).toBe('approving');
    await expect.poll(() => usCard.getAttribute('data-state'), { timeout: 20_000 }).toBe('approving');
    expect(await ruCard.locator('.bracket-panel').getAttribute('data-resolved')).toBe('true');
    expect(await ruCard.locator('p.statement-text').first().textContent()).toBe(
      'The parties agree to prepare the ground for talks in March.',
    );
    await ruCard.getByRole('button', { name: 'Approve' }).click();
    await ruCard.locator('tr[data-party="RU"][data-approved="true"]').waitFor();
    expect(await ruCard.getByRole('button', { name: 'Release' }).isDisabled()).toBe(true);
    expect(await ruCard.locator('.why').textContent()).toContain('waiting for approval by US');
    await screenshot(ruHead, 'statements');

    // A view that wrongly believes every party approved: the node refuses, and says why.
    const stale = await newPage();
    await signIn(stale, ru.url, 'ru-head');
    await stale.route(
      (url) => url.pathname === '/api/v1/channels/intel/statements',
      async (route) => {
        const response = await route.fetch();
        const body = (await response.json()) as { statements: Array<{ waitingFor: string[] }> };
        for (const statement of body.statements) statement.waitingFor = [];
        await route.fulfill({ response, json: body });
      },
    );
    await stale.goto(`${ru.url}/app/channels/intel/statements`);
    const staleCard = stale.locator('.statement[data-statement="joint-1"]');
    await staleCard.getByRole('button', { name: 'Release' }).click();
    await expect
      .poll(() => staleCard.locator('.form-error').textContent())
      .toContain('not approved yet by US: nothing is released without every party');

    // US head approves; RU head releases.
    await usCard.getByRole('button', { name: 'Approve' }).click();
    await usCard.locator('tr[data-party="US"][data-approved="true"]').waitFor();
    await ruCard.locator('tr[data-party="US"][data-approved="true"]').waitFor({ timeout: 20_000 });
    // RU head releases it under embargo: both nodes show it embargoed until then.
    const embargo = new Date(Date.now() + 86_400_000).toISOString().slice(0, 16) + 'Z';
    await ruCard.getByLabel('Embargo until (UTC, optional)').fill(embargo);
    await ruCard.getByRole('button', { name: 'Release' }).click();
    await expect.poll(() => ruCard.getAttribute('data-state')).toBe('embargoed');
    await expect.poll(() => usCard.getAttribute('data-state'), { timeout: 20_000 }).toBe('embargoed');
    expect(await usCard.locator('.released').textContent()).toContain('embargoed until');
    expect(await usCard.getByRole('button', { name: 'Revise' }).count()).toBe(0);
    await screenshot(usHead, 'statement-released');

    // The public record, apart from the statements: RU records the Secretary General's remarks.
    await ruHead.getByRole('button', { name: 'Record a public statement' }).click();
    const form = ruHead.locator('form.public-form');
    await form.getByLabel('Speaker').fill('Secretary General');
    await form.getByLabel('Office').fill('NATO Secretary General');
    await form.getByLabel('Party or organisation').fill('NATO');
    await form.getByLabel('Where published').fill('Press conference, Brussels');
    await form.getByLabel('When (UTC, e.g. 2026-02-22T09:00Z)').fill('2026-02-22T09:00Z');
    await form
      .getByLabel('What was said')
      .fill('The Secretary General voiced support for peace negotiations.');
    await form.getByRole('button', { name: 'Record' }).click();
    const usPublic = usHead.locator('.public-record .public-statement');
    await usPublic.first().waitFor({ timeout: 20_000 });
    expect(await usPublic.first().textContent()).toContain('(NATO Secretary General, NATO)');

    // Glossary: RU's head proposes a term, US's head agrees in the browser.
    const proposed = await api(ru, 'ru-head', 'POST', '/api/v1/channels/intel/entries', {
      kind: 'glossary-term',
      body: { term: 'area', renderings: { ru: 'район', en: 'area' }, note: 'not “zone”' },
    });
    expect(proposed.status).toBe(201);
    await usHead.getByRole('link', { name: 'Glossary' }).click();
    const pending = usHead.locator('.pending-term[data-term="area"]');
    await pending.waitFor({ timeout: 20_000 });
    await pending.getByRole('button', { name: 'Agree' }).click();
    await usHead.locator('.glossary-table tr[data-term="area"]').waitFor();
    await screenshot(usHead, 'glossary');
  });

  it('shows the original beside its translation, with the glossary warning', async () => {
    const translated = await api(us, 'us-duty', 'POST', '/api/v1/channels/intel/entries', {
      kind: 'translation',
      lang: 'en',
      body: {
        of: { party: flash.party, seq: flash.seq, hash: flash.hash },
        text: 'Ships will sail to the exercise zone on 21 February at 06:00 UTC.',
        translator: { type: 'machine', tool: 'opus-mt-ru-en 2024-03' },
      },
    });
    expect(translated.status).toBe(201);
    await usItem.goto(`${us.url}/app/channels/intel/entries/RU/${flash.seq}`);
    const panel = usItem.locator('aside.inspector .translations');
    await panel.locator('.version.translation').waitFor();
    expect(await panel.locator('.version.original').textContent()).toContain('authoritative');
    expect(await panel.locator('.version.translation').textContent()).toContain('not authoritative');
    expect(await panel.locator('.version.translation').textContent()).toContain('opus-mt-ru-en 2024-03');
    await panel.locator('.glossary-warnings [data-term="area"]').waitFor();
    expect(await panel.locator('.version.original mark.glossary-term').textContent()).toBe('район');
    await panel.scrollIntoViewIfNeeded();
    await screenshot(usItem, 'translations');
  });

  it('refuses a notification with a bad field on that field and writes nothing', async () => {
    const published = await api(ru, 'ru-head', 'POST', '/api/v1/channels/intel/entries', {
      kind: 'template',
      body: {
        name: 'exercise-notice',
        version: 1,
        title: 'Naval exercise',
        schema: {
          type: 'object',
          properties: {
            area: {
              type: 'object',
              title: 'Area',
              properties: {
                lat: { type: 'integer', minimum: -90, maximum: 90 },
                lon: { type: 'integer', minimum: -180, maximum: 180 },
              },
              required: ['lat', 'lon'],
              additionalProperties: false,
            },
            start: { type: 'string', format: 'date', title: 'Start date' },
            ships: { type: 'integer', minimum: 1, title: 'Ships' },
            live: { type: 'boolean', title: 'Live fire' },
            sea: { enum: ['Barents', 'Baltic', 'Black'], title: 'Sea' },
          },
          required: ['area', 'start'],
          additionalProperties: false,
        },
      },
    });
    expect(published.status).toBe(201);
    const notifications = async () =>
      (
        await api<{ entries: Entry[] }>(ru, 'ru-duty', 'GET', '/api/v1/channels/intel/entries?limit=1000')
      ).body.entries.filter((e) => e.kind === 'notification');
    const before = (await notifications()).length;

    await ruItem.goto(`${ru.url}/app/channels/intel/notify`);
    await ruItem.getByLabel('Template').selectOption({ label: 'Naval exercise — exercise-notice@1' });
    await ruItem.getByLabel(/^lat/).fill('95');
    await ruItem.getByLabel(/^lon/).fill('33');
    await ruItem.getByLabel('Start date').fill('2026-02-21');
    await ruItem.getByLabel('Ships').fill('4');
    await ruItem.getByLabel('Sea').selectOption('Barents');
    await ruItem.getByLabel('Text', { exact: true }).fill('Учения в Баренцевом море с 21 февраля.');
    await ruItem.getByRole('button', { name: /^Send notification/ }).click();
    const error = ruItem.locator('#nf-area-lat-error');
    await error.waitFor();
    expect(await error.textContent()).toBe('Must be at most 90.');
    expect(await ruItem.getByLabel(/^lat/).getAttribute('aria-invalid')).toBe('true');
    await screenshot(ruItem, 'notify-error');
    expect((await notifications()).length).toBe(before);

    // Corrected, it is sent; the other party reads it back field by field.
    await ruItem.getByLabel(/^lat/).fill('69');
    await ruItem.getByRole('button', { name: /^Send notification/ }).click();
    await ruItem.locator('.notify .ok-text').waitFor();
    const sent = (await notifications()).at(-1)!;
    expect(sent.body.fields).toEqual({
      area: { lat: 69, lon: 33 },
      start: '2026-02-21',
      ships: 4,
      sea: 'Barents',
    });

    await usItem.goto(`${us.url}/app/channels/intel/entries/RU/${sent.seq}`);
    const inspector = usItem.locator(`aside.inspector[data-entry="${sent.id}"]`);
    await inspector.locator('.readback-fields').waitFor({ timeout: 20_000 });
    expect(await inspector.getByLabel('Ships (ships)').inputValue()).toBe('');
    await inspector.getByLabel('Start date (start)').fill('2026-02-21');
    await inspector.getByLabel('Ships (ships)').fill('5');
    await inspector.getByRole('button', { name: 'Send receipt' }).click();
    await expect.poll(() => inspector.locator('.ack-form .ok-text').textContent()).toContain('Receipt sent.');
    await ruItem.goto(`${ru.url}/app/channels/intel/entries/RU/${sent.seq}`);
    const table = ruItem.locator('aside.inspector .field-compare');
    await table.waitFor({ timeout: 20_000 });
    expect(await table.locator('tr[data-field="start"]').getAttribute('data-match')).toBe('true');
    expect(await table.locator('tr[data-field="ships"]').getAttribute('data-match')).toBe('false');
    await screenshot(ruItem, 'readback-fields');
  });

  it('shows the workflow screens at 400 px wide', async () => {
    const page = await newPage({ width: 400, height: 800 });
    await signIn(page, ru.url, 'ru-duty');
    await page.goto(`${ru.url}/app/obligations`);
    await page.getByRole('heading', { name: 'What I owe and what I am owed' }).waitFor();
    await page.getByRole('tab', { name: /I am owed/ }).click();
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(400);
    await screenshot(page, 'narrow-obligations');
    await page.goto(`${ru.url}/app/channels/intel/statements`);
    await page.locator('.statement').first().waitFor();
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(400);
    await screenshot(page, 'narrow-statements');
  });

  it('pins a peer from the admin screen only with the fingerprint its operators gave', async () => {
    const page = await newPage();
    await signIn(page, ru.url, 'admin');
    await page.goto(`${ru.url}/app/admin`);
    await page.getByRole('heading', { name: 'Peers' }).waitFor();
    await page.getByLabel('Node URL').fill(us.url);
    await page.getByLabel('Party id').fill('US');
    await page.getByLabel('Key fingerprint (SHA256:…)').fill(ru.fingerprint);
    await page.getByRole('button', { name: 'Pin peer' }).click();
    await expect
      .poll(() => page.locator('.form-error').last().textContent())
      .toContain('fingerprint mismatch');
    await page.getByLabel('Key fingerprint (SHA256:…)').fill(us.fingerprint);
    await page.getByRole('button', { name: 'Pin peer' }).click();
    await expect
      .poll(() => page.getByRole('status').last().textContent())
      .toContain(`Pinned US (${us.fingerprint})`);
    await screenshot(page, 'admin-peers');
  });
});
