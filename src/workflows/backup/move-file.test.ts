/**
 * The node export file on its own: what the writer writes the reader gives back (bytes, flags and
 * nulls included), and every way a file can be wrong is refused with the line and the rule.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TableRows } from '../../storage/storage.js';
import { MOVE_FORMAT, MoveFileWriter, checkMoveFile, readMoveFile, type MoveHeader } from './move-file.js';

const header: MoveHeader = {
  format: MOVE_FORMAT,
  formatVersion: 1,
  createdAt: '2026-12-01T00:00:00.000Z',
  party: 'RU',
  partyName: 'R',
  nodePublicKey: 'K'.repeat(43) + '=',
  fingerprint: 'SHA256:0000',
  source: { engine: 'sqlite', schemaVersion: 3 },
  tables: [
    { name: 'offices', columns: ['id', 'name'], rows: 2 },
    { name: 'blobs', columns: ['id', 'data', 'flag'], rows: 1 },
  ],
};

async function written(): Promise<string> {
  let text = '';
  const writer = new MoveFileWriter(async (chunk) => void (text += chunk));
  await writer.header(header);
  await writer.rows('offices', [['a', 'Alpha']]);
  await writer.rows('offices', [['b', null]]);
  await writer.rows('blobs', [[1, Buffer.from([0, 255, 7]), true]]);
  await writer.end();
  return text;
}

function file(text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'parley-move-file-')), 'node.jsonl');
  writeFileSync(path, text);
  return path;
}

describe('the node export file', () => {
  it('reads back what was written, batch by batch, and checks its hash', async () => {
    const path = file(await written());
    const state = { header: null, checked: null };
    const batches: TableRows[] = [];
    for await (const batch of readMoveFile(path, state)) batches.push(batch);
    expect(state).toMatchObject({ header, checked: { rows: 3 } });
    expect(batches).toEqual([
      { table: 'offices', rows: [['a', 'Alpha']] },
      { table: 'offices', rows: [['b', null]] },
      { table: 'blobs', rows: [[1, Buffer.from([0, 255, 7]), true]] },
    ]);
    expect((await checkMoveFile(path)).rows).toBe(3);
  });

  it('refuses another format version, an edit, a missing end, a wrong count and rows out of place', async () => {
    const text = await written();
    const lines = text.split('\n');
    const cases: Array<[string, RegExp]> = [
      [
        text.replace('"formatVersion":1', '"formatVersion":2'),
        /line 1: format version 2; this build reads version 1/,
      ],
      [text.replace('Alpha', 'Alpine'), /was changed after it was written/],
      [`${lines.slice(0, -2).join('\n')}\n`, /is truncated: it ends at line 4 without its end record/],
      [text.slice(0, -5), /is truncated: its last line is incomplete/],
      [
        text.replace('"rows":2}', '"rows":3}'),
        /was changed after it was written|offices has 2 rows, its header says 3/,
      ],
      [
        [lines[0], lines[3], lines[1], ...lines.slice(4)].join('\n'),
        /line 3: rows of table offices, which the header does not list in this place/,
      ],
      ['{"format":"something else"}\n', /line 1: not a node export/],
    ];
    for (const [bad, message] of cases) await expect(checkMoveFile(file(bad))).rejects.toThrow(message);
  });
});
