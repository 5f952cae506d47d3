/**
 * Keeping contact in a real browser (Debian chromium, headless) against two real federated node
 * processes, RU and US: an RU officer proposes a briefing, minutes recorded before the US accepts
 * are refused with the node's reason, the US officer accepts it in the browser, RU records the
 * minutes, both parties record readouts and the side-by-side view pairs them point by point
 * (the same sentence, and the conflicting notice period with its words marked); an invitation
 * answered in the US browser turns accepted in the RU browser without a reload; a commitment
 * shows its periods and next due date, and the cadence dashboard draws its charts. Screenshots of each go to test-artifacts/.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser, runBrowserTests, screenshot, signIn } from '../support/browser.js';
import { api, eventually, openChannel, peerUp, startParty, type PartyNode } from '../support/node-process.js';

interface Entry {
  id: string;
  party: string;
  seq: number;
  hash: string;
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

async function refOf(
  node: PartyNode,
  user: string,
  id: string,
): Promise<{ party: string; seq: number; hash: string }> {
  const [channel, party, seq] = id.split('/');
  const entry = await api<Entry>(node, user, 'GET', `/api/v1/channels/${channel}/entries/${party}/${seq}`);
  expect(entry.status).toBe(200);
  return { party: entry.body.party, seq: entry.body.seq, hash: entry.body.hash };
}

async function post(node: PartyNode, user: string, body: unknown): Promise<Entry> {
  const result = await api<Entry>(node, user, 'POST', '/api/v1/channels/intel/entries', body);
  expect(result.status, JSON.stringify(result.body)).toBe(201);
  return result.body;
}

/** `YYYY-MM-DDTHH:MM` (UTC), as a datetime-local input takes it. */
const localInput = (at: number) => new Date(at).toISOString().slice(0, 16);

const RU_READOUT =
  'The parties reviewed the exercise schedule. Both sides agreed to notify each other 48 hours ahead.';
const US_READOUT =
  'The parties reviewed the exercise schedule. Both sides agreed to notify each other 24 hours ahead.';

