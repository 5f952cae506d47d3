/**
 * Role-aware channel tabs in a real browser against a real `parley serve` (issue 15): an
 * observer is not offered a write control the node would refuse only after sending, on any tab
 * but the charter's (which has its own rules), and each tab says once, in words, why; a duty
 * officer of the same office is offered them. A head first drafts a statement with a disputed
 * passage and proposes a glossary term, so the per-item controls have something to act on.
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { runBrowserTests, screenshot, signIn } from '../support/browser.js';
import { browserSuite, type BrowserSuite } from '../support/browser-suite.js';

const OBSERVER_NOTE = 'You can read this channel but not write in it (observer).';

/** The tabs other than the charter, and the write controls each would offer (the timeline's is a form). */
const WRITE_CONTROLS: Record<string, RegExp[]> = {
  timeline: [],
  clarifications: [/^Send answer$/],
  statements: [/^New statement$/, /^Revise$/, /^Approve$/, /^Release$/, /^Propose «/, /^Record a public/],
  glossary: [/^Propose a term$/, /^Agree$/],
  notify: [/^Send notification/],
  briefings: [/^Propose a briefing$/, /^Record minutes$/, /^Record my readout$/],
  invitations: [/^New invitation$/, /^Withdraw/, /^Cancel the (visit|meeting)/],
};

async function postAs(suite: BrowserSuite, user: string, entry: Record<string, unknown>): Promise<void> {
  const response = await fetch(`${suite.url}/api/v1/channels/intel/entries`, {
    method: 'POST',
    headers: { authorization: `Bearer ${suite.fixture.tokens[user]!}`, 'content-type': 'application/json' },
    body: JSON.stringify(entry),
  });
  expect(response.status).toBe(201);
}

describe.skipIf(!runBrowserTests)('role-aware channel tabs', () => {
  const suite = browserSuite(async (started) => {
    await postAs(started, 'svr-head', {
      kind: 'statement-draft',
      body: {
        statement: 'joint-1',
        title: 'Joint statement',
        text: 'The parties [agree to begin talks | agree to prepare talks].',
      },
    });
    await postAs(started, 'svr-head', {
      kind: 'glossary-term',
      body: { term: 'hotline', renderings: { ru: 'прямая линия', en: 'hotline' } },
    });
  });

  async function openTab(page: Page, tab: string): Promise<void> {
    await page.goto(`${suite.url}/app/channels/intel/${tab}`);
    await page.locator('.channel-tabs [aria-current="page"]').waitFor();
    // Each tab's heading (the notify tab's only when its form is offered) says it has loaded.
    await page.locator('.timeline-main h2, .timeline-main .read-only-note').first().waitFor();
  }

  it('offers an observer no write control on any tab, and says why once on each', async () => {
    const page = await suite.newPage();
    await signIn(page, suite.url, 'svr-observer');
    for (const [tab, controls] of Object.entries(WRITE_CONTROLS)) {
      await openTab(page, tab);
      const note = page.locator('.timeline-main .read-only-note');
      await expect.poll(() => note.count(), { message: tab }).toBe(1);
      expect(await note.getAttribute('role'), tab).toBe('note');
      expect(await note.textContent(), tab).toBe(OBSERVER_NOTE);
      for (const name of controls) {
        expect(await page.getByRole('button', { name }).count(), `${tab}: ${name}`).toBe(0);
      }
      expect(await page.locator('.timeline-main form').count(), `${tab}: forms`).toBe(0);
    }
    // What is there to read stays: the statement, its disputed passage, the glossary term.
    await openTab(page, 'statements');
    await page.locator('article.statement[data-statement="joint-1"] .bracket-panel').waitFor();
    await openTab(page, 'glossary');
    await page.locator('.pending-term[data-term="hotline"], tr[data-term="hotline"]').first().waitFor();
    await screenshot(page, 'role-aware-observer-glossary');
  }, 120_000);

  it('offers a duty officer the write controls, with no read-only note', async () => {
    const page = await suite.newPage();
    await signIn(page, suite.url, 'svr-duty');
    await openTab(page, 'statements');
    await page.getByRole('button', { name: 'New statement' }).waitFor();
    await page.getByRole('button', { name: 'Revise' }).waitFor();
    await page.getByRole('button', { name: /^Propose «agree to begin talks»/ }).waitFor();
    expect(await page.locator('.read-only-note').count()).toBe(0);
    for (const [tab, control] of [
      ['briefings', 'Propose a briefing'],
      ['invitations', 'New invitation'],
    ] as const) {
      await openTab(page, tab);
      await page.getByRole('button', { name: control }).waitFor();
      expect(await page.locator('.read-only-note').count(), tab).toBe(0);
    }
  }, 120_000);
});
