/**
 * `parley verify --file` with pinned node keys, on one node's export: a chain re-signed with
 * other keys passes on its own word but fails against a pin; pins come from `--pin` or a trust
 * file; `--require-pins` refuses an unpinned audit; an entry with a field outside the envelope
 * fails even when re-signed with the genuine node key; a checkpoint with a second, failing
 * signature line by a known key fails.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { canonicalize } from '../src/core/canonical-json.js';
import { signChainCheckpoint } from '../src/core/chain-checkpoint.js';
import { signEntry, type EntryContent } from '../src/core/entry.js';
import { fingerprint, generateKeyPair, publicKeyOf } from '../src/core/keys.js';
import { leafHash, rootFromLeafHashes } from '../src/core/merkle.js';
import { readNodeKey } from '../src/node/data-dir.js';
import { openNode } from '../src/workflows/open-node.js';
import { prepareNode, runCli, tempDir } from './support/node-process.js';
import { postEntry } from '../src/workflows/entries/commands.js';
import { unlockedActor } from './support/unlocked.js';

type Line = Record<string, unknown> & { type: string };
interface Report {
  ok: boolean;
  format: string;
  failures: Array<{ entry: string; rule: string; message: string }>;
  warnings: Array<{ code: string; message: string }>;
  pins: { pinned: string[]; unpinned: string[] };
}

let dataDir: string;
let exported: string;
let ruFingerprint: string;

beforeAll(async () => {
  ({ dataDir } = await prepareNode());
  const node = await openNode(dataDir);
  const head = await unlockedActor(node.storage, 'svr-head');
  for (let i = 0; i < 5; i += 1) {
    await postEntry(node, head, 'intel', { kind: 'note', lang: 'en', body: { text: `message ${i}` } });
  }
  ruFingerprint = node.fingerprint;
  await node.close();
  exported = join(tempDir(), 'intel.jsonl');
  expect(runCli(['export', 'intel', '--data-dir', dataDir, '--out', exported]).status).toBe(0);
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

function verify(file: string, ...args: string[]) {
  const result = runCli(['verify', '--file', file, '--json', ...args]);
  return { status: result.status, stderr: result.stderr, report: JSON.parse(result.stdout) as Report };
}

/**
 * Re-signs RU's whole chain as an operator holding `nodePrivateKey` could: fresh keys for every
 * principal, published by that node key, every link and the checkpoint recomputed. `mutate` may
 * change an entry's signed object first.
 */
function resign(
  lines: Line[],
  nodePrivateKey: string,
  mutate: (c: Record<string, unknown>) => void = () => {},
) {
  const nodePublicKey = publicKeyOf(nodePrivateKey);
  const principals = new Map<string, { publicKey: string; privateKey: string }>();
  const keyOf = (principal: string) => {
    if (!principals.has(principal)) principals.set(principal, generateKeyPair());
    return principals.get(principal)!;
  };
  let prev: string | null = null;
  const leaves: Buffer[] = [];
  const out: Line[] = [];
  for (const line of lines) {
    if (line.type === 'header') {
      out.push({ ...line, nodeKeys: { ...(line.nodeKeys as object), RU: nodePublicKey } });
      continue;
    }
    if (line.type !== 'entry') {
      out.push(line);
      continue;
    }
    const content = JSON.parse(line.canonical as string) as Record<string, unknown> & {
      body: Record<string, unknown>;
    };
    content.prev = prev;
    if (typeof content.body.nodeKey === 'string') content.body.nodeKey = nodePublicKey;
    if (content.kind === 'principal-key')
      content.body.publicKey = keyOf(content.body.principal as string).publicKey;
    const signer = content.author === 'node' ? nodePrivateKey : keyOf(content.author as string).privateKey;
    content.authorKey = content.author === 'node' ? nodePublicKey : keyOf(content.author as string).publicKey;
    mutate(content);
    const signed = signEntry(JSON.parse(canonicalize(content)) as EntryContent, signer);
    prev = signed.hash;
    leaves.push(leafHash(signed.canonical));
    out.push({ ...line, canonical: signed.canonical, hash: signed.hash, sig: signed.sig });
  }
  const note = signChainCheckpoint('intel', 'RU', leaves.length, rootFromLeafHashes(leaves), nodePrivateKey);
  const chain = out.find((l) => l.type === 'chain')!;
  Object.assign(chain, {
    checkpoint: note,
    checkpoints: [{ size: leaves.length, note }],
    cosignatures: [],
    consistency: [],
  });
  return out;
}

