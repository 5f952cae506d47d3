/**
 * Readouts side by side and the joint summary in a real browser (Debian chromium, headless)
 * against two real federated node processes, RU and US: RU's readout in Russian with an English
 * translation, US's in English; the comparison in the US browser goes through the translation
 * (said to be not authoritative), labels each point and marks the conflicting words; a point
 * proposed from the conflict in the US browser is open until RU signs it in its browser, then
 * agreed in both. Screenshots go to test-artifacts/.
 */
import { describe, expect, it } from 'vitest';
import { runBrowserTests, screenshot, signIn } from '../support/browser.js';
import { federatedBrowserSuite } from '../support/browser-suite.js';
import { arrived, holdBriefing, post, ref, type Entry } from '../support/held-call.js';
import { eventually, type PartyNode } from '../support/node-process.js';

let ru: PartyNode;
let us: PartyNode;

describe.runIf(runBrowserTests)('readouts side by side and the joint summary, in a browser', () => {
  let briefing: Entry;

  const suite = federatedBrowserSuite(async (started) => {
    ({ ru, us } = started);
    briefing = await holdBriefing(ru, us);
    const readout = await post(
      ru,
      'ru-duty',
      'readout',
      {
        of: ref(briefing),
        text: 'Стороны обсудили график учений. Договорённость о прекращении огня действует до 18-го числа.',
      },
      'ru',
    );
    const translation = await post(
      ru,
      'ru-duty',
      'translation',
      {
        of: ref(readout),
        text: 'The parties discussed the exercise schedule. The ceasefire arrangement is valid until the 18th.',
        translator: { type: 'person' },
      },
      'en',
    );
    await arrived(us, translation);
    await arrived(
      ru,
      await post(
        us,
        'us-duty',
        'readout',
        {
          of: ref(briefing),
          text: 'The parties reviewed the exercise schedule. The ceasefire arrangement has no expiry.',
        },
        'en',
      ),
    );
  });
  const newPage = () => suite.newPage({ width: 1280, height: 900 });

  it('compares through the translation, proposes a disputed point on US and agrees it once RU signs', async () => {
    const usPage = await newPage();
    await signIn(usPage, us.url, 'us-duty');
    await usPage.goto(`${us.url}/app/channels/intel/briefings`);
    const card = usPage.locator(`.briefing-card[data-briefing="${briefing.id}"]`);
    await card.getByRole('button', { name: 'Compare readouts side by side' }).click();
    const view = card.locator('.readout-compare');
    await view.locator('.aligned-point').first().waitFor();
    expect(
      await view
        .locator('.aligned-point')
        .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-label'))),
    ).toEqual(['similar', 'conflict']);
    expect(await view.locator('.translated-note').textContent()).toContain('not authoritative');
    const ruSide = view.locator('.aligned-point[data-label="conflict"] .point-side[data-party="RU"]');
    const usSide = view.locator('.aligned-point[data-label="conflict"] .point-side[data-party="US"]');
    expect(await ruSide.locator('mark.w-conflict').allTextContents()).toEqual(['18th']);
    expect(await usSide.locator('mark.w-conflict').allTextContents()).toEqual(['no expiry']);
    expect(await view.locator('.compare-summary').textContent()).toContain('conflict: 1');
    await card.scrollIntoViewIfNeeded();
    await screenshot(usPage, 'readouts-aligned-translation');

    // The RU side is read through its translation; the point quotes the RU readout as written.
    const summary = view.locator('.joint-summary');
    await summary.locator('button[data-point="1"]').click();
    const form = summary.getByRole('form', { name: 'Propose as a summary point' });
    expect(await form.getByLabel('Proposed as').inputValue()).toBe('disputed');
    expect(await form.locator('q').allTextContents()).toEqual([
      'RU: Договорённость о прекращении огня действует до 18-го числа.',
      'US: The ceasefire arrangement has no expiry.',
    ]);
    await form
      .getByLabel('Text of the point')
      .fill('The parties differ on how long the ceasefire arrangement applies.');
    await form.getByRole('button', { name: 'Propose point' }).click();
    const usPoint = summary.locator('.summary-point[data-point="p1"]');
    await usPoint.waitFor();
    expect(await usPoint.getAttribute('data-state')).toBe('open');
    expect(await usPoint.textContent()).toContain('Waiting for: RU');
    expect(await usPoint.getByRole('button', { name: 'Sign this version' }).count()).toBe(0);

    const ruPage = await newPage();
    await signIn(ruPage, ru.url, 'ru-head');
    await ruPage.goto(`${ru.url}/app/channels/intel/briefings`);
    const ruCard = ruPage.locator(`.briefing-card[data-briefing="${briefing.id}"]`);
    await ruCard.getByRole('button', { name: 'Compare readouts side by side' }).click();
    const ruPoint = ruCard.locator('.summary-point[data-point="p1"]');
    await eventually(
      async () => {
        if ((await ruPoint.count()) > 0) return true;
        await ruPage.reload();
        await ruCard.getByRole('button', { name: 'Compare readouts side by side' }).click();
        return false;
      },
      20_000,
      'point at RU',
    );
    await ruPoint.getByRole('button', { name: 'Sign this version' }).click();
    await ruCard.locator('.summary-point[data-point="p1"][data-state="agreed"]').waitFor();
    expect(await ruCard.locator('.summary-point[data-point="p1"]').textContent()).toContain(
      'agreed by every party',
    );
    await ruCard.locator('.joint-summary').scrollIntoViewIfNeeded();
    await screenshot(ruPage, 'readouts-summary-agreed');
  });
});
