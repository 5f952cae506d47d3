/**
 * Every briefing workflow through the web, on two federated nodes: declined with a reason from
 * the invited node's browser, rescheduled (with a new length) then cancelled, minutes amended once held, a refusal
 * said on its field with nothing written; and a commitment accepted from the cadence screen.
 */
import { AxeBuilder } from '@axe-core/playwright';
import { describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { rewriteResponses, runBrowserTests, signIn } from '../support/browser.js';
import { dutyOfficerPages, federatedBrowserSuite } from '../support/browser-suite.js';
import {
  arrived,
  callProposal,
  holdBriefing,
  post,
  postEntry,
  ref,
  type Entry,
} from '../support/held-call.js';
import { api, eventually, type PartyNode } from '../support/node-process.js';

let ru: PartyNode;
let us: PartyNode;

interface OccurrenceView {
  state: string;
  answers: Array<{ answer: string; reason: string | null }>;
  changes: Array<{ change: string; reason: string }>;
  start: string;
  durationMinutes: number;
  minutes: { text: string; amendments: unknown[] } | null;
}

/** The only occurrence of briefing `id` as `node` folds it. */
async function occurrenceAt(node: PartyNode, id: string): Promise<OccurrenceView> {
  const view = await api<{ briefings: Array<{ id: string; occurrences: OccurrenceView[] }> }>(
    node,
    `${node.party.toLowerCase()}-duty`,
    'GET',
    '/api/v1/channels/intel/briefings',
  );
  return view.body.briefings.find((b) => b.id === id)!.occurrences[0]!;
}

/** The card of briefing `entry` on `page`, on the briefings tab of `node`. */
async function cardOf(page: Page, node: PartyNode, entry: Entry): Promise<Locator> {
  await page.goto(`${node.url}/app/channels/intel/briefings`);
  const card = page.locator(`.briefing-card[data-briefing="${entry.id}"]`);
  await card.waitFor({ timeout: 20_000 });
  return card;
}

/** Opens the card's form `action` by its button, fills `fields` (label → text) and sends it. */
async function act(
  card: Locator,
  [button, action, send]: [string, string, string],
  fields: Record<string, string>,
): Promise<Locator> {
  await card.getByRole('button', { name: button, exact: true }).click();
  const form = card.locator(`.ba-${action}`);
  for (const [label, text] of Object.entries(fields)) await form.getByLabel(label).fill(text);
  await form.getByRole('button', { name: send }).click();
  return form;
}

/** axe's serious or critical findings (WCAG 2.1 A and AA) within `selector`, as rule ids. */
async function axeFindings(page: Page, selector: string): Promise<string[]> {
  const result = await new AxeBuilder({ page })
    .include(selector)
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id);
}

const inState = (page: Page, entry: Entry, state: string) =>
  page
    .locator(`.briefing-card[data-briefing="${entry.id}"][data-state="${state}"]`)
    .waitFor({ timeout: 20_000 });

