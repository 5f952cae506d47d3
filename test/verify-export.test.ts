/**
 * A two-party export (RU and US federated over real HTTP) against the alterations a holder of
 * the file could make without any key: a removed checkpoint with the newest entries dropped,
 * one party's whole chain left out, one chain cut back to an older genuine checkpoint while the
 * other still names the removed entries, a failing signature line on a witness cosignature. And
 * the proofs: `parley prove` and the proof routes give the same RFC 9162 proofs.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCheckpoint } from '../src/core/checkpoint.js';
import { openNote } from '../src/core/signed-note.js';
import {
  checkConsistencyView,
  checkInclusionView,
  type ConsistencyProofView,
  type InclusionProofView,
} from '../src/workflows/audit/proofs.js';
import { api, eventually, runCliAsync, tempDir } from './support/node-process.js';
import { pinPeers, startInProcessParty, virtualClock, type InProcessParty } from './support/in-process.js';

type Line = Record<string, unknown> & { type: string };
interface Report {
  ok: boolean;
  failures: Array<{ entry: string; rule: string; message: string }>;
  warnings: Array<{ code: string; message: string }>;
}

const clock = virtualClock();
let ru: InProcessParty;
let us: InProcessParty;
let older: string;
let newer: string;

async function post(node: InProcessParty, text: string): Promise<{ seq: number }> {
  const user = `${node.party.toLowerCase()}-head`;
  const result = await api<{ seq: number }>(node, user, 'POST', '/api/v1/channels/intel/entries', {
    kind: 'note',
    lang: 'en',
    body: { text },
  });
  expect(result.status, JSON.stringify(result.body)).toBe(201);
  return result.body;
}

/** Waits until `node` holds `party`'s chain up to `seq`. */
async function holds(node: InProcessParty, party: string, seq: number): Promise<void> {
  await eventually(async () => ((await node.node.storage.getChainHead('intel', party))?.size ?? 0) > seq);
}

async function exportAt(node: InProcessParty, name: string): Promise<string> {
  const file = join(tempDir(), name);
  const result = await runCliAsync(['export', 'intel', '--data-dir', node.dataDir, '--out', file]);
  expect(result.status, result.stderr).toBe(0);
  return file;
}

beforeAll(async () => {
  [ru, us] = await Promise.all([startInProcessParty('RU', clock), startInProcessParty('US', clock)]);
  await pinPeers(ru, us);
  const created = await api(ru, 'admin', 'POST', '/api/v1/channels', {
    id: 'intel',
    name: 'Intelligence',
    offices: ['ru-ops'],
    peers: { US: ['us-ops'] },
    languages: ['ru', 'en'],
  });
  expect(created.status).toBe(201);
  await eventually(async () => (await api(us, 'admin', 'GET', '/api/v1/channels/intel')).status === 200);
  expect((await api(us, 'admin', 'POST', '/api/v1/channels/intel/accept')).status).toBe(200);
  await eventually(
    async () =>
      (await api<{ state: string }>(ru, 'admin', 'GET', '/api/v1/channels/intel')).body.state === 'active',
  );
  for (let i = 0; i < 3; i++) await post(ru, `RU message ${i}`);
  const usFirst = await post(us, 'US message 0');
  await holds(ru, 'US', usFirst.seq);
  await eventually(async () => (await ru.node.storage.latestCosignatures('intel', 'RU')).length > 0);
  older = await exportAt(ru, 'older.jsonl');

  // RU writes on; US sees it (its receipts and `seen` name the new RU entries) and answers.
  let last = { seq: 0 };
  for (let i = 3; i < 6; i++) last = await post(ru, `RU message ${i}`);
  await holds(us, 'RU', last.seq);
  const usLast = await post(us, 'US message 1');
  await holds(ru, 'US', usLast.seq);
  await eventually(async () => {
    const cosigned = await ru.node.storage.latestCosignatures('intel', 'RU');
    return cosigned.some((c) => c.size > last.seq);
  });
  newer = await exportAt(ru, 'newer.jsonl');
}, 120_000);

afterAll(async () => {
  await ru?.stop();
  await us?.stop();
}, 240_000);

