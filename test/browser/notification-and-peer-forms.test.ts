/** Forms that refuse bad input on two federated nodes: a template notification, pinning a peer. */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { runBrowserTests, screenshot, signIn } from '../support/browser.js';
import { federatedBrowserSuite } from '../support/browser-suite.js';
import type { Entry } from '../support/console-notes.js';
import { api, type PartyNode } from '../support/node-process.js';

let ru: PartyNode;
let us: PartyNode;

describe.runIf(runBrowserTests)('notification and peer forms in a browser, two federated nodes', () => {
  const { newPage } = federatedBrowserSuite(async (suite) => void ({ ru, us } = suite));
  let usItem: Page;
  let ruItem: Page;

  beforeAll(async () => {
    [ruItem, usItem] = await Promise.all([newPage(), newPage()]);
    await Promise.all([signIn(ruItem, ru.url, 'ru-duty'), signIn(usItem, us.url, 'us-duty')]);
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
    await ruItem.getByLabel('Template').selectOption({ label: 'Naval exercise' });
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