describe('verify --file and pinned keys', () => {
  it('passes a genuine export with its key pinned, and says loudly when it is not', () => {
    const pinned = verify(exported, '--pin', `RU=${ruFingerprint}`);
    expect(pinned.status).toBe(0);
    expect(pinned.report).toMatchObject({
      ok: true,
      format: 'parley-export/2',
      pins: { pinned: ['RU'], unpinned: [] },
    });
    expect(pinned.report.warnings).toEqual([]);

    const unpinned = verify(exported);
    expect(unpinned.status).toBe(0);
    expect(unpinned.report.warnings).toContainEqual(expect.objectContaining({ code: 'keys_not_pinned' }));
    expect(unpinned.stderr).toContain('NOT PINNED for RU');
    const text = runCli(['verify', '--file', exported]);
    expect(text.stdout).toMatch(/^OK: /);
    expect(text.stdout).toContain('WARNING: keys_not_pinned');
  });

  it('fails an unpinned audit under --require-pins', () => {
    const { status, report } = verify(exported, '--require-pins');
    expect(status).toBe(1);
    expect(report.failures).toEqual([expect.objectContaining({ entry: 'intel/RU', rule: 'key_not_pinned' })]);
  });

  it('reads pins from a trust file, and names the party whose pin does not match', () => {
    const trust = join(tempDir(), 'trust.txt');
    writeFileSync(
      trust,
      `# fingerprints exchanged at the signing ceremony\n\nRU ${ruFingerprint.toUpperCase().replace('SHA256', 'sha256')}\n`,
    );
    expect(verify(exported, '--trust', trust, '--require-pins').status).toBe(0);

    const other = fingerprint(generateKeyPair().publicKey);
    writeFileSync(trust, `RU ${other}\n`);
    const { status, report } = verify(exported, '--trust', trust);
    expect(status).toBe(1);
    expect(report.failures).toEqual([
      expect.objectContaining({
        entry: 'intel/RU',
        rule: 'pin_mismatch',
        message: expect.stringContaining(other),
      }),
    ]);

    writeFileSync(trust, 'RU not-a-fingerprint\n');
    const bad = runCli(['verify', '--file', exported, '--trust', trust]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain(`${trust}:1`);
  });

  it('(a) a chain re-signed with other keys agrees with itself, but not with the pin', () => {
    const file = writeLines(resign(readLines(exported), generateKeyPair().privateKey));
    const alone = verify(file);
    expect(alone.report.failures).toEqual([]);
    expect(alone.report.warnings).toContainEqual(expect.objectContaining({ code: 'keys_not_pinned' }));

    const { status, report } = verify(file, '--pin', `RU=${ruFingerprint}`);
    expect(status).toBe(1);
    expect(report.failures).toEqual([
      expect.objectContaining({
        entry: 'intel/RU',
        rule: 'pin_mismatch',
        message: expect.stringContaining('RU'),
      }),
    ]);
  });

  it('(f) names a field outside the envelope, even on an entry signed with the genuine node key', () => {
    const nodeKey = readNodeKey(dataDir);
    const control = verify(writeLines(resign(readLines(exported), nodeKey)), '--pin', `RU=${ruFingerprint}`);
    expect(control.report.failures).toEqual([]);

    const lines = readLines(exported);
    const target = lines.filter((l) => l.type === 'entry').at(-1)!.seq as number;
    const file = writeLines(
      resign(lines, nodeKey, (content) => {
        if (content.seq === target) content.comment = 'added later';
      }),
    );
    const { status, report } = verify(file, '--pin', `RU=${ruFingerprint}`);
    expect(status).toBe(1);
    expect(report.failures).toEqual([
      expect.objectContaining({
        entry: `intel/RU/${target}`,
        rule: 'envelope_field_unknown',
        message: expect.stringContaining('comment'),
      }),
    ]);
  });

  it('(e) names a second, failing signature line by a known key on the checkpoint', () => {
    const lines = readLines(exported);
    const chain = lines.find((l) => l.type === 'chain')!;
    const note = chain.checkpoint as string;
    // The genuine line's key ID with a signature of zeros: the key is known, the signature fails.
    const genuine = note.split('\n').find((l) => l.startsWith('— parley-node-RU '))!;
    const keyId = Buffer.from(genuine.split(' ')[2]!, 'base64').subarray(0, 4);
    const forged = `— parley-node-RU ${Buffer.concat([keyId, Buffer.alloc(64)]).toString('base64')}\n`;
    chain.checkpoint = note + forged;
    chain.checkpoints = [{ size: chain.size, note: chain.checkpoint }];
    const { status, report } = verify(writeLines(lines), '--pin', `RU=${ruFingerprint}`);
    expect(status).toBe(1);
    expect(report.failures).toContainEqual(
      expect.objectContaining({
        entry: 'intel/RU',
        rule: 'signature_line_invalid',
        message: expect.stringContaining('parley-node-RU'),
      }),
    );
  });

  it('names export lines with fields outside the layout', () => {
    const lines = readLines(exported);
    const entry = lines.find((l) => l.type === 'entry')!;
    entry.note = 'unsigned commentary';
    const { status, report } = verify(writeLines(lines), '--pin', `RU=${ruFingerprint}`);
    expect(status).toBe(1);
    expect(report.failures).toEqual([
      expect.objectContaining({ entry: `intel/RU/${entry.seq as number}`, rule: 'export_field_unknown' }),
    ]);
  });

  it('refuses a chain line of the wrong shape, naming the line', () => {
    const lines = readLines(exported);
    lines.find((l) => l.type === 'chain')!.cosignatures = 'none';
    const result = runCli(['verify', '--file', writeLines(lines)]);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/:2: malformed line: cosignatures/);
  });

  it('reads a format 1 export and says what it lacks', () => {
    const lines = readLines(exported).map((line) => {
      if (line.type === 'header') {
        const { exportedBy: _by, ...rest } = line;
        return { ...rest, format: 'parley-export/1' };
      }
      if (line.type === 'chain') {
        const { cosignatures: _c, checkpoints: _h, consistency: _p, ...rest } = line;
        return rest as Line;
      }
      return line;
    });
    const { status, report } = verify(writeLines(lines), '--pin', `RU=${ruFingerprint}`);
    expect(status).toBe(0);
    expect(report.format).toBe('parley-export/1');
    expect(report.warnings).toEqual([expect.objectContaining({ code: 'format_outdated' })]);
  });
});
