/**
 * The timeline as a duty officer reads it (issue 15, "a readable timeline", "role-aware
 * controls"): node bookkeeping hidden until asked for; filters by precedence, kind and words;
 * what arrived since the reader last looked marked, with a line and a jump to it; the composer
 * folded, and not offered to an observer. One real node process and a real Chromium.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, runBrowserTests, screenshot, signIn } from '../support/browser.js';
import { PASSWORD, api, startParty, type PartyNode } from '../support/node-process.js';

let ru: PartyNode;
let browser: Browser;

interface Entry {
  id: string;
  kind: string;
  author: string;
}

async function post(text: string, precedence = 'ROUTINE', subject?: string): Promise<Entry> {
  const posted = await api<Entry>(ru, 'ru-duty', 'POST', '/api/v1/channels/desk/entries', {
    kind: 'note',
    lang: 'en',
    precedence,
    body: { text, ...(subject ? { subject } : {}) },
  });
  expect(posted.status).toBe(201);
  return posted.body;
}

async function openDesk(page: Page): Promise<void> {
  await page.goto(`${ru.url}/app/channels/desk`);
  await page.locator('.live-indicator.on').waitFor();
}

const rows = (page: Page) => page.locator('.vlist .entry-row');

describe.runIf(runBrowserTests)('the timeline in a browser', () => {
  beforeAll(async () => {
    ru = await startParty('RU');
    const channel = await api(ru, 'admin', 'POST', '/api/v1/channels', {
      id: 'desk',
      name: 'Duty desk',
      offices: ['ru-ops'],
      languages: ['en', 'ru'],
    });
    expect(channel.status).toBe(201);
    const observer = await api(ru, 'admin', 'POST', '/api/v1/users', {
      id: 'ru-watcher',
      office: 'ru-ops',
      role: 'observer',
      title: 'Watcher',
      password: PASSWORD,
    });
    expect(observer.status).toBe(201);
    await post('Morning summary: nothing to report.', 'ROUTINE', 'Summary');
    await post('Exercise area closed from 06:00.', 'FLASH', 'Closure');
    await post('Liaison officer arrives on Tuesday.', 'PRIORITY');
    browser = await launchBrowser();
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await ru?.serve.stop();
  });

  it('hides node bookkeeping until asked, and narrows by precedence, kind and words', async () => {
    const all = (await api<{ entries: Entry[] }>(ru, 'ru-duty', 'GET', '/api/v1/channels/desk/entries')).body
      .entries;
    const system = all.filter(
      (e) => e.author === 'node' || e.kind === 'principal-key' || e.kind === 'received',
    );
    expect(system.length).toBeGreaterThan(0);
    const people = all.length - system.length;

    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await signIn(page, ru.url, 'ru-duty');
    await openDesk(page);
    await expect.poll(() => rows(page).count()).toBe(people);
    expect(await page.locator('.vlist .entry-row.kind-principal-key').count()).toBe(0);
    // The composer is folded: the timeline has the screen.
    expect(await page.locator('form.compose').isVisible()).toBe(false);
    await screenshot(page, 'timeline-filters');
    const filters = page.locator('.timeline-filters');

    await filters.getByLabel('Show node bookkeeping').check();
    await expect.poll(() => rows(page).count()).toBe(Math.min(all.length, 20));
    await filters.getByLabel('Show node bookkeeping').uncheck();

    await filters.getByLabel('At least').selectOption('FLASH');
    await expect.poll(() => rows(page).count()).toBe(1);
    expect(await rows(page).first().getAttribute('data-precedence')).toBe('FLASH');
    await filters.getByLabel('At least').selectOption('PRIORITY');
    await expect.poll(() => rows(page).count()).toBe(2);
    await page.getByRole('button', { name: /Clear filters/ }).click();

    await filters.getByLabel('Words').fill('liaison');
    await expect.poll(() => rows(page).count()).toBe(1);
    await expect.poll(() => rows(page).first().textContent()).toContain('Liaison officer');
    await filters.getByLabel('Words').fill('no such words anywhere');
    await expect.poll(() => page.getByText('No entry matches these filters.').count()).toBe(1);
    await filters.getByLabel('Words').fill('');
    await filters.getByLabel('Kind').selectOption({ label: 'Note' });
    await expect.poll(() => rows(page).count()).toBe(3);
    await page.close();
  });

  it('marks what arrived since the reader last looked, with a line under it and a jump to it', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await signIn(page, ru.url, 'ru-head');
    await openDesk(page);
    await expect.poll(() => rows(page).count()).toBeGreaterThan(0);
    // First visit: nothing is "new" yet, the reader sees everything for the first time.
    expect(await page.locator('.vlist .entry-row.is-new').count()).toBe(0);
    await page.goto(`${ru.url}/app/channels`);
    await page.locator('[data-channel="desk"]').waitFor();

    const first = await post('Second shift reports the area clear.');
    const second = await post('Night shift hands over.', 'IMMEDIATE');
    await openDesk(page);
    await expect.poll(() => page.locator('.vlist .entry-row.is-new').count()).toBe(2);
    const unreadIds = await page
      .locator('.vlist .entry-row.is-new')
      .evaluateAll((els) => els.map((el) => el.getAttribute('data-entry')));
    expect(unreadIds.sort()).toEqual([first.id, second.id].sort());
    const line = page.locator('.vlist .entry-row.first-seen');
    expect(await line.getAttribute('data-seen-line')).toBe('New since you last looked');
    const jump = page.getByRole('button', { name: /2 new · jump to where you left off/ });
    await jump.click();
    await expect.poll(() => page.locator(':focus').getAttribute('data-index')).toBe('2');
    await screenshot(page, 'timeline-new-since');

    // Looked at: on the next visit these are no longer new.
    await page.goto(`${ru.url}/app/channels`);
    await page.locator('[data-channel="desk"]').waitFor();
    await openDesk(page);
    await expect.poll(() => rows(page).count()).toBeGreaterThan(0);
    expect(await page.locator('.vlist .entry-row.is-new').count()).toBe(0);
    await page.close();
  });

  it('offers the composer to a writer, and tells an observer why there is none', async () => {
    const writer = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await signIn(writer, ru.url, 'ru-duty');
    await openDesk(writer);
    await writer.getByText('Write a note…').click();
    await writer.locator('form.compose').waitFor();
    await writer.close();

    const observer = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await signIn(observer, ru.url, 'ru-watcher');
    await openDesk(observer);
    await expect.poll(() => rows(observer).count()).toBeGreaterThan(0);
    expect(await observer.getByText('Write a note…').count()).toBe(0);
    expect(await observer.locator('form.compose').count()).toBe(0);
    expect(await observer.getByRole('note').textContent()).toContain(
      'You can read this channel but not write in it',
    );
    // The node refuses it too: the screen only says so first.
    const refused = await fetch(`${ru.url}/api/v1/channels/desk/entries`, { method: 'POST' });
    expect(refused.status).toBe(401);
    await observer.close();
  });
});
