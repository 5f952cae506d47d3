/**
 * `parley verify` and `parley export` against tampering: a changed byte, a changed signature,
 * a deleted entry in the middle or at the end of a chain, and a tampered export file. Each must
 * fail with a non-zero exit status and name the entry and the rule.
 */
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openNode } from '../src/workflows/open-node.js';
import { databasePath } from '../src/node/data-dir.js';
import { prepareNode, runCli, tempDir } from './support/node-process.js';
import { postEntry } from '../src/workflows/entries/commands.js';
import { unlockedActor } from './support/unlocked.js';

let dataDir: string;
let lastSeq: number;
/** A closed node with 20 notes, written once; each test tampers with a copy of it. */
let template: string;

beforeAll(async () => {
  ({ dataDir: template } = await prepareNode());
  const node = await openNode(template);
  const head = await unlockedActor(node.storage, 'svr-head');
  for (let i = 0; i < 20; i += 1) {
    const entry = await postEntry(node, head, 'intel', {
      kind: 'note',
      lang: 'en',
      body: { text: `message number ${i}` },
    });
    lastSeq = entry.seq;
  }
  await node.close();
});

beforeEach(() => {
  // A fresh owner-only directory (mkdtemp) holding a byte copy of the template node.
  dataDir = tempDir();
  cpSync(template, dataDir, { recursive: true });
});

function tamper(sql: string, ...params: unknown[]): void {
  const db = new Database(databasePath(dataDir));
  db.prepare(sql).run(...params);
  db.close();
}

function verify(...args: string[]) {
  const result = runCli(['verify', '--data-dir', dataDir, '--json', ...args]);
  return {
    status: result.status,
    report: JSON.parse(result.stdout) as {
      ok: boolean;
      entries: number;
      failures: Array<{ entry: string; rule: string; message: string }>;
    },
  };
}