describe.runIf(runBrowserTests)('keeping contact in a browser, two federated nodes', () => {
  let ruPage: Page;
  let usPage: Page;
  let briefingId: string;

  beforeAll(async () => {
    [ru, us] = await Promise.all([
      startParty('RU', {}, ['--heartbeat-seconds', '1']),
      startParty('US', {}, ['--heartbeat-seconds', '1']),
    ]);
    peerUp(ru, us);
    await openChannel(ru, us);
    browser = await launchBrowser();
    [ruPage, usPage] = await Promise.all([newPage(), newPage()]);
    await Promise.all([signIn(ruPage, ru.url, 'ru-duty'), signIn(usPage, us.url, 'us-duty')]);
  }, 240_000);

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
    await Promise.all([ru?.serve.stop(), us?.serve.stop()]);
  });

  it('proposes a briefing, offers no minutes before acceptance, accepts it on the other node', async () => {
    await ruPage.goto(`${ru.url}/app/channels/intel/briefings`);
    await ruPage.getByRole('heading', { name: 'Briefings', exact: true }).waitFor();
    await ruPage.getByRole('button', { name: 'Propose a briefing' }).click();
    await ruPage.getByLabel('Title').fill('Quarterly exercise notifications');
    await ruPage.getByLabel('Agenda').fill('Exercise schedule\nAdvance notice period');
    await ruPage.getByLabel('Proposed time (UTC)').fill(localInput(Date.now() - 3_600_000));
    await ruPage.getByLabel('Language of the text').first().selectOption('en');
    await ruPage.getByRole('button', { name: 'Propose', exact: true }).click();
    await expect.poll(() => ruPage.locator('.contact-notice').textContent()).toContain('Proposed: intel/RU/');
    const card = ruPage.locator('.briefing-card', { hasText: 'Quarterly exercise notifications' });
    await card.waitFor();
    briefingId = (await card.getAttribute('data-briefing'))!;
    expect(await card.getAttribute('data-state')).toBe('proposed');
    expect(await card.locator('.waiting').textContent()).toContain('US');

    // Before the US accepted, there is nothing to record minutes of (the node would refuse them).
    expect(await card.getByRole('button', { name: 'Record minutes' }).count()).toBe(0);
    await screenshot(ruPage, 'briefings-refused');

    // The US officer accepts it in the browser on the other node.
    await usPage.goto(`${us.url}/app/channels/intel/briefings`);
    const usCard = usPage.locator(`.briefing-card[data-briefing="${briefingId}"]`);
    await usCard.waitFor({ timeout: 20_000 });
    await usCard.getByRole('button', { name: 'Accept', exact: true }).click();
    await usPage.locator(`.briefing-card[data-briefing="${briefingId}"][data-state="accepted"]`).waitFor();
    // RU sees it accepted without a reload.
    await ruPage
      .locator(`.briefing-card[data-briefing="${briefingId}"][data-state="accepted"]`)
      .waitFor({ timeout: 20_000 });
  });

  it('records the minutes once accepted, and both readouts compared side by side', async () => {
    const card = ruPage.locator(`.briefing-card[data-briefing="${briefingId}"]`);
    await card.getByRole('button', { name: 'Record minutes' }).click();
    await card.getByLabel('Duration (minutes)').fill('45');
    await card.getByRole('button', { name: 'Save minutes' }).click();
    // The minutes themselves are required.
    await expect.poll(() => card.locator('.field-error').allTextContents()).toContain('Write the minutes.');
    await card.getByLabel('Minutes', { exact: true }).fill('The sides reviewed the exercise schedule.');
    await card.getByRole('button', { name: 'Save minutes' }).click();
    await ruPage.locator(`.briefing-card[data-briefing="${briefingId}"][data-state="held"]`).waitFor();
    expect(await card.locator('.minutes').textContent()).toContain('45 min');

    await card.getByRole('button', { name: 'Record my readout' }).click();
    await card.getByLabel('Language of the text').selectOption('en');
    await card.getByLabel('Readout in your words').fill(RU_READOUT);
    await card.getByRole('button', { name: 'Save readout' }).click();
    await expect.poll(() => card.locator('.ok-text').textContent()).toContain('Readout recorded.');

    // The US readout, through the API.
    await eventually(
      async () =>
        (await api(us, 'us-duty', 'GET', `/api/v1/channels/intel/entries/RU/${briefingId.split('/')[2]}`))
          .status === 200,
      20_000,
      'briefing at US',
    );
    await post(us, 'us-duty', {
      kind: 'readout',
      lang: 'en',
      body: { of: await refOf(us, 'us-duty', briefingId), text: US_READOUT },
    });

    const compare = card.getByRole('button', { name: 'Compare readouts side by side' });
    await compare.waitFor({ timeout: 20_000 });
    await compare.click();
    const view = card.locator('.readout-compare');
    await view.waitFor();
    // Point by point (the alignment is test/readout-eval's and alignment.test.ts's subject).
    await view.locator('.aligned-point').first().waitFor();
    expect(
      await view
        .locator('.aligned-point')
        .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-label'))),
    ).toEqual(['same', 'conflict']);
    const ruSide = view.locator('.point-side[data-party="RU"]');
    const usSide = view.locator('.point-side[data-party="US"]');
    expect((await ruSide.allTextContents()).join('')).toBe(RU_READOUT);
    expect((await usSide.allTextContents()).join('')).toBe(US_READOUT);
    expect(await ruSide.first().getAttribute('lang')).toBe('en');
    expect(await ruSide.locator('mark.w-conflict').allTextContents()).toEqual(['48 hours']);
    expect(await usSide.locator('mark.w-conflict').allTextContents()).toEqual(['24 hours']);
    expect(await view.locator('.compare-summary').textContent()).toContain('same: 1');
    await card.scrollIntoViewIfNeeded();
    await screenshot(ruPage, 'readouts-compare');
    await ruPage.evaluate('window.scrollTo(0, 0)');
    await screenshot(ruPage, 'briefings');

    // A narrow window stacks the two columns.
    const narrow = await newPage({ width: 400, height: 800 });
    await signIn(narrow, ru.url, 'ru-duty');
    await narrow.goto(`${ru.url}/app/channels/intel/briefings`);
    const narrowCard = narrow.locator(`.briefing-card[data-briefing="${briefingId}"]`);
    await narrowCard.getByRole('button', { name: 'Compare readouts side by side' }).click();
    await narrowCard.locator('.readout-compare').scrollIntoViewIfNeeded();
    await screenshot(narrow, 'readouts-compare-narrow');
    const [left, right] = await Promise.all([
      narrowCard.locator('.readout-column[data-party="RU"]').boundingBox(),
      narrowCard.locator('.readout-column[data-party="US"]').boundingBox(),
    ]);
    expect(right!.y).toBeGreaterThan(left!.y + left!.height - 1);
    expect(await narrow.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(400);
  });

  it('an invitation answered in one browser changes state in the other, live', async () => {
    await ruPage.goto(`${ru.url}/app/channels/intel/invitations`);
    await ruPage.getByRole('heading', { name: 'Invitations', exact: true }).waitFor();
    await ruPage.getByRole('button', { name: 'New invitation' }).click();
    await ruPage.getByLabel('What').fill('Expert consultations on incident prevention');
    await ruPage.getByLabel('Where').fill('Geneva');
    const inDays = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);
    await ruPage.getByLabel('From (date)').fill(inDays(20));
    await ruPage.getByLabel('To (date)').fill(inDays(22));
    await ruPage.getByLabel('Answer by').fill(inDays(5));
    await ruPage.getByRole('button', { name: 'Send invitation' }).click();
    const ruCard = ruPage.locator('.invitation-card', { hasText: 'Expert consultations' });
    await ruCard.waitFor();
    const id = (await ruCard.getAttribute('data-invitation'))!;
    expect(await ruCard.getAttribute('data-state')).toBe('open');
    expect(await ruCard.locator('.due-countdown').textContent()).toMatch(/^\d+ d \d\d:\d\d left$/);
    // The inviting party has no answer buttons.
    expect(await ruCard.getByRole('button', { name: /^Accept:/ }).count()).toBe(0);

    await usPage.goto(`${us.url}/app/channels/intel/invitations`);
    const usCard = usPage.locator(`.invitation-card[data-invitation="${id}"]`);
    await usCard.waitFor({ timeout: 20_000 });
    await usCard.getByLabel('Note with your answer (optional)').fill('Two experts will attend.');
    await usCard.getByRole('button', { name: 'Accept: Expert consultations on incident prevention' }).click();
    await usPage.locator(`.invitation-card[data-invitation="${id}"][data-state="accepted"]`).waitFor();
    await screenshot(usPage, 'invitations-answered');

    const accepted = ruPage.locator(`.invitation-card[data-invitation="${id}"][data-state="accepted"]`);
    await accepted.waitFor({ timeout: 20_000 });
    expect(await accepted.locator('.answer-list').textContent()).toContain('Two experts will attend.');
    await screenshot(ruPage, 'invitations');
  });

  it('a counter-proposal replaces the terms in both browsers; a past answer date is refused on its field', async () => {
    const inDays = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);
    const proposal = await post(ru, 'ru-duty', {
      kind: 'invitation-proposal',
      lang: 'en',
      body: {
        type: 'meeting',
        what: 'Naval staff talks',
        where: 'Geneva',
        window: { from: inDays(30), to: inDays(31) },
        respondBy: inDays(10),
      },
    });
    await usPage.goto(`${us.url}/app/channels/intel/invitations`);
    const usCard = usPage.locator(`.invitation-card[data-invitation="${proposal.id}"]`);
    await usCard.waitFor({ timeout: 20_000 });
    await usCard.getByRole('button', { name: 'Counter-propose: Naval staff talks' }).click();
    const counter = usCard.getByRole('form', { name: 'Counter-proposal: Naval staff talks' });
    await counter.getByLabel('Where').fill('Vienna');
    await counter.getByLabel('From (date)').fill(inDays(40));
    await counter.getByLabel('To (date)').fill(inDays(41));
    // An answer date already past: the node refuses it, and the form says so on that field.
    await counter.getByLabel('Answer by').fill(inDays(-2));
    await counter.getByRole('button', { name: 'Send counter-proposal' }).click();
    const answerBy = counter.getByLabel('Answer by');
    await expect.poll(() => answerBy.getAttribute('aria-invalid')).toBe('true');
    const describedBy = (await answerBy.getAttribute('aria-describedby'))!;
    expect(await usPage.locator(`[id="${describedBy}"]`).textContent()).toBe(
      'The answer date must be in the future.',
    );
    expect(await counter.locator('.form-error').count()).toBe(0);
    await screenshot(usPage, 'invitation-counter-refused');

    await answerBy.fill(inDays(12));
    await counter.getByRole('button', { name: 'Send counter-proposal' }).click();
    const current = usCard.locator('.terms[data-state="current"]');
    await current.waitFor();
    expect(await current.textContent()).toContain(`Vienna, ${inDays(40)} – ${inDays(41)}`);
    expect(await usCard.locator('.terms[data-state="superseded"]').textContent()).toContain('Geneva');
    // The counter-proposing party now waits for the other: no answer buttons on its own terms.
    expect(await usCard.getByRole('button', { name: /^Accept:/ }).count()).toBe(0);

    // In the inviter's browser, live: the new terms current, the first superseded, and RU answers.
    await ruPage.goto(`${ru.url}/app/channels/intel/invitations`);
    const ruCard = ruPage.locator(`.invitation-card[data-invitation="${proposal.id}"]`);
    await ruCard.locator('.terms[data-state="current"]', { hasText: 'Vienna' }).waitFor({ timeout: 20_000 });
    expect(await ruCard.locator('.terms[data-state="superseded"]').textContent()).toContain('Geneva');
    expect(await ruCard.locator('.facts-grid').textContent()).toContain(`Vienna, ${inDays(40)}`);
    await screenshot(ruPage, 'invitation-countered');
    await ruCard.getByRole('button', { name: 'Accept: Naval staff talks' }).click();
    await ruPage
      .locator(`.invitation-card[data-invitation="${proposal.id}"][data-state="accepted"]`)
      .waitFor();
    await usPage
      .locator(`.invitation-card[data-invitation="${proposal.id}"][data-state="accepted"]`)
      .waitFor({ timeout: 20_000 });
  });

  it('says a refusal in Russian on the field it concerns, in the Russian interface', async () => {
    const page = await newPage();
    await signIn(page, ru.url, 'ru-duty');
    await page.goto(`${ru.url}/app/channels/intel/invitations`);
    await page.getByLabel('Interface language').selectOption('ru');
    await page.getByRole('heading', { name: 'Приглашения', exact: true }).waitFor();
    await page.getByRole('button', { name: 'Новое приглашение' }).click();
    const inDays = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);
    // Longer than the node takes (300 characters): only the node knows that rule.
    await page.locator('#invitation-what').fill('Консультации экспертов '.repeat(14));
    await page.locator('#invitation-where').fill('Женева');
    await page.locator('#invitation-from').fill(inDays(20));
    await page.locator('#invitation-to').fill(inDays(22));
    await page.locator('#invitation-respond-by').fill(inDays(5));
    await page.getByRole('button', { name: 'Отправить приглашение' }).click();
    const what = page.locator('#invitation-what');
    await expect.poll(() => what.getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('#invitation-what-error').textContent()).toBe('Не больше 300 символов.');
    expect(await page.locator('.form-error').count()).toBe(0);
    await screenshot(page, 'field-error-ru');
  });

  it('shows commitments with their periods and next due date, and the cadence charts', async () => {
    // A note understood by the other party, for the response-time chart.
    const note = await post(ru, 'ru-duty', {
      kind: 'note',
      precedence: 'FLASH',
      lang: 'en',
      body: { text: 'Launch notification test.' },
    });
    await eventually(
      async () =>
        (await api(us, 'us-duty', 'GET', `/api/v1/channels/intel/entries/RU/${note.seq}`)).status === 200,
      20_000,
      'note at US',
    );
    expect(
      (
        await api(us, 'us-duty', 'POST', `/api/v1/channels/intel/entries/RU/${note.seq}/receipts`, {
          level: 'understood',
        })
      ).status,
    ).toBeLessThan(300);
    const from = new Date(Date.now() - 70 * 86_400_000).toISOString().slice(0, 10);
    await post(ru, 'ru-head', {
      kind: 'commitment',
      lang: 'en',
      body: {
        commitment: 'monthly-briefing',
        what: 'briefing',
        every: 'P1M',
        owners: ['ru-head'],
        source: 'Order of the leaders, item 3',
        from,
      },
    });
    await post(ru, 'ru-head', {
      kind: 'commitment',
      lang: 'en',
      body: {
        commitment: 'contact-14d',
        what: 'contact',
        every: 'P14D',
        owners: ['ru-head', 'ru-duty'],
        from,
      },
    });
    await eventually(
      async () =>
        (
          await api<{ entries: Array<{ kind: string }> }>(
            ru,
            'ru-duty',
            'GET',
            '/api/v1/channels/intel/entries?limit=1000',
          )
        ).body.entries.some((e) => e.kind === 'receipt'),
      20_000,
      'receipt at RU',
    );

    await ruPage.getByRole('link', { name: 'Cadence' }).click();
    await ruPage.getByRole('heading', { name: 'Commitments and cadence' }).waitFor();
    const monthly = ruPage.locator('.commitment[data-commitment="monthly-briefing"]');
    await monthly.waitFor();
    // A commitment binds from when it is made: the periods its `from` (70 days back) would give
    // before that are held against no one, so only the current one is listed, kept by the
    // briefing held earlier in this file.
    const periods = monthly.locator('.period');
    expect(await periods.count()).toBe(1);
    expect(await periods.evaluateAll((els) => els.map((e) => e.getAttribute('data-state')))).toEqual([
      'open-kept',
    ]);
    expect(await monthly.locator('.next-due').textContent()).toMatch(/UTC/);
    expect(await monthly.locator('.last-contact').textContent()).toMatch(/UTC/);
    expect(await monthly.textContent()).toContain('Order of the leaders, item 3');
    expect(await monthly.textContent()).not.toContain('missed');
    const contact = ruPage.locator('.commitment[data-commitment="contact-14d"]');
    expect(await contact.locator('.period[data-state="open-kept"]').count()).toBe(1);
    expect(await contact.locator('.next-due .due-countdown').textContent()).toMatch(/left$/);

    // The channel list carries the same: nothing missed of the monthly briefing.
    await ruPage.goto(`${ru.url}/app/channels`);
    const summary = ruPage.locator(
      '.channel-card[data-channel="intel"] [data-commitment="monthly-briefing"]',
    );
    await summary.waitFor({ timeout: 20_000 });
    expect(await summary.textContent()).toContain('✓');
    expect(await summary.textContent()).not.toContain('✗');
    await ruPage.getByRole('link', { name: 'Cadence' }).click();
    await ruPage.getByRole('heading', { name: 'Commitments and cadence' }).waitFor();

    // Charts: drawn (a canvas each) from non-empty data.
    for (const chart of ['contacts-week', 'response-times', 'link-health'])
      await ruPage.locator(`[data-chart="${chart}"] canvas`).waitFor({ timeout: 20_000 });
    const weekly = await ruPage
      .locator('[data-chart="contacts-week"] .chart-table tbody td')
      .allTextContents();
    // Only real exchanges count (notes, notifications, held briefings), never receipts, keys or
    // charter entries: the chart says what the node's own channel metrics say.
    const metrics = await api<{ contactsPerWeek: Array<{ contacts: number }> }>(
      ru,
      'ru-duty',
      'GET',
      '/api/v1/channels/intel/metrics',
    );
    const contacts = metrics.body.contactsPerWeek.reduce((a, w) => a + w.contacts, 0);
    expect(contacts).toBeGreaterThan(0);
    expect(weekly.map(Number).reduce((a, b) => a + b, 0)).toBe(contacts);
    expect(
      await ruPage
        .locator('[data-chart="response-times"] .chart-table tr[data-precedence="FLASH"] td')
        .nth(1)
        .textContent(),
    ).toBe('1');
    expect(
      Number(
        await ruPage
          .locator('[data-chart="link-health"] .chart-table tr[data-peer="US"] td')
          .first()
          .textContent(),
      ),
    ).toBeGreaterThan(0);
    await screenshot(ruPage, 'cadence');
    await ruPage.locator('[data-chart="contacts-week"]').scrollIntoViewIfNeeded();
    await screenshot(ruPage, 'cadence-charts');
    await ruPage.locator('[data-chart="link-health"]').scrollIntoViewIfNeeded();
    await screenshot(ruPage, 'cadence-charts-2');

    // The same in Russian.
    await ruPage.getByLabel('Interface language').selectOption('ru');
    await ruPage.getByRole('heading', { name: 'Обязательства и ритм контактов' }).waitFor();
    await screenshot(ruPage, 'cadence-ru');

    // At 400 px nothing overflows sideways.
    const narrow = await newPage({ width: 400, height: 800 });
    await signIn(narrow, ru.url, 'ru-duty');
    await narrow.goto(`${ru.url}/app/cadence`);
    await narrow.locator('[data-chart="link-health"] canvas').waitFor({ timeout: 20_000 });
    expect(await narrow.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(400);
    await screenshot(narrow, 'cadence-narrow');
    await ruPage.getByLabel(/^(Interface language|Язык интерфейса)$/).selectOption('en');
  });

  it('does not call a commitment kept before any of its periods has closed', async () => {
    await post(ru, 'ru-head', {
      kind: 'commitment',
      lang: 'en',
      body: {
        commitment: 'fresh-weekly',
        what: 'contact',
        every: 'P7D',
        owners: ['ru-head'],
        from: new Date().toISOString().slice(0, 10),
      },
    });
    await ruPage.goto(`${ru.url}/app/cadence`);
    const fresh = ruPage.locator('.commitment[data-commitment="fresh-weekly"]');
    await fresh.waitFor();
    expect(await fresh.locator('.commitment-head .badge').textContent()).toBe('no period has closed yet');
    expect(await fresh.textContent()).not.toContain('every period kept');
  });

  it('offers only the change the channel state allows, and the node refuses the other', async () => {
    const page = await newPage();
    await signIn(page, ru.url, 'ru-head');
    await page.goto(`${ru.url}/app/channels/intel/charter`);
    await page.getByRole('heading', { name: 'Charter and changes' }).waitFor();
    const options = await page.locator('#change-kind option').allTextContents();
    expect(options).toContain('Suspend the channel');
    expect(options).not.toContain('Resume the channel');
    const before = (
      await api<{ entries: unknown[] }>(ru, 'ru-head', 'GET', '/api/v1/channels/intel/entries?limit=1000')
    ).body.entries.length;
    const refused = await api<{ error: { code: string; message: string } }>(
      ru,
      'ru-head',
      'POST',
      '/api/v1/channels/intel/entries',
      { kind: 'channel-change', body: { change: 'resume', reason: 'nothing to resume' } },
    );
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toMatch(/is active: there is nothing to resume/);
    const after = (
      await api<{ entries: unknown[] }>(ru, 'ru-head', 'GET', '/api/v1/channels/intel/entries?limit=1000')
    ).body.entries.length;
    expect(after).toBe(before);
  });

  it('suspends the channel only once the other party’s head agrees in its own browser', async () => {
    const [ruHead, usHead] = await Promise.all([newPage(), newPage()]);
    await Promise.all([signIn(ruHead, ru.url, 'ru-head'), signIn(usHead, us.url, 'us-head')]);
    await ruHead.goto(`${ru.url}/app/channels/intel/charter`);
    await ruHead.getByRole('heading', { name: 'Charter and changes' }).waitFor();
    expect(await ruHead.locator('.charter').textContent()).toContain('Parties: RU (ru-ops), US (us-ops)');
    // A party that joins must be a pinned peer: refused with the reason, nothing written.
    const changesBefore = (
      await api<{ amendments: unknown[] }>(ru, 'ru-head', 'GET', '/api/v1/channels/intel/state')
    ).body.amendments.length;
    await ruHead.getByLabel('Change', { exact: true }).selectOption('amend');
    await ruHead.getByLabel(/^Parties that join as writers/).fill('FR=fr-ops');
    await ruHead.getByLabel('Reason (shown to every party)').fill('France joins');
    await ruHead.getByRole('button', { name: 'Propose', exact: true }).click();
    await expect
      .poll(() => ruHead.locator('.propose-change').textContent())
      .toContain('FR is not a peer of this node');
    expect(
      (await api<{ amendments: unknown[] }>(ru, 'ru-head', 'GET', '/api/v1/channels/intel/state')).body
        .amendments,
    ).toHaveLength(changesBefore);
    await ruHead.getByLabel(/^Parties that join as writers/).fill('');
    await ruHead.getByLabel('Change', { exact: true }).selectOption('suspend');
    await ruHead.getByLabel('Reason (shown to every party)').fill('Pause during the review of procedures');
    await ruHead.getByRole('button', { name: 'Propose', exact: true }).click();
    await expect.poll(() => ruHead.locator('.change-list').textContent()).toContain('waiting for: US');
    // Proposed by one party alone, nothing has changed on either node.
    expect((await api<{ state: string }>(ru, 'admin', 'GET', '/api/v1/channels/intel')).body.state).toBe(
      'active',
    );

    await usHead.goto(`${us.url}/app/channels/intel/charter`);
    const pending = usHead.locator('.change', { hasText: 'Pause during the review of procedures' });
    await pending.getByRole('button', { name: 'Agree' }).click();
    await expect.poll(() => pending.textContent(), { timeout: 15_000 }).toContain('in effect');
    // The channel header says so without a reload, on both sides.
    await usHead.locator('.badge.state-suspended').waitFor();
    await ruHead.locator('.badge.state-suspended').waitFor({ timeout: 20_000 });
    await screenshot(usHead, 'charter');
    await eventually(
      async () =>
        (await api<{ state: string }>(ru, 'admin', 'GET', '/api/v1/channels/intel')).body.state ===
        'suspended',
      20_000,
      'suspension at RU',
    );
    // Resumed again the same way (over the API), so the channel is left as it was found.
    const state = await api<{ change: { id: string } }>(ru, 'ru-head', 'GET', '/api/v1/channels/intel/state');
    expect(state.status).toBe(200);
    const resume = await post(ru, 'ru-head', {
      kind: 'channel-change',
      body: { change: 'resume', reason: 'Review done' },
    });
    await eventually(
      async () =>
        (await api(us, 'us-head', 'GET', `/api/v1/channels/intel/entries/RU/${resume.seq}`)).status === 200,
      20_000,
      'resume proposal at US',
    );
    await post(us, 'us-head', {
      kind: 'channel-change-agree',
      body: { of: await refOf(us, 'us-head', resume.id) },
    });
    await eventually(
      async () =>
        (await api<{ state: string }>(ru, 'admin', 'GET', '/api/v1/channels/intel')).body.state === 'active',
      20_000,
      'resumption at RU',
    );
  });
});