describe.runIf(runBrowserTests)('briefing actions in a browser, two federated nodes', () => {
  let ruPage: Page;
  let usPage: Page;
  const { newPage } = federatedBrowserSuite(async (suite) => {
    ({ ru, us } = suite);
    [ruPage, usPage] = await dutyOfficerPages(suite);
  });

  it('declines a briefing from the invited node, refusing an empty reason on its field', async () => {
    const briefing = await post(ru, 'ru-duty', 'briefing-proposal', callProposal(ru, us, 'Exercise notices'));
    await arrived(us, briefing);
    const card = await cardOf(usPage, us, briefing);
    // The invited party may decline; the proposer is offered no Decline (checked on RU below).
    await card.getByRole('button', { name: 'Decline', exact: true }).click();
    const form = card.locator('.ba-decline');
    await form.getByRole('button', { name: 'Send decline' }).click();
    // The node refuses a decline without a reason: said on the reason field, nothing written.
    const reason = form.getByLabel('Reason');
    await expect.poll(() => form.locator('.field-error').allTextContents()).toEqual(['Give a reason.']);
    expect(await reason.getAttribute('aria-invalid')).toBe('true');
    expect((await occurrenceAt(us, briefing.id)).answers).toEqual([]);
    // The open form with its field error passes axe.
    expect(await axeFindings(usPage, `.briefing-card[data-briefing="${briefing.id}"]`)).toEqual([]);

    await reason.fill('Our delegation is travelling that week.');
    await form.getByRole('button', { name: 'Send decline' }).click();
    await inState(usPage, briefing, 'declined');
    expect(await card.locator('.declines').textContent()).toContain(
      'Our delegation is travelling that week.',
    );
    // No second decline is offered; the proposer sees it declined with the reason.
    expect(await card.getByRole('button', { name: 'Decline', exact: true }).count()).toBe(0);
    const ruCard = await cardOf(ruPage, ru, briefing);
    await inState(ruPage, briefing, 'declined');
    expect(await ruCard.locator('.declines').textContent()).toContain(
      'US · us-duty: Our delegation is travelling that week.',
    );
    expect(await ruCard.getByRole('button', { name: 'Decline', exact: true }).count()).toBe(0);
  });

  it('reschedules a briefing, then cancels it, from the proposing node', async () => {
    const briefing = await post(ru, 'ru-duty', 'briefing-proposal', callProposal(ru, us, 'Border liaison'));
    const card = await cardOf(ruPage, ru, briefing);
    const next = new Date(Date.now() + 2 * 86_400_000);
    next.setUTCHours(9, 30, 0, 0);
    await card.getByRole('button', { name: 'Reschedule', exact: true }).click();
    const form = card.locator('.ba-reschedule');
    await form.getByLabel('New time (UTC)').fill(next.toISOString().slice(0, 16));
    // The occurrence's own length is offered first; a new one goes with the new time.
    expect(await form.getByLabel('Duration').inputValue()).toBe('40');
    await form.getByLabel('Duration').selectOption('90');
    await form.getByLabel('Reason').fill('The hall is booked.');
    await form.getByRole('button', { name: 'Send new time' }).click();
    await expect
      .poll(() => card.locator('.changes').textContent())
      .toContain('reschedule · RU: The hall is booked.');
    expect(await card.locator('.briefing-time .time').textContent()).toBe('09:30 UTC');
    expect(Date.parse((await occurrenceAt(ru, briefing.id)).start)).toBe(next.getTime());
    expect((await occurrenceAt(ru, briefing.id)).durationMinutes).toBe(90);

    await act(card, ['Cancel the briefing', 'cancel', 'Send cancellation'], {
      Reason: 'The exercise was called off.',
    });
    await inState(ruPage, briefing, 'cancelled');
    // Nothing more to change on a cancelled briefing.
    for (const name of ['Reschedule', 'Postpone', 'Cancel the briefing'])
      expect(await card.getByRole('button', { name, exact: true }).count()).toBe(0);
    await eventually(
      async () => (await occurrenceAt(us, briefing.id).catch(() => null))?.state === 'cancelled',
      20_000,
      'cancelled at US',
    );
    expect((await occurrenceAt(us, briefing.id)).changes.map((c) => c.change)).toEqual([
      'reschedule',
      'cancel',
    ]);
  });

  it('postpones an open briefing with its reason', async () => {
    const briefing = await post(ru, 'ru-duty', 'briefing-proposal', callProposal(ru, us, 'Weather exchange'));
    await arrived(us, briefing);
    const card = await cardOf(usPage, us, briefing);
    await act(card, ['Postpone', 'postpone', 'Send postponement'], { Reason: 'Awaiting the new schedule.' });
    await inState(usPage, briefing, 'postponed');
    expect(await card.getByRole('button', { name: 'Postpone', exact: true }).count()).toBe(0);
    expect(await card.getByRole('button', { name: 'Reschedule', exact: true }).count()).toBe(1);
  });

  it('amends the minutes once held, prefilled with the minutes in effect', async () => {
    const briefing = await holdBriefing(ru, us, 'Search and rescue');
    const card = await cardOf(ruPage, ru, briefing);
    await inState(ruPage, briefing, 'held');
    expect(await card.getByRole('button', { name: 'Cancel the briefing', exact: true }).count()).toBe(0);
    await card.getByRole('button', { name: 'Amend minutes', exact: true }).click();
    const form = card.locator('.ba-amend');
    const text = form.getByLabel('Minutes as amended');
    expect(await text.inputValue()).toBe('The call took place.');
    await text.fill('The call took place; both sides confirmed the rescue frequencies.');
    await form.getByLabel('Reason').fill('The frequencies were left out.');
    await form.getByRole('button', { name: 'Save amendment' }).click();
    await expect
      .poll(() => card.locator('.minutes-summary').textContent())
      .toBe('The call took place; both sides confirmed the rescue frequencies.');
    expect(await card.locator('.minutes').textContent()).toContain('amended');
    await eventually(
      async () => (await occurrenceAt(us, briefing.id)).minutes?.amendments.length === 1,
      20_000,
      'amendment at US',
    );
  });

  it('accepts a commitment awaiting my party from the cadence screen', async () => {
    const from = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    const commitment = await postEntry(ru, 'ru-head', {
      kind: 'commitment',
      lang: 'en',
      body: {
        commitment: 'joint-weekly',
        what: 'contact',
        every: 'P7D',
        owners: ['ru-head', 'us-duty'],
        from,
      },
    });
    await arrived(us, commitment);
    await usPage.goto(`${us.url}/app/cadence`);
    const card = usPage.locator('.commitment[data-commitment="joint-weekly"]');
    await card.waitFor({ timeout: 20_000 });
    expect(await card.locator('.commitment-state').getAttribute('data-state')).toBe('proposed');
    await card.getByRole('button', { name: 'Accept for my party' }).click();
    await expect.poll(() => card.locator('.ok-text').textContent()).toMatch(/^Accepted: intel\/US\/\d+$/);
    await card.locator('.commitment-state[data-state="binding"]').waitFor({ timeout: 20_000 });
    expect(await card.getByRole('button', { name: 'Accept for my party' }).count()).toBe(0);
    // RU's duty officer is neither its head nor an owner, and RU is bound already: nothing to accept.
    await ruPage.goto(`${ru.url}/app/cadence`);
    const ruCard = ruPage.locator('.commitment[data-commitment="joint-weekly"]');
    await ruCard.locator('.commitment-state[data-state="binding"]').waitFor({ timeout: 20_000 });
    expect(await ruCard.getByRole('button', { name: 'Accept for my party' }).count()).toBe(0);
  });

  it('a change to a briefing cancelled meanwhile is refused, the card reloads and says why', async () => {
    const briefing = await post(ru, 'ru-duty', 'briefing-proposal', callProposal(ru, us, 'Rescue drill'));
    await arrived(us, briefing);
    await post(ru, 'ru-duty', 'briefing-change', {
      of: ref(briefing),
      change: 'cancel',
      reason: 'Called off.',
    });
    await eventually(
      async () => (await occurrenceAt(us, briefing.id)).state === 'cancelled',
      20_000,
      'cancelled at US',
    );
    const page = await newPage();
    await signIn(page, us.url, 'us-duty');
    // A view that still shows it open (as one loaded before the cancellation arrived), until the
    // change is sent.
    let stale = true;
    await rewriteResponses<{ briefings: Array<{ id: string; occurrences: Array<Record<string, unknown>> }> }>(
      page,
      '/api/v1/channels/intel/briefings',
      (body) => {
        if (!stale) return;
        for (const b of body.briefings)
          if (b.id === briefing.id)
            for (const o of b.occurrences) Object.assign(o, { state: 'proposed', changes: [] });
      },
    );
    page.on('request', (request) => {
      if (request.method() === 'POST' && new URL(request.url()).pathname === '/api/v1/channels/intel/entries')
        stale = false;
    });
    const card = await cardOf(page, us, briefing);
    await card.getByRole('button', { name: 'Postpone', exact: true }).click();
    await card.locator('.ba-postpone').getByLabel('Reason').fill('Awaiting the new schedule.');
    await card.locator('.ba-postpone').getByRole('button', { name: 'Send postponement' }).click();
    await inState(page, briefing, 'cancelled');
    await expect
      .poll(() => card.locator('.form-error').allTextContents())
      .toEqual([expect.stringContaining('cancelled')]);
    expect(await card.locator('.ba-postpone').count()).toBe(0);
    expect((await occurrenceAt(us, briefing.id)).changes.map((c) => c.change)).toEqual(['cancel']);
  });
});