describe('parley verify on a node', () => {
  it('passes on an untouched store', () => {
    const { status, report } = verify();
    expect(status).toBe(0);
    expect(report.ok).toBe(true);
    expect(report.entries).toBeGreaterThan(20);
  });

  it('names the entry whose text changed by one byte', () => {
    tamper(
      "UPDATE entries SET canonical = replace(canonical, 'message number 7', 'message number 8') WHERE channel = 'intel' AND seq = ?",
      lastSeq - 12,
    );
    const { status, report } = verify();
    expect(status).toBe(1);
    expect(report.failures).toContainEqual(
      expect.objectContaining({ entry: `intel/RU/${lastSeq - 12}`, rule: 'hash_mismatch' }),
    );
    expect(report.failures).toContainEqual(
      expect.objectContaining({ entry: `intel/RU/${lastSeq - 12}`, rule: 'signature_invalid' }),
    );
  });

  it('names the entry whose text and hash were both rewritten', async () => {
    const { sha256Hex } = await import('../src/core/hash.js');
    const db = new Database(databasePath(dataDir));
    const row = db
      .prepare("SELECT canonical FROM entries WHERE channel = 'intel' AND seq = ?")
      .get(lastSeq - 3) as { canonical: string };
    const forged = row.canonical.replace('message number 16', 'message number 61');
    db.prepare("UPDATE entries SET canonical = ?, hash = ? WHERE channel = 'intel' AND seq = ?").run(
      forged,
      sha256Hex(forged),
      lastSeq - 3,
    );
    db.close();
    const { status, report } = verify();
    expect(status).toBe(1);
    expect(report.failures).toContainEqual(
      expect.objectContaining({ entry: `intel/RU/${lastSeq - 3}`, rule: 'signature_invalid' }),
    );
    expect(report.failures).toContainEqual(
      expect.objectContaining({ entry: `intel/RU/${lastSeq - 2}`, rule: 'chain_link_broken' }),
    );
  });

  it('names a forged signature', () => {
    tamper(
      "UPDATE entries SET sig = ? WHERE channel = 'intel' AND seq = ?",
      Buffer.alloc(64, 1).toString('base64'),
      lastSeq - 5,
    );
    const { status, report } = verify();
    expect(status).toBe(1);
    expect(report.failures).toEqual([
      expect.objectContaining({ entry: `intel/RU/${lastSeq - 5}`, rule: 'signature_invalid' }),
    ]);
  });

  it('names forged signatures in a chain long enough to be checked page by page in parallel', async () => {
    // Past one page (5,000 entries): each page's signatures are checked on the worker pool while
    // the page before it goes through the other rules (workflows/audit/verify.ts).
    const node = await openNode(dataDir);
    const head = await unlockedActor(node.storage, 'svr-head');
    const draft = (i: number) => ({
      channel: 'intel',
      kind: 'note',
      precedence: 'ROUTINE' as const,
      lang: 'en',
      body: { text: `bulk note ${i}` },
      author: head.id,
      authorKey: head.publicKey,
      signingKey: head.privateKey,
    });
    for (let batch = 0; batch < 11; batch += 1) {
      await node.appender.append(Array.from({ length: 1000 }, (_, i) => draft(batch * 1000 + i)));
    }
    const last = (await node.storage.getChainHead('intel', 'RU'))!.size - 1;
    await node.close();
    expect(verify().status).toBe(0);
    // Another entry's valid signature in the second page; a wrong one in the last.
    const sigOf = (seq: number): string => {
      const db = new Database(databasePath(dataDir), { readonly: true });
      try {
        const row = db.prepare("SELECT sig FROM entries WHERE channel = 'intel' AND seq = ?").get(seq);
        return (row as { sig: string }).sig;
      } finally {
        db.close();
      }
    };
    tamper("UPDATE entries SET sig = ? WHERE channel = 'intel' AND seq = ?", sigOf(7001), 7000);
    tamper(
      "UPDATE entries SET sig = ? WHERE channel = 'intel' AND seq = ?",
      Buffer.alloc(64, 1).toString('base64'),
      last,
    );
    const { status, report } = verify();
    expect(status).toBe(1);
    expect(report.entries).toBeGreaterThan(11_000);
    expect(report.failures).toEqual([
      expect.objectContaining({ entry: 'intel/RU/7000', rule: 'signature_invalid' }),
      expect.objectContaining({ entry: `intel/RU/${last}`, rule: 'signature_invalid' }),
    ]);
  });

  it('names the gap left by a deleted entry', () => {
    tamper("DELETE FROM entries WHERE channel = 'intel' AND seq = ?", lastSeq - 10);
    const { status, report } = verify();
    expect(status).toBe(1);
    expect(report.failures).toContainEqual(
      expect.objectContaining({
        entry: `intel/RU/${lastSeq - 9}`,
        rule: 'seq_gap',
        message: expect.stringContaining(`${lastSeq - 10}`),
      }),
    );
  });

  it('names a second, failing signature line by the node key on the stored checkpoint', () => {
    const db = new Database(databasePath(dataDir));
    const { checkpoint } = db
      .prepare("SELECT checkpoint FROM chain_heads WHERE channel = 'intel' AND party = 'RU'")
      .get() as { checkpoint: string };
    const genuine = checkpoint.split('\n').find((l) => l.startsWith('— parley-node-RU '))!;
    const keyId = Buffer.from(genuine.split(' ')[2]!, 'base64').subarray(0, 4);
    const forged = `— parley-node-RU ${Buffer.concat([keyId, Buffer.alloc(64, 9)]).toString('base64')}\n`;
    db.prepare("UPDATE chain_heads SET checkpoint = ? WHERE channel = 'intel' AND party = 'RU'").run(
      checkpoint + forged,
    );
    db.close();
    const { status, report } = verify();
    expect(status).toBe(1);
    expect(report.failures).toEqual([
      expect.objectContaining({ entry: 'intel/RU', rule: 'signature_line_invalid' }),
    ]);
  });

  it('detects the deletion of the newest entries through the signed checkpoint', () => {
    tamper("DELETE FROM entries WHERE channel = 'intel' AND seq >= ?", lastSeq - 1);
    const { status, report } = verify();
    expect(status).toBe(1);
    expect(report.failures).toEqual([
      expect.objectContaining({
        entry: 'intel/RU',
        rule: 'checkpoint_invalid',
        message: expect.stringContaining('missing'),
      }),
    ]);
  });
});

describe('parley export and verify --file', () => {
  it('exports a channel that verifies offline, and fails when the file is tampered with', () => {
    const file = join(tempDir(), 'intel.parley.jsonl');
    const exported = runCli(['export', 'intel', '--data-dir', dataDir, '--out', file, '--json']);
    expect(exported.status).toBe(0);
    expect(JSON.parse(exported.stdout)).toMatchObject({ channel: 'intel', entries: lastSeq + 1 });

    const good = runCli(['verify', '--file', file]);
    expect(good.status).toBe(0);
    expect(good.stdout).toMatch(/^OK: 2\d entries in 1 chain/);

    const lines = readFileSync(file, 'utf8').split('\n');
    const index = lines.findIndex((l) => l.includes('message number 4'));
    lines[index] = lines[index]!.replace('message number 4', 'message number 5');
    writeFileSync(file, lines.join('\n'));
    const bad = runCli(['verify', '--file', file]);
    expect(bad.status).toBe(1);
    expect(bad.stdout).toContain('FAILED');
    expect(bad.stdout).toMatch(/intel\/RU\/\d+: hash_mismatch/);
  });

  it('refuses a file that is not an export', () => {
    const file = join(tempDir(), 'not-an-export.jsonl');
    writeFileSync(file, 'hello\n');
    const result = runCli(['verify', '--file', file]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('not a JSON line');
  });
});
