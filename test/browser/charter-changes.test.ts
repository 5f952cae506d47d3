/** Charter changes across two federated nodes: only what the state allows, and a suspension both heads agree. */
import { describe, expect, it } from 'vitest';
import { runBrowserTests, screenshot, signIn } from '../support/browser.js';
import { federatedBrowserSuite } from '../support/browser-suite.js';
import { postEntry, refAt } from '../support/held-call.js';
import { api, eventually, type PartyNode } from '../support/node-process.js';

let ru: PartyNode;
let us: PartyNode;

describe.runIf(runBrowserTests)('charter changes in a browser, two federated nodes', () => {
  const { newPage } = federatedBrowserSuite(async (suite) => void ({ ru, us } = suite));

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
    const resume = await postEntry(ru, 'ru-head', {
      kind: 'channel-change',
      body: { change: 'resume', reason: 'Review done' },
    });
    await eventually(
      async () =>
        (await api(us, 'us-head', 'GET', `/api/v1/channels/intel/entries/RU/${resume.seq}`)).status === 200,
      20_000,
      'resume proposal at US',
    );
    await postEntry(us, 'us-head', {
      kind: 'channel-change-agree',
      body: { of: await refAt(us, 'us-head', resume.id) },
    });
    await eventually(
      async () =>
        (await api<{ state: string }>(ru, 'admin', 'GET', '/api/v1/channels/intel')).body.state === 'active',
      20_000,
      'resumption at RU',
    );
  });
});
