/** Briefings and cadence on two federated nodes: held, readouts compared, commitments kept, charts. */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { runBrowserTests, screenshot, signIn } from '../support/browser.js';
import { dutyOfficerPages, federatedBrowserSuite } from '../support/browser-suite.js';
import { postEntry, refAt } from '../support/held-call.js';
import { api, eventually, type PartyNode } from '../support/node-process.js';

let ru: PartyNode;
let us: PartyNode;

/** `YYYY-MM-DDTHH:MM` (UTC), as a datetime-local input takes it. */
const localInput = (at: number) => new Date(at).toISOString().slice(0, 16);

const RU_READOUT =
  'The parties reviewed the exercise schedule. Both sides agreed to notify each other 48 hours ahead.';
const US_READOUT =
  'The parties reviewed the exercise schedule. Both sides agreed to notify each other 24 hours ahead.';

describe.runIf(runBrowserTests)('briefings, readouts and cadence in a browser, two federated nodes', () => {
  let ruPage: Page;
  let usPage: Page;
  let briefingId: string;
  const { newPage } = federatedBrowserSuite(async (suite) => {
    ({ ru, us } = suite);
    [ruPage, usPage] = await dutyOfficerPages(suite);
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
    await postEntry(us, 'us-duty', {
      kind: 'readout',
      lang: 'en',
      body: { of: await refAt(us, 'us-duty', briefingId), text: US_READOUT },
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

  it('shows commitments with their periods and next due date, and the cadence charts', async () => {
    // A note understood by the other party, for the response-time chart.
    const note = await postEntry(ru, 'ru-duty', {
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
    await postEntry(ru, 'ru-head', {
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
    await postEntry(ru, 'ru-head', {
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
    await postEntry(ru, 'ru-head', {
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
});
