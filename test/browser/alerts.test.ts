/**
 * A FLASH nobody can miss, in a real browser (Debian chromium) against two real federated node
 * processes: a FLASH note written through RU's API raises, on the US duty officer's open console
 * (on another screen than the channel), the unopened count in the tab title and the favicon, a
 * desktop notification, a distinct sound and a banner that stays until the item is opened; an
 * IMMEDIATE one sounds different; ROUTINE traffic and the officer's own party raise nothing; and
 * the channel list's counts change without waiting for its poll. And a read-back cannot be
 * confirmed by mistake: its differing words are marked against the original, and differing fields
 * are confirmed only "despite differences" with a reason, which the log keeps.
 */
import { describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { openComposer, runBrowserTests, screenshot, signIn } from '../support/browser.js';
import { federatedBrowserSuite } from '../support/browser-suite.js';
import { api, eventually, type PartyNode } from '../support/node-process.js';

let ru: PartyNode;
let us: PartyNode;
let context: BrowserContext;
let page: Page;

interface Recorded {
  notifications: Array<{ title: string; body: string; requireInteraction: boolean; at: number }>;
  tones: number[];
}

// Records what the page asks of the browser's Notification and audio APIs (the real ones still
// run). Plain JavaScript: it runs in the page, before the app.
const RECORD_ATTENTION = `
  window.__recorded = { notifications: [], tones: [] };
  const Original = window.Notification;
  class Recording extends Original {
    constructor(title, options = {}) {
      window.__recorded.notifications.push({
        title,
        body: options.body ?? '',
        requireInteraction: options.requireInteraction ?? false,
        at: Date.now(),
      });
      super(title, options);
    }
  }
  Object.defineProperty(Recording, 'permission', { get: () => Original.permission });
  Recording.requestPermission = Original.requestPermission.bind(Original);
  window.Notification = Recording;
  const create = AudioContext.prototype.createOscillator;
  AudioContext.prototype.createOscillator = function () {
    const oscillator = create.call(this);
    queueMicrotask(() => window.__recorded.tones.push(oscillator.frequency.value));
    return oscillator;
  };
`;

const recorded = (): Promise<Recorded> => page.evaluate<Recorded>('window.__recorded');

async function post(node: PartyNode, user: string, text: string, precedence: string) {
  const result = await api<{ id: string; seq: number }>(
    node,
    user,
    'POST',
    '/api/v1/channels/intel/entries',
    {
      kind: 'note',
      lang: 'en',
      precedence,
      body: { subject: 'Border', text },
    },
  );
  expect(result.status).toBe(201);
  return { ...result.body, acknowledgedAt: Date.now() };
}

describe.runIf(runBrowserTests)('the watch floor console', () => {
  federatedBrowserSuite(async (suite) => {
    ({ ru, us } = suite);
    page = await suite.newPage();
    context = page.context();
    await context.grantPermissions(['notifications'], { origin: us.url });
    await context.addInitScript({ content: RECORD_ATTENTION });
    await signIn(page, us.url, 'us-duty');
    // A click unlocks sound, as the officer's first click would.
    await page.locator('.topbar').click();
  });

  it('raises title count, favicon, notification, sound and banner within a second of the FLASH', async () => {
    await page.getByRole('link', { name: 'Peers' }).click();
    const before = await page.locator('link[rel="icon"]').getAttribute('href');
    await post(ru, 'ru-duty', 'Routine traffic raises nothing.', 'ROUTINE');
    const flash = await post(ru, 'ru-duty', 'Unidentified aircraft crossing the line, answer now.', 'FLASH');

    await expect.poll(async () => (await recorded()).notifications.length, { timeout: 10_000 }).toBe(1);
    const seen = await recorded();
    const latency = seen.notifications[0]!.at - flash.acknowledgedAt;
    // The node-wide stream carries it across both nodes at once (issue: within a second).
    expect(latency).toBeLessThan(1_000);
    expect(seen.notifications[0]).toMatchObject({
      title: 'FLASH from RU in intel',
      body: 'Border — Unidentified aircraft crossing the line, answer now.',
      requireInteraction: true,
    });
    expect(await page.title()).toMatch(/^\(1\) FLASH · Parley/);
    const icon = page.locator('link[rel="icon"]');
    expect(await icon.getAttribute('data-alerts')).toBe('1');
    expect(await icon.getAttribute('href')).not.toBe(before);
    await expect.poll(async () => (await recorded()).tones).toEqual([1320, 1320, 1320]);
    const banner = page.getByRole('alert').locator(`[data-alert="intel/RU/${flash.seq}"]`);
    await expect.poll(() => banner.textContent()).toContain('Unidentified aircraft');
    await screenshot(page, 'flash-alert');

    // The banner stays on other screens until the item itself is opened.
    await page.getByRole('link', { name: 'Obligations' }).click();
    await expect.poll(() => banner.count()).toBe(1);
    await banner.getByRole('link', { name: 'Open' }).click();
    await expect.poll(() => page.url()).toContain(`/app/channels/intel/entries/RU/${flash.seq}`);
    await expect.poll(() => banner.count()).toBe(0);
    await expect.poll(() => page.title()).not.toMatch(/^\(/);
    expect(await icon.getAttribute('data-alerts')).toBe('0');
  });

  it('sounds IMMEDIATE differently, ignores the own party, and updates the channel list at once', async () => {
    await page.locator('.topbar nav').getByRole('link', { name: 'Channels' }).click();
    const card = page.locator('[data-channel="intel"]');
    await card.waitFor();
    const tonesBefore = (await recorded()).tones.length;
    await post(us, 'us-head', 'Our own FLASH is not an arrival for us.', 'FLASH');
    const immediate = await post(ru, 'ru-duty', 'Please confirm the meeting place.', 'IMMEDIATE');
    const urgent = card.locator('[data-urgent="IMMEDIATE"]');
    await expect.poll(() => urgent.textContent(), { timeout: 5_000 }).toContain('1 IMMEDIATE');
    // Counted on the card well before the list's 15-second poll would have run.
    expect(Date.now() - immediate.acknowledgedAt).toBeLessThan(5_000);
    const seen = await recorded();
    expect(seen.notifications.map((n) => n.title)).toEqual([
      'FLASH from RU in intel',
      'IMMEDIATE from RU in intel',
    ]);
    await expect.poll(async () => (await recorded()).tones.slice(tonesBefore)).toEqual([660, 880]);
    expect(await page.title()).toMatch(/^\(1\) IMMEDIATE · /);
  });

  it('marks a read-back against the original and confirms differing fields only with a reason', async () => {
    const note = await post(ru, 'ru-duty', 'Ships sail north at 06:00 UTC.', 'ROUTINE');
    // US reads it back once it holds it, as its duty officer would.
    await eventually(
      async () =>
        (await api(us, 'us-duty', 'GET', `/api/v1/channels/intel/entries/RU/${note.seq}`)).status === 200,
      20_000,
      'the note at US',
    );
    const receipt = await api<{ id: string }>(
      us,
      'us-duty',
      'POST',
      `/api/v1/channels/intel/entries/RU/${note.seq}/receipts`,
      {
        level: 'understood',
        lang: 'en',
        readBack: 'Ships sail south at 06:00 UTC.',
        readBackFields: { heading: 'south' },
      },
    );
    expect(receipt.status).toBe(201);
    const ruPage = await context.newPage();
    await signIn(ruPage, ru.url, 'ru-duty');
    await ruPage.goto(`${ru.url}/app/channels/intel/entries/RU/${note.seq}`);
    const answer = ruPage.locator('.answers li[data-party="US"][data-state="readback-pending"]');
    await answer.waitFor({ timeout: 20_000 });
    // The sender's timeline row does not show a plain green "understood" while a field differs.
    const badge = ruPage.locator(`.entry-row[data-entry="${note.id}"] .delivery[data-party="US"]`);
    await expect.poll(() => badge.getAttribute('data-differs'), { timeout: 20_000 }).toBe('heading');
    expect(await badge.textContent()).toContain('read back differently: heading');
    expect(await badge.getAttribute('class')).not.toContain('delivery-understood');
    expect(await answer.locator('.readback-diff del').allTextContents()).toEqual(['north']);
    expect(await answer.locator('.readback-diff ins').allTextContents()).toEqual(['south']);
    // No one-click confirmation while a field differs.
    expect(await answer.getByRole('button', { name: 'Confirm read-back' }).count()).toBe(0);
    expect(await answer.locator('.readback-differs').textContent()).toContain('heading');
    await answer.getByRole('button', { name: 'Confirm despite differences…' }).click();
    await answer.getByRole('button', { name: 'Confirm despite differences', exact: true }).click();
    await expect.poll(() => answer.getByText('Say why it is confirmed although it differs.').count()).toBe(1);
    await answer
      .getByLabel('Why confirm although the read-back differs?')
      .fill('Heading agreed by telephone.');
    await screenshot(ruPage, 'readback-despite');
    await answer.getByRole('button', { name: 'Confirm despite differences', exact: true }).click();
    const confirmed = ruPage.locator('.answers li[data-party="US"][data-state="readback-confirmed-despite"]');
    await confirmed.waitFor();
    expect(await confirmed.textContent()).toContain('Heading agreed by telephone.');
    const log = await api<{ entries: Array<{ kind: string; body: Record<string, unknown> }> }>(
      ru,
      'ru-duty',
      'GET',
      '/api/v1/channels/intel/entries?limit=1000',
    );
    expect(
      log.body.entries.filter((e) => e.kind === 'readback-review').at(-1)?.body.despiteDifferences,
    ).toEqual({
      fields: ['heading'],
      reason: 'Heading agreed by telephone.',
    });
  });

  it('reads back an en dash typed as a hyphen as the same field, confirmed in one click', async () => {
    const template = await api(ru, 'ru-head', 'POST', '/api/v1/channels/intel/entries', {
      kind: 'template',
      lang: 'en',
      body: {
        name: 'talks-notice',
        version: 1,
        title: 'Talks notice',
        schema: {
          type: 'object',
          additionalProperties: false,
          required: ['dates', 'place'],
          properties: { dates: { type: 'string' }, place: { type: 'string' } },
        },
      },
    });
    expect(template.status).toBe(201);
    const notice = await api<{ id: string; seq: number }>(
      ru,
      'ru-head',
      'POST',
      '/api/v1/channels/intel/entries',
      {
        kind: 'notification',
        lang: 'en',
        precedence: 'PRIORITY',
        body: {
          template: { name: 'talks-notice', version: 1 },
          fields: { dates: '21–23 March', place: '“Geneva”' },
          text: 'Talks in Geneva on 21–23 March.',
        },
      },
    );
    expect(notice.status).toBe(201);
    await eventually(
      async () =>
        (await api(us, 'us-duty', 'GET', `/api/v1/channels/intel/entries/RU/${notice.body.seq}`)).status ===
        200,
      20_000,
      'the notice at US',
    );
    // Typed on an ordinary keyboard: a hyphen for the en dash, straight quotes for curly ones.
    const receipt = await api(
      us,
      'us-duty',
      'POST',
      `/api/v1/channels/intel/entries/RU/${notice.body.seq}/receipts`,
      {
        level: 'understood',
        lang: 'en',
        readBack: 'Talks in Geneva on 21-23 March.',
        readBackFields: { dates: '21-23 March', place: '"Geneva"' },
      },
    );
    expect(receipt.status).toBe(201);
    const ruPage = await context.newPage();
    await signIn(ruPage, ru.url, 'ru-duty');
    await ruPage.goto(`${ru.url}/app/channels/intel/entries/RU/${notice.body.seq}`);
    const answer = ruPage.locator('.answers li[data-party="US"][data-state="readback-pending"]');
    await answer.waitFor({ timeout: 20_000 });
    expect(await answer.locator('.readback-differs').count()).toBe(0);
    expect(await answer.locator('.readback-diff del, .readback-diff ins').count()).toBe(0);
    expect(await answer.getByRole('button', { name: 'Confirm despite differences…' }).count()).toBe(0);
    await answer.getByRole('button', { name: 'Confirm read-back' }).click();
    await ruPage.locator('.answers li[data-party="US"][data-state="readback-confirmed"]').waitFor();
  });

  it('shares one node-wide stream between tabs, so many open tabs neither starve a note nor miss a FLASH', async () => {
    // A browser keeps six connections to one origin; a stream per tab per screen would hold them all.
    const tabs: Page[] = [];
    try {
      for (let i = 0; i < 4; i += 1) {
        const tab = await context.newPage();
        await signIn(tab, ru.url, 'ru-duty');
        await tab.goto(`${ru.url}/app/channels/intel`);
        await tab.locator('.live-indicator.on').waitFor({ timeout: 15_000 });
        tabs.push(tab);
      }
      const last = tabs.at(-1)!;
      await openComposer(last);
      await last.getByLabel('Text', { exact: true }).fill('Written in the fourth tab.');
      await last.getByRole('button', { name: /^Send/ }).click();
      await expect
        .poll(() => last.locator('.compose .ok-text').textContent(), { timeout: 5_000 })
        .toContain('Sent: intel/RU/');
      const flash = await post(us, 'us-duty', 'A FLASH every tab must show.', 'FLASH');
      for (const tab of tabs) {
        await expect
          .poll(() => tab.getByRole('alert').locator(`[data-alert="intel/US/${flash.seq}"]`).count(), {
            timeout: 10_000,
          })
          .toBe(1);
        await expect.poll(() => tab.title()).toMatch(/^\(\d+\) FLASH · /);
      }
    } finally {
      for (const tab of tabs) await tab.close();
    }
  });

  it('tells the truth when a link or the own node is down: queued, not sent', async () => {
    const ruPage = await context.newPage();
    await signIn(ruPage, ru.url, 'ru-duty');
    await ruPage.goto(`${ru.url}/app/channels/intel`);
    await us.serve.stop();
    await expect
      .poll(
        async () =>
          (await api<{ peers: Array<{ status: string }> }>(ru, 'ru-duty', 'GET', '/api/v1/peers')).body
            .peers[0]?.status,
        {
          timeout: 20_000,
        },
      )
      .not.toBe('up');
    await openComposer(ruPage);
    await ruPage.getByLabel('Precedence').selectOption('FLASH');
    await ruPage.getByLabel('Text', { exact: true }).fill('Sent while the US node is down.');
    await ruPage.getByRole('button', { name: /^Send/ }).click();
    const warning = ruPage.locator('.queued-warning');
    await expect
      .poll(() => warning.textContent())
      .toContain('FLASH signed and queued here, not yet delivered to US');
    expect(await ruPage.locator('.compose .ok-text').count()).toBe(0);
    await screenshot(ruPage, 'flash-queued');

    await ru.serve.stop();
    await ruPage.getByLabel('Text', { exact: true }).fill('Sent while my own node is down.');
    await ruPage.getByRole('button', { name: /^Send/ }).click();
    await expect
      .poll(() => ruPage.getByRole('alert').allTextContents())
      .toContainEqual(expect.stringContaining('Your node cannot be reached: nothing was sent or changed.'));
    expect(await ruPage.getByText('Failed to fetch').count()).toBe(0);
  });
});
