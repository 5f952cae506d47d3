/**
 * Plain words for every kind (issue 15): each kind the node knows (workflows/all-kinds.ts) has a
 * name in the web interface's message table, so neither language shows a raw kind such as
 * `clarification-request` in the timeline filter, search or "What I owe". The table's type
 * (defineMessages) already requires Russian to have every English key; this checks the kinds.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ALL_KINDS } from '../src/workflows/all-kinds.js';

const table = readFileSync(join(import.meta.dirname, '..', 'web', 'src', 'lib', 'messages.ts'), 'utf8');

describe('kind names in the web interface', () => {
  it('names every kind the node knows, in English and in Russian', () => {
    const kinds = ALL_KINDS.list().map((k) => k.name);
    expect(kinds.length).toBeGreaterThan(30);
    const named = (kind: string) => table.split(`'kind:${kind}':`).length - 1;
    // Once in the English table and once in the Russian one.
    expect(kinds.filter((kind) => named(kind) !== 2)).toEqual([]);
    const russian = table.slice(table.lastIndexOf("'kind:note':"));
    for (const kind of kinds) {
      const label = new RegExp(`'kind:${kind}': '([^']*)'`).exec(russian)?.[1] ?? '';
      expect(label, kind).toMatch(/[а-яё]/i);
    }
  });
});
