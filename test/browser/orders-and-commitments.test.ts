/**
 * A channel's orders to keep contact and its commitments in a browser, across two federated
 * nodes (issue 14 §5): RU's head records an order (refused on its field without an office,
 * nothing written), proposes a commitment from it binding both parties (refused on its field
 * without owners), US's head accepts it for US in the other browser, and both see it binding.
 * A duty officer is offered neither form, and told why.
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { runBrowserTests, screenshot, signIn } from '../support/browser.js';
import { federatedBrowserSuite } from '../support/browser-suite.js';
import { api, type PartyNode } from '../support/node-process.js';

let ru: PartyNode;
let us: PartyNode;

async function entryCount(node: PartyNode): Promise<number> {
  const page = await api<{ entries: unknown[] }>(
    node,
    `${node.party.toLowerCase()}-duty`,
    'GET',
    '/api/v1/channels/intel/entries?limit=1000',
  );
  return page.body.entries.length;
}

describe.runIf(runBrowserTests)('orders to keep contact and commitments in a browser', () => {
  let ruHead: Page;
  let usHead: Page;
  const { newPage } = federatedBrowserSuite(async (suite) => {
    ({ ru, us } = suite);
    [ruHead, usHead] = await Promise.all([suite.newPage(), suite.newPage()]);
    await Promise.all([signIn(ruHead, ru.url, 'ru-head'), signIn(usHead, us.url, 'us-head')]);
  });

  it('records an order, proposes a commitment from it, and the other party accepts it', async () => {
    await ruHead.goto(`${ru.url}/app/channels/intel/commitments`);
    await ruHead.getByRole('heading', { name: 'Orders to keep contact' }).waitFor();
    await ruHead.getByRole('button', { name: 'Record an order' }).click();
    const orderForm = ruHead.getByRole('form', { name: 'Record an order' });
    await orderForm.getByLabel('Order id').fill('keep-momentum');
    await orderForm.getByLabel('Ordered by').fill('President of the Russian Federation');
    await orderForm.getByLabel('Why').fill('Maintain the momentum of the leaders’ call');
    await orderForm.getByLabel('How often').selectOption('P2W');

    // No office chosen: refused on that field, and nothing is written.
    const before = await entryCount(ru);
    await orderForm.getByRole('button', { name: 'Record an order' }).click();
    const officesError = orderForm.locator('#order-offices-error');
    await officesError.waitFor();
    expect(await officesError.textContent()).toBe('Choose at least one office.');
    expect(await entryCount(ru)).toBe(before);

    await orderForm.getByLabel('RU: ru-ops').check();
    await orderForm.getByLabel('US: us-ops').check();
    await orderForm.getByRole('button', { name: 'Record an order' }).click();
    const order = ruHead.locator('.order[data-order="keep-momentum"]');
    await order.waitFor();
    expect(await order.textContent()).toContain('RU: ru-ops; US: us-ops');
    expect(await order.textContent()).toContain('every 2 weeks');
    expect(await order.locator('.order-commitments').textContent()).toBe('none yet');

    await order.getByRole('button', { name: 'Propose a commitment from this order' }).click();
    const commitmentForm = ruHead.getByRole('form', { name: 'Propose a commitment' });
    await commitmentForm.waitFor();
    // The order's terms come with it.
    expect(await commitmentForm.getByLabel('How often').inputValue()).toBe('P2W');
    expect(await commitmentForm.getByLabel('Kept by').inputValue()).toBe('briefing');
    await commitmentForm.getByLabel('Commitment id').fill('fortnightly-briefing');
    await commitmentForm.getByRole('button', { name: 'Propose' }).click();
    const ownersError = commitmentForm.locator('#commitment-owners-error');
    await ownersError.waitFor();
    expect(await ownersError.textContent()).toBe('Choose at least one owner.');

    await commitmentForm.getByLabel('ru-head (RU').check();
    await commitmentForm.getByLabel('us-head (US').check();
    await commitmentForm.getByRole('button', { name: 'Propose' }).click();
    await ruHead.getByRole('status').filter({ hasText: 'Commitment proposed' }).waitFor();
    const ruCard = ruHead.locator('.commitment[data-commitment="fortnightly-briefing"]');
    await ruCard.waitFor();
    expect(await ruCard.locator('.commitment-state').getAttribute('data-state')).toBe('proposed');
    expect(await ruCard.locator('.commitment-state').textContent()).toContain('US');
    await expect.poll(() => order.locator('.order-commitments').textContent()).toBe('fortnightly-briefing');
    await screenshot(ruHead, 'orders-and-commitments');

    // US's head accepts it for US, in the other browser.
    await usHead.goto(`${us.url}/app/channels/intel/commitments`);
    const usCard = usHead.locator('.commitment[data-commitment="fortnightly-briefing"]');
    await usCard.waitFor({ timeout: 30_000 });
    await usCard.getByRole('button', { name: 'Accept for my party' }).click();
    await usHead
      .locator('.commitment[data-commitment="fortnightly-briefing"] [data-state="binding"]')
      .waitFor();
    // And RU sees it binding once the acceptance arrives (the tab reloads on live updates).
    await ruHead
      .locator('.commitment[data-commitment="fortnightly-briefing"] [data-state="binding"]')
      .waitFor({ timeout: 30_000 });
  });

  it('offers a duty officer neither form, and says who records them', async () => {
    const page = await newPage();
    await signIn(page, ru.url, 'ru-duty');
    await page.goto(`${ru.url}/app/channels/intel/commitments`);
    await page.getByRole('heading', { name: 'Orders to keep contact' }).waitFor();
    await page.locator('.order[data-order="keep-momentum"]').waitFor();
    expect(await page.locator('.orders-heads-only').textContent()).toContain(
      'Only the head of a member office',
    );
    expect(await page.getByRole('button', { name: 'Record an order' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Propose a commitment' }).count()).toBe(0);
  });
});
