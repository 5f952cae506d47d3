/**
 * Accessibility of every screen (issue 15, "accessibility in CI"): axe-core (through
 * @axe-core/playwright, WCAG 2.1 A and AA rules) on each screen of the console, at 1280 and
 * 400 px wide, in English and in Russian, with no serious or critical violation; and on each,
 * plain words: none of the log's notations (clock stamps, ISO durations, JSON, `name@version`).
 * One real node process with a channel that has entries, a real Chromium.
 */
import { AxeBuilder } from '@axe-core/playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, runBrowserTests, signIn } from '../support/browser.js';
import { api, startParty, type PartyNode } from '../support/node-process.js';

let ru: PartyNode;
let browser: Browser;

/** Each screen a head sees, then the ones only an administrator sees. */
const HEAD_SCREENS = [
  '/app/channels',
  '/app/channels/desk',
  '/app/channels/desk/clarifications',
  '/app/channels/desk/statements',
  '/app/channels/desk/glossary',
  '/app/channels/desk/notify',
  '/app/channels/desk/briefings',
  '/app/channels/desk/invitations',
  '/app/channels/desk/commitments',
  '/app/channels/desk/charter',
  '/app/obligations',
  '/app/cadence',
  '/app/peers',
  '/app/passkeys',
  '/app/account',
  // Search with hits (words highlighted), and the entry inspector opened on the FLASH note.
  '/app/search?q=exercise',
];
const ADMIN_SCREENS = ['/app/admin', '/app/admin/audit'];

/** What a person should never have to read: the log's own notations. */
const DEVELOPER_TEXT: ReadonlyArray<readonly [string, RegExp]> = [
  ['clock stamp', /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z\/\d{6}/],
  ['ISO 8601 duration', /\bP(T?\d+[YMWDHS])+\b/],
  ['JSON', /\{"[a-zA-Z]+":/],
  ['template id', /\b[a-z][a-z0-9-]*@\d+\b/],
];

interface Finding {
  screen: string;
  width: number;
  locale: string;
  rule: string;
  impact: string;
  targets: string;
}

async function audit(
  page: Page,
  screen: string,
  width: number,
  locale: string,
  open?: (page: Page) => Promise<void>,
): Promise<Finding[]> {
  await page.goto(`${ru.url}${screen}`);
  await page.locator('main').waitFor();
  // Let the screen load its data (no spinner left) before it is judged.
  await expect.poll(() => page.locator('[aria-busy="true"], .loading').count(), { timeout: 15_000 }).toBe(0);
  await open?.(page);
  // Plain words (issue 15): no clock stamp, ISO 8601 duration, JSON or `name@version` on screen.
  const shown = await page.locator('main').innerText();
  const developerText = DEVELOPER_TEXT.flatMap(([name, pattern]) => {
    const found = pattern.exec(shown);
    return found
      ? [{ screen, width, locale, rule: `developer-text: ${name}`, impact: 'plain words', targets: found[0] }]
      : [];
  });
  const result = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  const violations = result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({
      screen,
      width,
      locale,
      rule: v.id,
      impact: v.impact ?? '',
      targets: v.nodes.map((n) => n.target.join(' ')).join(', '),
    }));
  return [...violations, ...developerText];
}

async function auditAll(user: string, screens: string[]): Promise<Finding[]> {
  const findings: Finding[] = [];
  for (const width of [1280, 400]) {
    const context = await browser.newContext({ viewport: { width, height: 800 } });
    const page = await context.newPage();
    await signIn(page, ru.url, user);
    for (const locale of ['en', 'ru']) {
      await page.evaluate(`localStorage.setItem('parley.locale', '${locale}')`);
      for (const screen of screens) findings.push(...(await audit(page, screen, width, locale)));
    }
    await context.close();
  }
  return findings;
}

describe.runIf(runBrowserTests)('accessibility of every screen', () => {
  beforeAll(async () => {
    ru = await startParty('RU');
    const channel = await api(ru, 'admin', 'POST', '/api/v1/channels', {
      id: 'desk',
      name: 'Duty desk',
      offices: ['ru-ops'],
      languages: ['en', 'ru'],
    });
    expect(channel.status).toBe(201);
    for (const [text, precedence] of [
      ['Morning summary: nothing to report.', 'ROUTINE'],
      ['Exercise area closed from 06:00.', 'FLASH'],
    ] as const) {
      const posted = await api(ru, 'ru-duty', 'POST', '/api/v1/channels/desk/entries', {
        kind: 'note',
        lang: 'en',
        precedence,
        body: { subject: 'Desk', text },
      });
      expect(posted.status).toBe(201);
      HEAD_SCREENS.push(`/app/channels/desk/entries/RU/${(posted.body as { seq: number }).seq}`);
    }
    browser = await launchBrowser();
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await ru?.serve.stop();
  });

  it('has no serious or critical violation on the sign-in screen, in either language and width', async () => {
    const findings: Finding[] = [];
    for (const width of [1280, 400]) {
      const context = await browser.newContext({ viewport: { width, height: 800 } });
      const page = await context.newPage();
      for (const locale of ['en', 'ru']) {
        await page.goto(`${ru.url}/`);
        await page.evaluate(`localStorage.setItem('parley.locale', '${locale}')`);
        findings.push(...(await audit(page, '/', width, locale)));
      }
      await context.close();
    }
    expect(findings).toEqual([]);
  });

  it("has none on a head's screens, channel tabs included", async () => {
    expect(await auditAll('ru-head', HEAD_SCREENS)).toEqual([]);
  }, 420_000);

  it('has none in the Ctrl+K channel switcher, open over a screen', async () => {
    const findings: Finding[] = [];
    for (const width of [1280, 400]) {
      const context = await browser.newContext({ viewport: { width, height: 800 } });
      const page = await context.newPage();
      await signIn(page, ru.url, 'ru-head');
      for (const locale of ['en', 'ru']) {
        await page.evaluate(`localStorage.setItem('parley.locale', '${locale}')`);
        findings.push(
          ...(await audit(page, '/app/channels', width, locale, async (p) => {
            // Pressed again until the app has its key handler (it attaches once signed in).
            await expect
              .poll(
                async () => {
                  await p.keyboard.press('Control+k');
                  return p.locator('[role="dialog"]').isVisible();
                },
                { timeout: 10_000 },
              )
              .toBe(true);
          })),
        );
      }
      await context.close();
    }
    expect(findings).toEqual([]);
  }, 120_000);

  it("has none on an administrator's screens", async () => {
    expect(await auditAll('admin', ADMIN_SCREENS)).toEqual([]);
  }, 120_000);
});
