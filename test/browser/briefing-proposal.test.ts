/**
 * Proposing a briefing in a browser with its duration and a recurrence (README "Briefings and
 * calls"): a monthly briefing of three occurrences is signed with its rule and shown as three
 * occurrences; a rule the node refuses (finer than daily) is shown on the rule field, and a
 * number of occurrences out of bounds on its own, with nothing written either time. The
 * channel's calendar downloads, and a subscription address is made, read and revoked.
 */
import { describe, expect, it } from 'vitest';
import { runBrowserTests, signIn } from '../support/browser.js';
import { federatedBrowserSuite } from '../support/browser-suite.js';
import { api } from '../support/node-process.js';

interface Entry {
  kind: string;
  body: { title?: string; rrule?: string; durationMinutes?: number };
}

describe.runIf(runBrowserTests)('proposing a briefing in a browser', () => {
  // A briefing is proposed to another party: RU's duty officer to US, over channel `intel`.
  const suite = federatedBrowserSuite();
  const entries = async () =>
    (await api<{ entries: Entry[] }>(suite.ru, 'ru-duty', 'GET', '/api/v1/channels/intel/entries?limit=1000'))
      .body.entries;
  // Tomorrow at 10:00 UTC, as the datetime-local field takes it.
  const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10) + 'T10:00';

  it('signs a monthly briefing of three occurrences, with its duration, and lists each occurrence', async () => {
    const page = await suite.newPage();
    await signIn(page, suite.ru.url, 'ru-duty');
    await page.goto(`${suite.ru.url}/app/channels/intel/briefings`);
    await page.getByRole('button', { name: 'Propose a briefing' }).click();
    const form = page.getByRole('form', { name: 'Propose a briefing' });
    await form.getByLabel('Title').fill('Monthly threat assessment');
    await form.getByLabel('Proposed time (UTC)').fill(tomorrow);
    await form.getByLabel('Duration').selectOption('60');
    await form.getByLabel('Repeats').selectOption('monthly');

    // Out of bounds: said on the field, nothing signed.
    const before = (await entries()).length;
    await form.getByLabel('Number of occurrences').fill('1');
    await form.getByRole('button', { name: 'Propose', exact: true }).click();
    await form.locator('#briefing-count-error').waitFor();
    expect(await form.locator('#briefing-count-error').textContent()).toContain('from 2 to 366');
    expect((await entries()).length).toBe(before);

    await form.getByLabel('Number of occurrences').fill('3');
    await form.getByRole('button', { name: 'Propose', exact: true }).click();
    await expect.poll(() => page.locator('.contact-notice').textContent()).toContain('Proposed: intel/RU/');
    const signed = (await entries()).find((e) => e.body.title === 'Monthly threat assessment')!;
    expect(signed.kind).toBe('briefing-proposal');
    expect(signed.body).toMatchObject({ rrule: 'FREQ=MONTHLY;COUNT=3', durationMinutes: 60 });
    await expect
      .poll(() => page.locator('.briefing-card', { hasText: 'Monthly threat assessment' }).count())
      .toBe(3);
  });

  it('shows a recurrence rule the node refuses on the rule field, and writes nothing', async () => {
    const page = await suite.newPage();
    await signIn(page, suite.ru.url, 'ru-duty');
    await page.goto(`${suite.ru.url}/app/channels/intel/briefings`);
    await page.getByRole('button', { name: 'Propose a briefing' }).click();
    const form = page.getByRole('form', { name: 'Propose a briefing' });
    await form.getByLabel('Title').fill('Hourly check');
    await form.getByLabel('Proposed time (UTC)').fill(tomorrow);
    await form.getByLabel('Repeats').selectOption('rule');
    await form.getByLabel('Recurrence rule (RFC 5545)').fill('FREQ=HOURLY;COUNT=5');
    const before = (await entries()).length;
    await form.getByRole('button', { name: 'Propose', exact: true }).click();
    const error = form.locator('#briefing-rule-error');
    await error.waitFor();
    expect(await error.textContent()).toContain('at most daily');
    expect((await entries()).length).toBe(before);
  });

  it('downloads the calendar, makes a subscription address shown once, and revokes it after asking', async () => {
    const page = await suite.newPage();
    await signIn(page, suite.ru.url, 'ru-duty');
    await page.goto(`${suite.ru.url}/app/channels/intel/briefings`);
    const panel = page.getByRole('region', { name: 'Calendar' });
    const download = await panel
      .getByRole('link', { name: 'Download the calendar (.ics)' })
      .getAttribute('href');
    const file = await page.request.get(`${suite.ru.url}${download}`);
    expect(file.status()).toBe(200);
    expect(await file.text()).toContain('Monthly threat assessment');

    await panel.getByRole('button', { name: 'Create a subscription address' }).click();
    const address = await panel.getByLabel('Subscription address').inputValue();
    expect(address).toMatch(/\/api\/v1\/calendar\/cal_/);
    // The address alone reads the calendar: no session, no token header.
    const subscribed = await fetch(address);
    expect(subscribed.status).toBe(200);
    expect(subscribed.headers.get('content-type')).toContain('text/calendar');
    expect(await subscribed.text()).toContain('BEGIN:VCALENDAR');

    const row = panel.locator('.feed');
    await row.waitFor();
    await row.getByRole('button', { name: 'Revoke' }).click();
    await row.getByRole('button', { name: 'Keep it' }).click();
    expect((await fetch(address)).status).toBe(200);
    await row.getByRole('button', { name: 'Revoke' }).click();
    await row.getByRole('button', { name: 'Yes, revoke' }).click();
    await panel.getByRole('status').filter({ hasText: 'Revoked' }).waitFor();
    expect((await fetch(address)).status).toBe(404);
    expect(await panel.getByLabel('Subscription address').count()).toBe(0);
  });
});
