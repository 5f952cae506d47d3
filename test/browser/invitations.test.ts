/** Invitations across two federated nodes: answered live, counter-proposed, refused on the field, withdrawn. */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { rewriteResponses, runBrowserTests, screenshot, signIn } from '../support/browser.js';
import { dutyOfficerPages, federatedBrowserSuite } from '../support/browser-suite.js';
import { callProposal, post, postEntry } from '../support/held-call.js';
import { api, type PartyNode } from '../support/node-process.js';

let ru: PartyNode;
let us: PartyNode;

const inDays = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);
/** An invitation from RU, in Geneva in a month, to be answered within ten days. */
const propose = (type: 'visit' | 'meeting', what: string) =>
  postEntry(ru, 'ru-duty', {
    kind: 'invitation-proposal',
    lang: 'en',
    body: {
      type,
      what,
      where: 'Geneva',
      window: { from: inDays(30), to: inDays(31) },
      respondBy: inDays(10),
    },
  });

describe.runIf(runBrowserTests)('invitations in a browser, two federated nodes', () => {
  let ruPage: Page;
  let usPage: Page;
  const { newPage } = federatedBrowserSuite(async (suite) => {
    ({ ru, us } = suite);
    [ruPage, usPage] = await dutyOfficerPages(suite);
  });

  it('an invitation answered in one browser changes state in the other, live', async () => {
    await ruPage.goto(`${ru.url}/app/channels/intel/invitations`);
    await ruPage.getByRole('heading', { name: 'Invitations', exact: true }).waitFor();
    await ruPage.getByRole('button', { name: 'New invitation' }).click();
    await ruPage.getByLabel('What').fill('Expert consultations on incident prevention');
    await ruPage.getByLabel('Where').fill('Geneva');
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

  it('counts an open invitation and an unanswered briefing in what I owe, each with its subject, until answered', async () => {
    const invitation = await propose('visit', 'Visit of the naval attaché');
    const briefing = await post(ru, 'ru-duty', 'briefing-proposal', callProposal(ru, us, 'Hotline check'));
    await usPage.goto(`${us.url}/app/channels`);
    await usPage.getByRole('link', { name: 'Obligations' }).click();
    const owing = usPage.locator('[data-direction="owing"]');
    const invitationRow = owing.locator(
      `.obligation[data-item="${invitation.id}"][data-type="invitation-answer"]`,
    );
    const briefingRow = owing.locator(`.obligation[data-item="${briefing.id}"][data-type="briefing-answer"]`);
    await invitationRow.waitFor({ timeout: 20_000 });
    await briefingRow.waitFor({ timeout: 20_000 });
    expect(await invitationRow.locator('.obligation-subject').textContent()).toBe(
      'Visit of the naval attaché',
    );
    expect(await invitationRow.locator('strong').first().textContent()).toBe('Answer to an invitation');
    expect(await briefingRow.locator('.obligation-subject').textContent()).toBe('Hotline check');
    const navCount = usPage.locator('.topbar nav .nav-count');
    const before = Number(await navCount.textContent());
    expect(before).toBeGreaterThanOrEqual(2);
    await screenshot(usPage, 'obligations-invitation-briefing');

    // Answering the invitation takes its row away, and the count in the navigation with it.
    await usPage.goto(`${us.url}/app/channels/intel/invitations`);
    const card = usPage.locator(`.invitation-card[data-invitation="${invitation.id}"]`);
    await card.getByLabel('Note with your answer (optional)').fill('The attaché is away that week.');
    await card.getByRole('button', { name: 'Decline: Visit of the naval attaché' }).click();
    await usPage
      .locator(`.invitation-card[data-invitation="${invitation.id}"][data-state="declined"]`)
      .waitFor();
    await usPage.getByRole('link', { name: 'Obligations' }).click();
    await briefingRow.waitFor();
    expect(await invitationRow.count()).toBe(0);
    await expect.poll(async () => Number(await navCount.textContent())).toBe(before - 1);
  });

  it('a counter-proposal replaces the terms in both browsers; a past answer date is refused on its field', async () => {
    const proposal = await propose('meeting', 'Naval staff talks');
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

  it('offers the inviter of an accepted visit its cancellation, said as such and asked again, not a bare "Withdraw"', async () => {
    const proposal = await propose('visit', 'Port call by a frigate');
    await usPage.goto(`${us.url}/app/channels/intel/invitations`);
    const usCard = usPage.locator(`.invitation-card[data-invitation="${proposal.id}"]`);
    await usCard.getByRole('button', { name: 'Accept: Port call by a frigate' }).click({ timeout: 20_000 });
    await usPage
      .locator(`.invitation-card[data-invitation="${proposal.id}"][data-state="accepted"]`)
      .waitFor();

    await ruPage.goto(`${ru.url}/app/channels/intel/invitations`);
    const ruCard = ruPage.locator(`.invitation-card[data-invitation="${proposal.id}"]`);
    await ruPage
      .locator(`.invitation-card[data-invitation="${proposal.id}"][data-state="accepted"]`)
      .waitFor({ timeout: 20_000 });
    // Withdrawing now cancels the visit agreed (the node takes it): offered under that name.
    expect(await ruCard.getByRole('button', { name: /^Withdraw/ }).count()).toBe(0);
    const offer = ruCard.getByRole('button', { name: 'Cancel the visit: Port call by a frigate' });
    expect(await offer.textContent()).toBe('Cancel the visit…');
    await offer.click();
    expect(await ruCard.getByRole('group').textContent()).toContain(
      'It was accepted: withdrawing the invitation now cancels what was agreed, for every party.',
    );
    // Kept: nothing is sent, and the offer is back.
    await ruCard.getByRole('button', { name: 'Keep it' }).click();
    expect(await ruCard.getAttribute('data-state')).toBe('accepted');
    await offer.click();
    await screenshot(ruPage, 'invitation-cancel-visit');
    await ruCard.getByRole('button', { name: 'Cancel the visit', exact: true }).click();
    await ruPage
      .locator(`.invitation-card[data-invitation="${proposal.id}"][data-state="withdrawn"]`)
      .waitFor();
    expect(await ruCard.getByRole('button', { name: /^Cancel the visit/ }).count()).toBe(0);
    await usPage
      .locator(`.invitation-card[data-invitation="${proposal.id}"][data-state="withdrawn"]`)
      .waitFor({ timeout: 20_000 });
  });

  it('says a refusal in Russian on the field it concerns, in the Russian interface', async () => {
    const page = await newPage();
    await signIn(page, ru.url, 'ru-duty');
    await page.goto(`${ru.url}/app/channels/intel/invitations`);
    await page.getByLabel('Interface language').selectOption('ru');
    await page.getByRole('heading', { name: 'Приглашения', exact: true }).waitFor();
    await page.getByRole('button', { name: 'Новое приглашение' }).click();
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
    // Sent within the rule, its countdown is written in Russian, the days' unit too.
    await what.fill('Консультации экспертов по предотвращению инцидентов');
    await page.getByRole('button', { name: 'Отправить приглашение' }).click();
    const card = page.locator('.invitation-card', { hasText: 'Консультации экспертов по предотвращению' });
    expect(await card.locator('.due-countdown').textContent()).toMatch(/^\d+ дн\. \d\d:\d\d осталось$/);
  });

  describe('withdrawn before the invitee answers', () => {
    let withdrawn: string;
    /** The invitation entries (proposals, answers, counter-proposals, withdrawals) at `node`. */
    const invitationEntries = async (node: PartyNode, user: string) =>
      (
        await api<{ entries: Array<{ kind: string }> }>(
          node,
          user,
          'GET',
          '/api/v1/channels/intel/entries?limit=1000',
        )
      ).body.entries.filter((e) => e.kind.startsWith('invitation')).length;

    it("takes the counter-proposal form away in the invitee's browser, live, and says why", async () => {
      const proposal = await propose('meeting', 'Staff talks on hotlines');
      withdrawn = proposal.id;
      // The invitee has begun a counter-proposal when the inviter withdraws the invitation.
      await usPage.goto(`${us.url}/app/channels/intel/invitations`);
      const usCard = usPage.locator(`.invitation-card[data-invitation="${proposal.id}"]`);
      await usCard.waitFor({ timeout: 20_000 });
      await usCard.getByRole('button', { name: 'Counter-propose: Staff talks on hotlines' }).click();
      const counter = usCard.getByRole('form', { name: 'Counter-proposal: Staff talks on hotlines' });
      await counter.getByLabel('Where').fill('Vienna');

      await ruPage.goto(`${ru.url}/app/channels/intel/invitations`);
      const ruCard = ruPage.locator(`.invitation-card[data-invitation="${proposal.id}"]`);
      await ruCard.getByRole('button', { name: 'Withdraw invitation: Staff talks on hotlines' }).click();
      expect(await ruCard.locator('.withdraw-confirm').textContent()).toContain(
        'The other parties can then no longer answer it or counter-propose.',
      );
      await ruCard.getByRole('button', { name: 'Withdraw invitation', exact: true }).click();
      await ruPage
        .locator(`.invitation-card[data-invitation="${proposal.id}"][data-state="withdrawn"]`)
        .waitFor();

      // Without a reload, the invitee's card is withdrawn: no form, no button, and a sentence why.
      await usPage
        .locator(`.invitation-card[data-invitation="${proposal.id}"][data-state="withdrawn"]`)
        .waitFor({ timeout: 20_000 });
      expect(await counter.count()).toBe(0);
      expect(await usCard.getByRole('button', { name: /^(Counter-propose|Accept|Decline):/ }).count()).toBe(
        0,
      );
      expect(await usCard.locator('.withdrawn-note').textContent()).toMatch(
        /^Withdrawn by RU · ru-duty, .+: it can no longer be answered or counter-proposed\.$/,
      );
      await screenshot(usPage, 'invitation-withdrawn');
    });

    it('refuses a counter-proposal sent from a view that missed the withdrawal, in Russian, writing nothing', async () => {
      const page = await newPage();
      await signIn(page, us.url, 'us-duty');
      // A view that still believes the invitation open (as one loaded before the withdrawal arrived).
      let stale = true;
      await rewriteResponses<{ invitations: Array<Record<string, unknown>> }>(
        page,
        '/api/v1/channels/intel/invitations',
        (body) => {
          if (!stale) return;
          for (const invitation of body.invitations)
            if (invitation.id === withdrawn)
              Object.assign(invitation, { state: 'open', withdrawn: null, awaiting: ['US'] });
        },
      );
      // Once the counter-proposal is sent, the node's answers are shown as they are, as to a view
      // that reloads (not before: a live reload meanwhile would take the form away too early).
      page.on('request', (request) => {
        if (
          request.method() === 'POST' &&
          new URL(request.url()).pathname === '/api/v1/channels/intel/entries'
        )
          stale = false;
      });
      await page.goto(`${us.url}/app/channels/intel/invitations`);
      await page.getByLabel('Interface language').selectOption('ru');
      const card = page.locator(`.invitation-card[data-invitation="${withdrawn}"]`);
      await card.getByRole('button', { name: 'Встречное предложение: Staff talks on hotlines' }).click();
      const counter = card.getByRole('form', { name: 'Встречное предложение: Staff talks on hotlines' });
      await counter.getByLabel('Где').fill('Vienna');
      await counter.getByLabel('Ответить до').fill(inDays(12));
      const [usBefore, ruBefore] = await Promise.all([
        invitationEntries(us, 'us-duty'),
        invitationEntries(ru, 'ru-duty'),
      ]);
      await counter.getByRole('button', { name: 'Отправить встречное предложение' }).click();
      // The refusal reloads the card: it is withdrawn, its stale controls gone, and the refusal
      // still said on it.
      await page
        .locator(`.invitation-card[data-invitation="${withdrawn}"][data-state="withdrawn"]`)
        .waitFor();
      expect(await counter.count()).toBe(0);
      expect(
        await card.getByRole('button', { name: /^(Встречное предложение|Принять|Отклонить):/ }).count(),
      ).toBe(0);
      expect(await card.getByRole('alert').textContent()).toBe(
        'Приглашение отозвано: на него больше нельзя ответить.',
      );
      expect(await card.locator('[aria-invalid="true"]').count()).toBe(0);
      await screenshot(page, 'invitation-withdrawn-refused-ru');
      expect(await invitationEntries(us, 'us-duty')).toBe(usBefore);
      expect(await invitationEntries(ru, 'ru-duty')).toBe(ruBefore);
    });
  });
});
