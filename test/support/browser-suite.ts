/**
 * The frame of a browser test file: one prepareNode node served by `parley serve` and a browser
 * on it (browserSuite), or two federated party nodes and a browser on both
 * (federatedBrowserSuite), started before the file's tests and closed after them, and a fresh
 * page per test (its own context, newTestPage) so that no session or storage leaks between tests.
 * Call it at the top of the file's `describe`.
 */
import { afterAll, beforeAll } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser, newTestPage, signIn } from './browser.js';
import {
  openChannel,
  peerUp,
  prepareNode,
  startParty,
  startServe,
  type Fixture,
  type PartyNode,
  type ServeProcess,
} from './node-process.js';

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

export interface FederatedBrowserSuite {
  /** RU's node process (set once the suite started). */
  readonly ru: PartyNode;
  /** US's node process (set once the suite started). */
  readonly us: PartyNode;
  /** A fresh page in a context of its own (1280x800 unless told). */
  newPage(viewport?: { width: number; height: number }): Promise<Page>;
}

/**
 * The frame of a browser test file across two federated node processes, RU and US (link tests
 * every second), each pinning the other, channel `intel` open between them, and a browser on
 * both; started before the file's tests (then `prepare`, if given) and closed after them.
 */
export function federatedBrowserSuite(
  prepare?: (suite: FederatedBrowserSuite) => Promise<void>,
): FederatedBrowserSuite {
  let nodes: [PartyNode, PartyNode] | undefined;
  let browser: Browser | undefined;
  const contexts: BrowserContext[] = [];
  const started = () => {
    if (!nodes) throw new Error('the federated browser suite has not started');
    return nodes;
  };
  const suite: FederatedBrowserSuite = {
    get ru() {
      return started()[0];
    },
    get us() {
      return started()[1];
    },
    newPage(viewport) {
      if (!browser) throw new Error('the federated browser suite has not started');
      return newTestPage(browser, contexts, viewport);
    },
  };
  beforeAll(async () => {
    nodes = await Promise.all([
      startParty('RU', {}, ['--heartbeat-seconds', '1']),
      startParty('US', {}, ['--heartbeat-seconds', '1']),
    ]);
    peerUp(...nodes);
    await openChannel(...nodes);
    browser = await launchBrowser();
    await prepare?.(suite);
  }, 240_000);
  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
    await Promise.all(nodes?.map((node) => node.serve.stop()) ?? []);
  });
  return suite;
}

/** A page each for RU's and US's duty officers, signed in on their own nodes. */
export async function dutyOfficerPages(suite: FederatedBrowserSuite): Promise<[Page, Page]> {
  const pages = await Promise.all([suite.newPage(), suite.newPage()]);
  await Promise.all([signIn(pages[0], suite.ru.url, 'ru-duty'), signIn(pages[1], suite.us.url, 'us-duty')]);
  return pages;
}
