/**
 * Notes in channel `intel` as the console's browser tests write and read them: written through
 * the timeline's compose form, and a party's notes read back over a node's API.
 */
import type { Page } from 'playwright-core';
import { openComposer } from './browser.js';
import { api, type PartyNode } from './node-process.js';

export interface Entry {
  id: string;
  party: string;
  seq: number;
  kind: string;
  author: string;
  hash: string;
  body: Record<string, unknown>;
  marking?: string;
}

/** The notes of `party` in channel `intel`, oldest first, as `user` reads them at `node`. */
export async function notesOf(node: PartyNode, user: string, party: string): Promise<Entry[]> {
  const result = await api<{ entries: Entry[] }>(
    node,
    user,
    'GET',
    '/api/v1/channels/intel/entries?limit=1000',
  );
  return result.body.entries.filter((e) => e.kind === 'note' && e.party === party);
}

/** Fills the compose form of the open timeline and sends the note. */
export async function compose(
  page: Page,
  note: { text: string; subject?: string; precedence?: string; lang?: string; marking?: string },
): Promise<void> {
  await openComposer(page);
  await page.getByLabel('Precedence').selectOption(note.precedence ?? 'ROUTINE');
  if (note.lang) await page.getByLabel('Language of the text').selectOption(note.lang);
  await page.getByLabel('Marking').selectOption(note.marking ?? '');
  await page.getByLabel('Subject (optional)').fill(note.subject ?? '');
  await page.getByLabel('Text', { exact: true }).fill(note.text);
  await page.getByRole('button', { name: /^Send/ }).click();
}
