/**
 * Search in a real browser (Debian chromium) against a real `parley serve`: Ctrl+K opens the
 * switcher from any screen, Escape closes it and gives focus back, ↑/↓ and Enter open a channel
 * or a search; the search screen shows the hits of the person's channels only, the matching words
 * (in another inflection) marked, filters narrow them, a hit opens its entry; and the screen
 * speaks Russian in the Russian interface.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser, runBrowserTests, screenshot, signIn } from '../support/browser.js';
import { api, prepareNode, startServe, type Fixture, type ServeProcess } from '../support/node-process.js';

let fixture: Fixture;
let serve: ServeProcess;
let browser: Browser;
const contexts: BrowserContext[] = [];
const ids: Record<string, string> = {};

async function newPage(locale = 'en-US'): Promise<Page> {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 800 },
    locale,
    timezoneId: 'UTC',
  });
  context.setDefaultTimeout(15_000);
  contexts.push(context);
  return context.newPage();
}

async function post(user: string, channel: string, body: Record<string, unknown>): Promise<string> {
  const node = { url: serve.url, tokens: fixture.tokens };
  const answer = await api<{ id: string }>(node, user, 'POST', `/api/v1/channels/${channel}/entries`, {
    kind: 'note',
    ...body,
  });
  if (answer.status !== 201) throw new Error(JSON.stringify(answer.body));
  return answer.body.id;
}

describe.skipIf(!runBrowserTests)('search and the Ctrl+K switcher', () => {
  beforeAll(async () => {
    fixture = await prepareNode();
    serve = await startServe(fixture.dataDir);
    ids.ru = await post('svr-head', 'intel', {
      lang: 'ru',
      body: { text: 'Стороны подтвердили договорённость о прямой линии.' },
    });
    ids.flash = await post('svr-head', 'intel', {
      lang: 'en',
      precedence: 'FLASH',
      body: { text: 'Hotline negotiations resume at 06:00.' },
    });
    ids.routine = await post('svr-duty', 'intel', {
      lang: 'en',
      body: { text: 'The hotline was negotiated.' },
    });
    ids.secret = await post('pres-head', 'leaders', {
      lang: 'ru',
      body: { text: 'Договорённости президентов о hotline.' },
    });
    browser = await launchBrowser();
  }, 120_000);

  afterAll(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    await serve?.stop();
  });

  it('opens with Ctrl+K, closes with Escape, and goes to a channel with the keyboard', async () => {
    const page = await newPage();
    await signIn(page, serve.url, 'svr-head');
    const opener = page.getByRole('button', { name: 'Go to… (Ctrl+K)' });
    await opener.focus();
    await page.keyboard.press('Control+k');
    const dialog = page.getByRole('dialog', { name: 'Go to a channel or search' });
    await dialog.waitFor();
    const field = dialog.getByRole('combobox');
    expect(await field.evaluate((el) => el === el.ownerDocument.activeElement)).toBe(true);
    // Only the channels the person may read are offered.
    await expect.poll(() => dialog.getByRole('option').allTextContents()).toEqual(['Intelligence intel']);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    expect(await opener.evaluate((el) => el === el.ownerDocument.activeElement)).toBe(true);

    await page.keyboard.press('Control+k');
    await field.fill('intel');
    const options = dialog.getByRole('option');
    await expect.poll(() => options.count()).toBe(2);
    expect(await options.nth(0).getAttribute('aria-selected')).toBe('true');
    await page.keyboard.press('ArrowDown');
    expect(await options.nth(1).getAttribute('aria-selected')).toBe('true');
    expect(await options.nth(1).textContent()).toContain('Search all my channels for');
    await page.keyboard.press('ArrowUp');
    await screenshot(page, 'search-switcher');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/app\/channels\/intel$/);
    await dialog.waitFor({ state: 'detached' });
  });

  it('searches from the switcher: another inflection found and marked, unreadable channels never', async () => {
    const page = await newPage();
    await signIn(page, serve.url, 'svr-head');
    await page.keyboard.press('Control+k');
    await page.getByRole('dialog').getByRole('combobox').fill('договорённости');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/app\/search\?q=/);
    const hits = page.getByRole('list', { name: 'Results' }).getByRole('listitem');
    await expect.poll(() => hits.count()).toBe(1);
    expect(await hits.first().locator('mark').allTextContents()).toEqual(['договорённость']);
    expect(await page.locator('main').textContent()).not.toContain('президентов');
    await screenshot(page, 'search-results');

    await hits.first().getByRole('link').click();
    const [, party, seq] = ids.ru!.split('/');
    await page.waitForURL(new RegExp(`/app/channels/intel/entries/${party}/${seq}$`));
  });

  it('narrows with the filters and pages', async () => {
    const page = await newPage();
    await signIn(page, serve.url, 'svr-head');
    await page.getByRole('link', { name: 'Search' }).click();
    await page.getByRole('heading', { name: 'Search', level: 1 }).waitFor();
    await page.getByLabel('Words').fill('negotiation hotline');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    const hits = page.getByRole('list', { name: 'Results' }).getByRole('listitem');
    await expect.poll(() => hits.count()).toBe(2);
    expect(await hits.first().textContent()).toContain('svr-duty');

    await page.getByLabel('Precedence').selectOption('FLASH');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await expect.poll(() => hits.count()).toBe(1);
    expect(await hits.first().textContent()).toContain('FLASH');
    expect(await hits.first().locator('mark').allTextContents()).toEqual(['Hotline', 'negotiations']);

    await page.getByLabel('Precedence').selectOption('');
    await page.getByLabel('From (date)').fill('2000-01-01');
    await page.getByLabel('Before (date)').fill('2000-01-02');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.getByText('Nothing found in the channels you may read.').waitFor();
  });

  it('speaks Russian in the Russian interface', async () => {
    const page = await newPage('ru-RU');
    await signIn(page, serve.url, 'pres-head');
    await page.getByRole('link', { name: 'Поиск' }).click();
    await page.getByRole('heading', { name: 'Поиск', level: 1 }).waitFor();
    await page.getByLabel('Слова').fill('договорённость');
    await page.getByRole('button', { name: 'Найти' }).click();
    const hits = page.getByRole('list', { name: 'Результаты' }).getByRole('listitem');
    await expect.poll(() => hits.count()).toBe(1);
    expect(await hits.first().textContent()).toContain('Записка');
    expect(await hits.first().locator('mark').allTextContents()).toEqual(['Договорённости']);
    await page.keyboard.press('Control+k');
    await page.getByRole('dialog', { name: 'Перейти к каналу или искать' }).waitFor();
    await page.keyboard.press('Escape');
    await screenshot(page, 'search-results-ru');
  });
});
