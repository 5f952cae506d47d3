/**
 * The frame of a browser test file: one prepareNode node served by `parley serve` and a browser
 * on it, started before the file's tests and closed after them, and a fresh page per test (its
 * own context, newTestPage) so that no session or storage leaks between tests.
 * Call it at the top of the file's `describe`.
 */
import { afterAll, beforeAll } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser, newTestPage } from './browser.js';
import { prepareNode, startServe, type Fixture, type ServeProcess } from './node-process.js';

export interface BrowserSuite {
  /** The served node's data and its people's tokens (set once the suite started). */
  readonly fixture: Fixture;
  /** Where the node serves its API and web app. */
  readonly url: string;
  newPage(): Promise<Page>;
}

/** Starts the node and the browser before the tests (after `prepare`, if given) and closes both after. */
export function browserSuite(prepare?: (suite: BrowserSuite) => Promise<void>): BrowserSuite {
  let fixture: Fixture | undefined;
  let serve: ServeProcess | undefined;
  let browser: Browser | undefined;
  const contexts: BrowserContext[] = [];
  const suite: BrowserSuite = {
    get fixture() {
      if (!fixture) throw new Error('the browser suite has not started');
      return fixture;
    },
    get url() {
      if (!serve) throw new Error('the browser suite has not started');
      return serve.url;
    },
    newPage() {
      if (!browser) throw new Error('the browser suite has not started');
      return newTestPage(browser, contexts);
    },
  };
  beforeAll(async () => {
    fixture = await prepareNode();
    serve = await startServe(fixture.dataDir);
    browser = await launchBrowser();
    await prepare?.(suite);
  }, 240_000);
  afterAll(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    await serve?.stop();
  });
  return suite;
}