const readLines = (file: string): Line[] =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Line);

function writeLines(lines: Line[]): string {
  const file = join(tempDir(), 'tampered.jsonl');
  writeFileSync(file, lines.map((l) => `${JSON.stringify(l)}\n`).join(''));
  return file;
}

/** The lines of one party's chain (its chain line and entries). */
function chainOf(lines: Line[], party: string): Line[] {
  const start = lines.findIndex((l) => l.type === 'chain' && l.party === party);
  let end = start + 1;
  while (end < lines.length && lines[end]!.type === 'entry') end++;
  return lines.slice(start, end);
}

function withChain(lines: Line[], party: string, replacement: Line[]): Line[] {
  const chain = chainOf(lines, party);
  const start = lines.indexOf(chain[0]!);
  return [...lines.slice(0, start), ...replacement, ...lines.slice(start + chain.length)];
}

async function verify(file: string, pinned = true) {
  const pins = pinned ? ['--pin', `RU=${ru.node.fingerprint}`, '--pin', `US=${us.node.fingerprint}`] : [];
  const result = await runCliAsync(['verify', '--file', file, '--json', ...pins]);
  return { status: result.status, report: JSON.parse(result.stdout) as Report };
}

describe('verify --file on a two-party export', () => {
  it('passes both genuine exports, which carry cosignatures, history and proofs', async () => {
    for (const file of [older, newer]) {
      const { status, report } = await verify(file);
      expect(report.failures).toEqual([]);
      expect(report.warnings).toEqual([]);
      expect(status).toBe(0);
    }
    const chain = chainOf(readLines(newer), 'RU')[0]!;
    expect((chain.cosignatures as unknown[]).length).toBeGreaterThan(0);
    const history = chain.checkpoints as Array<{ size: number }>;
    if (history.length > 1) expect((chain.consistency as unknown[]).length).toBe(history.length - 1);
  });

  it('(b) names a chain whose checkpoint was removed and whose newest entries were dropped', async () => {
    const lines = readLines(newer);
    const [chain, ...entries] = chainOf(lines, 'RU');
    const cut = entries.slice(0, -2);
    const stripped = {
      ...chain!,
      size: cut.length,
      checkpoint: '',
      cosignatures: [],
      checkpoints: [],
      consistency: [],
    };
    const { status, report } = await verify(writeLines(withChain(lines, 'RU', [stripped, ...cut])));
    expect(status).toBe(1);
    expect(report.failures).toContainEqual(
      expect.objectContaining({ entry: 'intel/RU', rule: 'checkpoint_missing' }),
    );
    expect(report.failures).toContainEqual(
      expect.objectContaining({ entry: expect.stringMatching(/^intel\/US\//), rule: 'reference_missing' }),
    );
  });

  it('(c) names a party of the signed charter whose whole chain is missing', async () => {
    const lines = withChain(readLines(newer), 'US', []);
    const header = lines[0]!;
    const { US: _dropped, ...nodeKeys } = header.nodeKeys as Record<string, string>;
    lines[0] = { ...header, nodeKeys };
    const result = await runCliAsync([
      'verify',
      '--file',
      writeLines(lines),
      '--json',
      '--pin',
      `RU=${ru.node.fingerprint}`,
    ]);
    const report = JSON.parse(result.stdout) as Report;
    expect(result.status).toBe(1);
    expect(report.failures).toContainEqual(
      expect.objectContaining({
        entry: 'intel/US',
        rule: 'chain_missing',
        message: expect.stringContaining('US'),
      }),
    );
  });

  it('(d) names references to entries removed by cutting a chain back to an older genuine checkpoint', async () => {
    const lines = withChain(readLines(newer), 'RU', chainOf(readLines(older), 'RU'));
    const { status, report } = await verify(writeLines(lines));
    expect(status).toBe(1);
    const missing = report.failures.filter((f) => f.rule === 'reference_missing');
    expect(missing.length).toBeGreaterThan(0);
    expect(missing.every((f) => f.entry.startsWith('intel/US/') && f.message.includes('intel/RU/'))).toBe(
      true,
    );
  });

  it('(e) names a failing signature line by a known key on a witness cosignature', async () => {
    const lines = readLines(newer);
    const chain = chainOf(lines, 'RU')[0]!;
    const cosignatures = chain.cosignatures as Array<{ note: string }>;
    const note = cosignatures[0]!.note;
    const genuine = note.split('\n').find((l) => l.startsWith('— parley-witness-US '))!;
    const keyId = Buffer.from(genuine.split(' ')[2]!, 'base64').subarray(0, 4);
    // A second cosignature line of the known witness key, timestamped, whose signature fails.
    const bad = Buffer.concat([keyId, Buffer.alloc(8), Buffer.alloc(64, 7)]).toString('base64');
    cosignatures[0]!.note = `${note}— parley-witness-US ${bad}\n`;
    const { status, report } = await verify(writeLines(lines));
    expect(status).toBe(1);
    expect(report.failures).toContainEqual(
      expect.objectContaining({
        entry: 'intel/RU',
        rule: 'signature_line_invalid',
        message: expect.stringContaining('parley-witness-US'),
      }),
    );
  });

  it('checks the consistency proofs between consecutive checkpoints of the history', async () => {
    const lines = readLines(newer);
    const chain = chainOf(lines, 'RU')[0]!;
    const oldChain = chainOf(readLines(older), 'RU')[0]!;
    const [oldSize, newSize] = [oldChain.size as number, chain.size as number];
    const cli = await runCliAsync([
      'prove',
      '--consistency',
      'intel/RU',
      String(oldSize),
      String(newSize),
      '--data-dir',
      ru.dataDir,
      '--json',
    ]);
    const proof = (JSON.parse(cli.stdout) as ConsistencyProofView).proof;
    chain.checkpoints = [{ size: oldSize, note: oldChain.checkpoint }, ...(chain.checkpoints as unknown[])];
    chain.consistency = [{ from: oldSize, to: newSize, proof }];
    const good = await verify(writeLines(lines));
    expect(good.report.failures).toEqual([]);

    chain.consistency = [
      { from: oldSize, to: newSize, proof: proof.map((h, i) => (i === 0 ? '00'.repeat(32) : h)) },
    ];
    const altered = await verify(writeLines(lines));
    expect(altered.status).toBe(1);
    expect(altered.report.failures).toEqual([
      expect.objectContaining({ entry: 'intel/RU', rule: 'consistency_proof_invalid' }),
    ]);

    chain.consistency = [];
    const missing = await verify(writeLines(lines));
    expect(missing.report.failures).toEqual([
      expect.objectContaining({
        rule: 'consistency_proof_invalid',
        message: expect.stringContaining('no consistency proof'),
      }),
    ]);
  });

  it('names a cosigned checkpoint that covers more entries than the export holds', async () => {
    const lines = readLines(newer);
    const [chain, ...entries] = chainOf(lines, 'RU');
    const cosigned = Math.max(...(chain!.cosignatures as Array<{ size: number }>).map((c) => c.size));
    const cut = entries.slice(0, cosigned - 1);
    // The holder drops the newest entries and swaps in the older, genuine checkpoint that covers
    // what is left, but keeps the witness's cosignature of the longer chain.
    const oldChain = chainOf(readLines(older), 'RU')[0]!;
    const replaced = {
      ...chain!,
      size: cut.length,
      checkpoint: oldChain.checkpoint,
      checkpoints: [],
      consistency: [],
    };
    expect(oldChain.size as number).toBeLessThanOrEqual(cut.length);
    const { status, report } = await verify(writeLines(withChain(lines, 'RU', [replaced, ...cut])));
    expect(status).toBe(1);
    expect(report.failures).toContainEqual(
      expect.objectContaining({ entry: 'intel/RU', rule: 'checkpoint_ahead' }),
    );
  });
});

describe('verify --file on a channel a party has not accepted yet', () => {
  it('warns that the party has no chain, and cannot tell it from a withheld one', async () => {
    const created = await api(ru, 'admin', 'POST', '/api/v1/channels', {
      id: 'pending',
      name: 'Not accepted yet',
      offices: ['ru-ops'],
      peers: { US: ['us-ops'] },
      languages: ['en'],
    });
    expect(created.status).toBe(201);
    const file = join(tempDir(), 'pending.jsonl');
    const exported = await runCliAsync(['export', 'pending', '--data-dir', ru.dataDir, '--out', file]);
    expect(exported.status, exported.stderr).toBe(0);
    const { status, report } = await verify(file);
    expect(report.failures).toEqual([]);
    expect(report.warnings).toEqual([
      expect.objectContaining({ code: 'chain_absent', message: expect.stringContaining('US') }),
    ]);
    expect(status).toBe(0);
  });
});

describe('parley prove and the proof routes', () => {
  it('proves an entry is in its chain at the latest checkpoint, by CLI and by API alike', async () => {
    const cli = await runCliAsync(['prove', 'intel/RU/2', '--data-dir', ru.dataDir, '--json']);
    expect(cli.status, cli.stderr).toBe(0);
    const proof = JSON.parse(cli.stdout) as InclusionProofView;
    expect(checkInclusionView(proof)).toBe(true);
    const checkpoint = parseCheckpoint(openNote(proof.checkpoint, []).text);
    expect(checkpoint.size).toBe(proof.size);
    expect(checkpoint.rootHash.toString('hex')).toBe(proof.rootHash);

    const viaApi = await api<InclusionProofView>(
      ru,
      'ru-head',
      'GET',
      '/api/v1/channels/intel/proofs/inclusion/RU/2',
    );
    expect(viaApi.status).toBe(200);
    if (viaApi.body.size === proof.size) expect(viaApi.body).toEqual(proof);
    expect(checkInclusionView(viaApi.body)).toBe(true);
    // US's replica of RU's chain proves the same entry at RU's checkpoint it holds.
    const atUs = await api<InclusionProofView>(
      us,
      'us-head',
      'GET',
      '/api/v1/channels/intel/proofs/inclusion/RU/2',
    );
    expect(atUs.status).toBe(200);
    expect(atUs.body.leafHash).toBe(proof.leafHash);
  });

  it('proves consistency between two sizes of a chain, by CLI and by API alike', async () => {
    const cli = await runCliAsync([
      'prove',
      '--consistency',
      'intel/RU',
      '3',
      '6',
      '--data-dir',
      ru.dataDir,
      '--json',
    ]);
    expect(cli.status, cli.stderr).toBe(0);
    const proof = JSON.parse(cli.stdout) as ConsistencyProofView;
    expect(proof).toMatchObject({ oldSize: 3, newSize: 6 });
    expect(checkConsistencyView(proof)).toBe(true);
    const viaApi = await api<ConsistencyProofView>(
      ru,
      'ru-head',
      'GET',
      '/api/v1/channels/intel/proofs/consistency/RU?old=3&new=6',
    );
    expect(viaApi.status).toBe(200);
    expect({ ...viaApi.body, checkpoint: null }).toEqual({ ...proof, checkpoint: null });
  });

  it('refuses what a caller may not read, and positions the chain does not have', async () => {
    const hidden = await api(ru, 'admin', 'GET', '/api/v1/channels/intel/proofs/inclusion/RU/2');
    expect(hidden.status).toBe(404);
    expect(hidden.body).toMatchObject({ error: { code: 'channel_not_found' } });
    const beyond = await api(ru, 'ru-head', 'GET', '/api/v1/channels/intel/proofs/inclusion/RU/100000');
    expect(beyond.status).toBe(404);
    expect(beyond.body).toMatchObject({ error: { code: 'entry_not_found' } });
    const backwards = await api(
      ru,
      'ru-head',
      'GET',
      '/api/v1/channels/intel/proofs/consistency/RU?old=5&new=3',
    );
    expect(backwards.status).toBe(400);
    const cli = await runCliAsync(['prove', 'intel/RU', '--data-dir', ru.dataDir]);
    expect(cli.status).not.toBe(0);
    expect(cli.stderr).toContain('CHANNEL/PARTY/SEQ');
  });
});
