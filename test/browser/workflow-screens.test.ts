/** Workflow screens across two federated nodes: obligations, clarifications, read-backs, statements. */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openComposer, rewriteResponses, runBrowserTests, screenshot, signIn } from '../support/browser.js';
import { federatedBrowserSuite } from '../support/browser-suite.js';
import { compose, notesOf, type Entry } from '../support/console-notes.js';
import { api, type PartyNode } from '../support/node-process.js';

let ru: PartyNode;
let us: PartyNode;

describe.runIf(runBrowserTests)('workflow screens in a browser, two federated nodes', () => {
  const { newPage } = federatedBrowserSuite(async (suite) => void ({ ru, us } = suite));

  let flash: Entry;
  let usItem: Page;
  let ruItem: Page;
  const FLASH_TEXT = 'Корабли 🚢 выйдут в район учений 21 февраля в 06:00 UTC.';
  const PASSAGE = 'в район учений';

  it('lists the FLASH item in what I owe, with a live countdown, and opens it', async () => {
    const sentAt = Date.now();
    ruItem = await newPage();
    await signIn(ruItem, ru.url, 'ru-duty');
    await ruItem.goto(`${ru.url}/app/channels/intel`);
    await ruItem.locator('.live-indicator.on').waitFor();
    await compose(ruItem, { text: FLASH_TEXT, subject: 'Выход кораблей', precedence: 'FLASH', lang: 'ru' });
    await expect.poll(() => ruItem.locator('.compose .ok-text').textContent()).toContain('Sent: intel/RU/');
    flash = (await notesOf(ru, 'ru-duty', 'RU')).at(-1)!;
    expect(flash.body.text).toBe(FLASH_TEXT);

    usItem = await newPage();
    await signIn(usItem, us.url, 'us-duty');
    await usItem.getByRole('link', { name: 'Obligations' }).click();
    const row = usItem.locator(
      `[data-direction="owing"] .obligation[data-item="${flash.id}"][data-type="response"]`,
    );
    await row.waitFor({ timeout: 20_000 });
    const first = await row.locator('.countdown').textContent();
    // FLASH: a response within 10 minutes of sending.
    expect(first).toMatch(/^due in (9|10):\d\d$/);
    expect(await row.locator('.precedence-flash').count()).toBe(1);
    // The row says what is owed without opening it: the note's subject and its opening words.
    expect(await row.locator('.obligation-subject').textContent()).toBe('Выход кораблей');
    expect(await row.locator('.obligation-excerpt').textContent()).toBe(FLASH_TEXT);
    await expect.poll(() => row.locator('.countdown').textContent(), { timeout: 5_000 }).not.toBe(first);
    expect(Date.now() - sentAt).toBeLessThan(60_000);
    // The channel list counts it too.
    await usItem.getByRole('link', { name: 'Channels' }).click();
    await expect
      .poll(() => usItem.locator('[data-channel="intel"] .count-owing').getAttribute('data-count'))
      .not.toBe('0');
    await usItem.getByRole('link', { name: 'Obligations' }).click();
    await row.waitFor();
    await screenshot(usItem, 'obligations');
    await row.locator('a').click();
    await usItem.locator(`aside.inspector[data-entry="${flash.id}"] .item-panel`).waitFor();
    expect(new URL(usItem.url()).pathname).toBe(`/app/channels/intel/entries/RU/${flash.seq}`);
  });

  it('asks about a selected passage of the original; the sender sees it live and answers', async () => {
    const inspector = usItem.locator(`aside.inspector[data-entry="${flash.id}"]`);
    // RU has the item open, to watch the question arrive.
    await ruItem.goto(`${ru.url}/app/channels/intel/entries/RU/${flash.seq}`);
    const ruInspector = ruItem.locator(`aside.inspector[data-entry="${flash.id}"]`);
    await ruInspector.locator('.item-panel .answers').waitFor();

    // US selects the passage in the original text, in the browser.
    const original = inspector.locator('.original-text');
    await original.waitFor();
    // (A string, run in the page: the test's own TypeScript has no DOM types.)
    await usItem.evaluate(`(() => {
      const element = document.querySelector('aside.inspector .original-text');
      const node = element.firstChild;
      const start = node.textContent.indexOf(${JSON.stringify(PASSAGE)});
      const range = document.createRange();
      range.setStart(node, start);
      range.setEnd(node, start + ${PASSAGE.length});
      const selection = document.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
    })()`);
    const quote = inspector.getByLabel('Passage of the original (as quoted)');
    await expect.poll(() => quote.inputValue()).toBe(PASSAGE);
    await inspector.getByLabel('Question', { exact: true }).fill('Какой именно район? Укажите координаты.');
    await screenshot(usItem, 'clarification-request');
    await inspector.getByRole('button', { name: 'Send question' }).click();
    await expect
      .poll(() => inspector.locator('.clarify-form .ok-text').textContent())
      .toContain('Question sent');

    // The request addresses the passage by UTF-16 offsets into the original body.text.
    const request = (
      await api<{ entries: Entry[] }>(us, 'us-duty', 'GET', '/api/v1/channels/intel/entries?limit=1000')
    ).body.entries.find((e) => e.kind === 'clarification-request')!;
    const passage = request.body.passage as { start: number; end: number; quote: string };
    expect(passage).toEqual({
      start: FLASH_TEXT.indexOf(PASSAGE),
      end: FLASH_TEXT.indexOf(PASSAGE) + PASSAGE.length,
      quote: PASSAGE,
    });

    // RU sees it live in the open item, and answers it there.
    const ruQuestion = ruInspector.locator(`.clarification[data-request="${request.id}"]`);
    await ruQuestion.waitFor({ timeout: 20_000 });
    expect(await ruQuestion.locator('.quote').textContent()).toContain(PASSAGE);
    await ruQuestion.getByLabel('Your answer').fill('Район: 69° с. ш., 33° в. д., радиус 20 миль.');
    await ruQuestion.getByRole('button', { name: 'Send answer' }).click();
    await ruQuestion.locator('.clarification-answer').waitFor();

    // US sees the answer, live.
    await inspector
      .locator(`.clarification[data-request="${request.id}"] .clarification-answer`, { hasText: '69°' })
      .waitFor({ timeout: 20_000 });
    await ruItem.getByRole('link', { name: 'Clarifications' }).click();
    await ruItem.getByText('Show answered').click();
    await ruItem.locator(`.clarification[data-request="${request.id}"][data-answered="true"]`).waitFor();
    await screenshot(ruItem, 'clarifications');
  });

  it('reviews a read-back: corrected, read back again, confirmed; resolved on both nodes', async () => {
    const inspector = usItem.locator(`aside.inspector[data-entry="${flash.id}"]`);
    await inspector.getByLabel('Understood').check();
    await inspector
      .getByLabel('Read-back in your words (optional)')
      .fill('Ships sail on 21 February at 16:00 UTC.');
    await inspector.getByRole('button', { name: 'Send receipt' }).click();
    await expect.poll(() => inspector.locator('.ack-form .ok-text').textContent()).toContain('Receipt sent.');

    await ruItem.goto(`${ru.url}/app/channels/intel/entries/RU/${flash.seq}`);
    const ruInspector = ruItem.locator(`aside.inspector[data-entry="${flash.id}"]`);
    const ruAnswer = ruInspector.locator('.answers li[data-party="US"]');
    await ruInspector
      .locator('.answers li[data-party="US"][data-state="readback-pending"]')
      .waitFor({ timeout: 20_000 });
    expect(await ruAnswer.locator('.answer-detail').textContent()).toContain('16:00');
    await ruAnswer.getByRole('button', { name: 'Correct…' }).click();
    await ruAnswer.getByLabel('What was meant (correction)').fill('06:00 UTC, not 16:00.');
    await screenshot(ruItem, 'readback-review');
    await ruAnswer.getByRole('button', { name: 'Send correction' }).click();
    await ruInspector.locator('.answers li[data-party="US"][data-state="readback-corrected"]').waitFor();

    // US sees "corrected" with the correction, and reads back again.
    const usAnswer = inspector.locator('.answers li[data-party="US"][data-state="readback-corrected"]');
    await usAnswer.waitFor({ timeout: 20_000 });
    expect(await usAnswer.textContent()).toContain('corrected');
    expect(await usAnswer.textContent()).toContain('06:00 UTC, not 16:00.');
    await inspector.getByLabel('Understood').check();
    await inspector
      .getByLabel('Read-back in your words (optional)')
      .fill('Ships sail on 21 February at 06:00 UTC.');
    await inspector.getByRole('button', { name: 'Send receipt' }).click();
    await expect.poll(() => inspector.locator('.ack-form .ok-text').textContent()).toContain('Receipt sent.');

    // RU confirms; the item is resolved on both nodes.
    const pending = ruInspector.locator('.answers li[data-party="US"][data-state="readback-pending"]');
    await pending.waitFor({ timeout: 20_000 });
    expect(await pending.locator('.answer-detail').textContent()).toContain('06:00');
    await pending.getByRole('button', { name: 'Confirm read-back' }).click();
    await ruInspector.locator('.answers li[data-party="US"][data-state="readback-confirmed"]').waitFor();
    await ruInspector.locator('.item-panel[data-resolved="true"]').waitFor();
    await inspector.locator('.item-panel[data-resolved="true"]').waitFor({ timeout: 20_000 });
    expect(await inspector.locator('.item-panel .resolved').textContent()).toContain('Resolved');
    await screenshot(usItem, 'item-resolved');
  });

  it('drafts a joint statement with a bracket, resolves it, approves as both heads and releases', async () => {
    const ruHead = await newPage();
    await signIn(ruHead, ru.url, 'ru-head');
    await ruHead.goto(`${ru.url}/app/channels/intel/statements`);
    await ruHead.getByRole('button', { name: 'New statement' }).click();
    await ruHead.getByLabel('Statement id').fill('joint-1');
    await ruHead.getByLabel('Title', { exact: true }).fill('Joint statement on the exercise');
    await ruHead
      .getByLabel('Text (disputed passages as [a | b])')
      .fill('The parties [agree to begin talks | agree to prepare the ground for talks] in March.');
    await ruHead.getByRole('button', { name: 'Send draft' }).click();
    const ruCard = ruHead.locator('.statement[data-statement="joint-1"]');
    await ruCard.locator('mark.bracket').waitFor();
    expect(await ruCard.getAttribute('data-state')).toBe('bracketed');
    expect(await ruCard.getByRole('button', { name: 'Approve' }).isDisabled()).toBe(true);

    // US head proposes one alternative for the bracket; it stays disputed until RU agrees.
    const usHead = await newPage();
    await signIn(usHead, us.url, 'us-head');
    await usHead.goto(`${us.url}/app/channels/intel/statements`);
    const usCard = usHead.locator('.statement[data-statement="joint-1"]');
    await usCard.waitFor({ timeout: 20_000 });
    await usCard.getByRole('button', { name: 'Propose «agree to prepare the ground for talks»' }).click();
    await usCard.locator('.bracket-panel .resolution').waitFor();
    expect(await usCard.locator('.bracket-panel .resolution').textContent()).toContain('proposed by US');
    expect(await usCard.getAttribute('data-state')).toBe('bracketed');
    expect(await usCard.getByRole('button', { name: /^Agree to/ }).count()).toBe(0);

    // RU head agrees: only now is the bracket resolved, and the settled text is shown.
    await ruCard
      .getByRole('button', { name: 'Agree to «agree to prepare the ground for talks»' })
      .click({ timeout: 20_000 });
    await expect.poll(() => ruCard.getAttribute('data-state')).toBe('approving');
    await expect.poll(() => usCard.getAttribute('data-state'), { timeout: 20_000 }).toBe('approving');
    expect(await ruCard.locator('.bracket-panel').getAttribute('data-resolved')).toBe('true');
    expect(await ruCard.locator('p.statement-text').first().textContent()).toBe(
      'The parties agree to prepare the ground for talks in March.',
    );
    await ruCard.getByRole('button', { name: 'Approve' }).click();
    await ruCard.locator('tr[data-party="RU"][data-approved="true"]').waitFor();
    expect(await ruCard.getByRole('button', { name: 'Release' }).isDisabled()).toBe(true);
    expect(await ruCard.locator('.why').textContent()).toContain('waiting for approval by US');
    await screenshot(ruHead, 'statements');

    // A view that wrongly believes every party approved: the node refuses, and says why.
    const stale = await newPage();
    await signIn(stale, ru.url, 'ru-head');
    await rewriteResponses<{ statements: Array<{ waitingFor: string[] }> }>(
      stale,
      '/api/v1/channels/intel/statements',
      (body) => {
        for (const statement of body.statements) statement.waitingFor = [];
      },
    );
    await stale.goto(`${ru.url}/app/channels/intel/statements`);
    const staleCard = stale.locator('.statement[data-statement="joint-1"]');
    await staleCard.getByRole('button', { name: 'Release' }).click();
    await expect
      .poll(() => staleCard.locator('.form-error').textContent())
      .toContain('not approved yet by US: nothing is released without every party');

    // US head approves; RU head releases.
    await usCard.getByRole('button', { name: 'Approve' }).click();
    await usCard.locator('tr[data-party="US"][data-approved="true"]').waitFor();
    await ruCard.locator('tr[data-party="US"][data-approved="true"]').waitFor({ timeout: 20_000 });
    // RU head releases it under embargo: both nodes show it embargoed until then.
    const embargo = new Date(Date.now() + 86_400_000).toISOString().slice(0, 16) + 'Z';
    await ruCard.getByLabel('Embargo until (UTC, optional)').fill(embargo);
    await ruCard.getByRole('button', { name: 'Release' }).click();
    await expect.poll(() => ruCard.getAttribute('data-state')).toBe('embargoed');
    await expect.poll(() => usCard.getAttribute('data-state'), { timeout: 20_000 }).toBe('embargoed');
    expect(await usCard.locator('.released').textContent()).toContain('embargoed until');
    expect(await usCard.getByRole('button', { name: 'Revise' }).count()).toBe(0);
    await screenshot(usHead, 'statement-released');

    // The public record, apart from the statements: RU records the Secretary General's remarks.
    await ruHead.getByRole('button', { name: 'Record a public statement' }).click();
    const form = ruHead.locator('form.public-form');
    await form.getByLabel('Speaker').fill('Secretary General');
    await form.getByLabel('Office').fill('NATO Secretary General');
    await form.getByLabel('Party or organisation').fill('NATO');
    await form.getByLabel('Where published').fill('Press conference, Brussels');
    await form.getByLabel('When (UTC, e.g. 2026-02-22T09:00Z)').fill('2026-02-22T09:00Z');
    await form
      .getByLabel('What was said')
      .fill('The Secretary General voiced support for peace negotiations.');
    await form.getByRole('button', { name: 'Record' }).click();
    const usPublic = usHead.locator('.public-record .public-statement');
    await usPublic.first().waitFor({ timeout: 20_000 });
    expect(await usPublic.first().textContent()).toContain('(NATO Secretary General, NATO)');
    // A note of US's head refers to those remarks, chosen in the composer; the record shows it.
    await usHead.goto(`${us.url}/app/channels/intel`);
    await openComposer(usHead);
    await usHead.getByLabel('Refers to a public statement').selectOption({ index: 1 });
    await usHead.getByLabel('Text', { exact: true }).fill('On the Secretary General’s remarks: we agree.');
    await usHead.getByRole('button', { name: /^Send/ }).click();
    await expect.poll(() => usHead.locator('.compose .ok-text').textContent()).toContain('Sent: intel/US/');
    const referring = (await notesOf(us, 'us-head', 'US')).at(-1)!;
    const recorded = (await api(us, 'us-head', 'GET', '/api/v1/channels/intel/public-statements')).body as {
      publicStatements: Array<{ id: string; hash: string }>;
    };
    const remarks = recorded.publicStatements.at(-1)!;
    expect(referring.body.refersTo).toEqual({
      party: 'RU',
      seq: Number(remarks.id.split('/')[2]),
      hash: remarks.hash,
    });
    await usHead.goto(`${us.url}/app/channels/intel/statements`);
    await expect
      .poll(() => usHead.locator('.public-record .referred-by').first().textContent(), { timeout: 20_000 })
      .toContain(referring.id);

    // Glossary: RU's head proposes a term, US's head agrees in the browser.
    const proposed = await api(ru, 'ru-head', 'POST', '/api/v1/channels/intel/entries', {
      kind: 'glossary-term',
      body: { term: 'area', renderings: { ru: 'район', en: 'area' }, note: 'not “zone”' },
    });
    expect(proposed.status).toBe(201);
    await usHead.getByRole('link', { name: 'Glossary' }).click();
    const pending = usHead.locator('.pending-term[data-term="area"]');
    await pending.waitFor({ timeout: 20_000 });
    await pending.getByRole('button', { name: 'Agree' }).click();
    await usHead.locator('.glossary-table tr[data-term="area"]').waitFor();
    await screenshot(usHead, 'glossary');
  });

  it('shows the original beside its translation, with the glossary warning', async () => {
    const translated = await api(us, 'us-duty', 'POST', '/api/v1/channels/intel/entries', {
      kind: 'translation',
      lang: 'en',
      body: {
        of: { party: flash.party, seq: flash.seq, hash: flash.hash },
        text: 'Ships will sail to the exercise zone on 21 February at 06:00 UTC.',
        translator: { type: 'machine', tool: 'opus-mt-ru-en 2024-03' },
      },
    });
    expect(translated.status).toBe(201);
    await usItem.goto(`${us.url}/app/channels/intel/entries/RU/${flash.seq}`);
    const panel = usItem.locator('aside.inspector .translations');
    await panel.locator('.version.translation').waitFor();
    expect(await panel.locator('.version.original').textContent()).toContain('authoritative');
    expect(await panel.locator('.version.translation').textContent()).toContain('not authoritative');
    expect(await panel.locator('.version.translation').textContent()).toContain('opus-mt-ru-en 2024-03');
    await panel.locator('.glossary-warnings [data-term="area"]').waitFor();
    expect(await panel.locator('.version.original mark.glossary-term').textContent()).toBe('район');
    await panel.scrollIntoViewIfNeeded();
    await screenshot(usItem, 'translations');
  });

  it('shows the workflow screens at 400 px wide', async () => {
    const page = await newPage({ width: 400, height: 800 });
    await signIn(page, ru.url, 'ru-duty');
    await page.goto(`${ru.url}/app/obligations`);
    await page.getByRole('heading', { name: 'What I owe and what I am owed' }).waitFor();
    await page.getByRole('tab', { name: /I am owed/ }).click();
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(400);
    await screenshot(page, 'narrow-obligations');
    await page.goto(`${ru.url}/app/channels/intel/statements`);
    await page.locator('.statement').first().waitFor();
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(400);
    await screenshot(page, 'narrow-statements');
  });
});
