/**
 * Verifies a channel export file (export.ts) offline, from the file alone plus the node-key
 * pins the auditor obtained out of band. The rules and what they cannot detect are in
 * docs/FORMAT.md, "Verification rules". In order:
 *
 * 1. Keys: each party's node key in the file is compared with its pin (`pin_mismatch`); parties
 *    without a pin are listed (a loud warning, or `key_not_pinned` under `requirePins`).
 * 2. Per chain: the core ChainVerifier (signatures, links, kinds, seen, the latest checkpoint),
 *    plus `checkpoint_missing`, `envelope_field_unknown`, `signature_line_invalid` on every note,
 *    and, from format 2, the checkpoint history, witness cosignatures and consistency proofs
 *    (`cosignature_invalid`, `checkpoint_ahead`, `consistency_proof_invalid`).
 * 3. Across chains: every reference resolves to an exported entry with that hash
 *    (`reference_missing`, `reference_hash_mismatch`), and every party of the charter folded
 *    from the signed entries has its chain (`chain_missing`, `charter_missing`).
 *
 * Streaming: memory grows with 32 bytes per entry (the entry hashes references are checked
 * against) plus the body references themselves.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { checkpointOrigin, nodeKeyName, witnessKeyName } from '../../core/chain-checkpoint.js';
import { foldCharter, type CharterAmendment, type ProposedChange } from '../../core/charter-changes.js';
import { parseCheckpoint } from '../../core/checkpoint.js';
import { entryId } from '../../core/entry.js';
import { fingerprint } from '../../core/keys.js';
import { CompactRange, emptyRoot, leafHash, verifyConsistency } from '../../core/merkle.js';
import { SIG_TYPE_COSIGNATURE_V1, type NoteVerifier } from '../../core/signed-note.js';
import { ChainVerifier } from '../../core/verify-chain.js';
import {
  EXPORT_FORMAT,
  EXPORT_FORMAT_V1,
  EXPORT_LINE_FIELDS,
  type ExportChain,
  type ExportHeader,
  type ExportLine,
} from './export.js';
import {
  entryReferences,
  noteVerifiers,
  openWithKnownKeys,
  unknownEnvelopeFields,
  type EntryReference,
} from './entry-rules.js';
import type { Pins } from './pins.js';
import type { AuditFailure, AuditWarning, VerifyReport } from './report.js';

export interface VerifyExportOptions {
  pins?: Pins;
  /** Unpinned parties fail (`key_not_pinned`) instead of being only warned about. */
  requirePins?: boolean;
  onProgress?: (entries: number) => void;
}

/** Entry hashes of one chain, 32 bytes each, in one growing buffer. */
class HashColumn {
  private bytes = Buffer.alloc(32 * 1024);
  length = 0;
  push(hex: string): void {
    if ((this.length + 1) * 32 > this.bytes.length) {
      const grown = Buffer.alloc(this.bytes.length * 2);
      this.bytes.copy(grown);
      this.bytes = grown;
    }
    this.bytes.write(/^[0-9a-f]{64}$/.test(hex) ? hex : '0'.repeat(64), this.length * 32, 'hex');
    this.length += 1;
  }
  hex(seq: number): string {
    return this.bytes.subarray(seq * 32, seq * 32 + 32).toString('hex');
  }
}

interface ChainState {
  line: ExportChain;
  verifier: ChainVerifier | null;
  hashes: HashColumn;
  tree: CompactRange;
  /** Merkle roots at the sizes the chain's notes name, captured while entries stream by. */
  roots: Map<number, Buffer>;
  wanted: Set<number>;
}

interface Proposal extends ProposedChange {
  seq: number;
  hash: string;
}

/** What the charter fold needs from the signed entries. */
interface CharterEvidence {
  charter: { party: string; body: Record<string, unknown> } | null;
  proposals: Proposal[];
  agreements: Array<{ party: string; of: { party: string; seq: number; hash: string } }>;
  /** Node key named by each party's first entry (charter or charter-accept). */
  firstNodeKeys: Map<string, { key: string; entry: string }>;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export async function verifyExportFile(
  path: string,
  options: VerifyExportOptions = {},
): Promise<VerifyReport> {
  const started = performance.now();
  const onProgress = options.onProgress ?? (() => {});
  const failures: AuditFailure[] = [];
  const warnings: AuditWarning[] = [];
  const fail = (entry: string, rule: AuditFailure['rule'], message: string): void => {
    failures.push({ entry, rule, message });
  };
  let header: ExportHeader | null = null;
  let verifiers: NoteVerifier[] = [];
  const chains = new Map<string, ChainState>();
  let current: ChainState | null = null;
  const references: Array<EntryReference & { from: string }> = [];
  const evidence: CharterEvidence = {
    charter: null,
    proposals: [],
    agreements: [],
    firstNodeKeys: new Map(),
  };
  let entries = 0;
  let lineNumber = 0;

  const checkFields = (line: Record<string, unknown>, where: string): void => {
    const allowed = EXPORT_LINE_FIELDS[line.type as ExportLine['type']];
    const extra = Object.keys(line).filter((k) => !allowed.includes(k));
    if (extra.length > 0)
      fail(
        where,
        'export_field_unknown',
        `line ${lineNumber} has fields outside the format: ${extra.join(', ')}`,
      );
  };

  const lines = createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity });
  for await (const text of lines) {
    lineNumber += 1;
    if (text === '') continue;
    let line: Record<string, unknown>;
    try {
      const parsed: unknown = JSON.parse(text);
      if (!isObject(parsed)) throw new Error('not an object');
      line = parsed;
    } catch {
      throw new Error(`${path}:${lineNumber}: not a JSON line`);
    }
    if (line.type === 'header') {
      if (header) throw new Error(`${path}:${lineNumber}: a second header line`);
      if (line.format !== EXPORT_FORMAT && line.format !== EXPORT_FORMAT_V1) {
        throw new Error(`${path}: format '${String(line.format)}' is not ${EXPORT_FORMAT}`);
      }
      if (!isObject(line.channel) || typeof line.channel.id !== 'string' || !isObject(line.nodeKeys)) {
        throw new Error(`${path}:${lineNumber}: header lacks channel or nodeKeys`);
      }
      header = line as unknown as ExportHeader;
      checkFields(line, header.channel.id);
      verifiers = noteVerifiers(header.nodeKeys);
    } else if (line.type === 'chain') {
      if (!header) throw new Error(`${path}:${lineNumber}: chain before header`);
      if (typeof line.party !== 'string' || typeof line.checkpoint !== 'string') {
        throw new Error(`${path}:${lineNumber}: chain line lacks party or checkpoint`);
      }
      if (current) finishChain(current);
      const chain = line as unknown as ExportChain;
      if (chains.has(chain.party))
        throw new Error(`${path}:${lineNumber}: a second chain line for ${chain.party}`);
      checkFields(line, `${header.channel.id}/${chain.party}`);
      current = startChain(header, chain);
      chains.set(chain.party, current);
    } else if (line.type === 'entry') {
      if (!header || !current) throw new Error(`${path}:${lineNumber}: entry before its chain line`);
      const where = entryId(header.channel.id, current.line.party, Number(line.seq));
      checkFields(line, where);
      pushEntry(header, current, line, where);
      entries += 1;
      if (entries % 1000 === 0) onProgress(entries);
    } else {
      throw new Error(`${path}:${lineNumber}: unknown line type`);
    }
  }
  if (current) finishChain(current);
  onProgress(entries);
  if (!header) throw new Error(`${path}: no header line; is this a Parley export?`);
  const channelId = header.channel.id;

  if (header.format === EXPORT_FORMAT_V1) {
    warnings.push({
      code: 'format_outdated',
      message: `${EXPORT_FORMAT_V1} carries no witness cosignatures, no checkpoint history and no consistency proofs; export again for a fuller audit`,
    });
  }
  const pins = checkPins(header, options, fail, warnings);
  checkReferences(channelId, chains, references, fail);
  checkCharter(channelId, chains, references, evidence, header.nodeKeys, fail, warnings);

  return {
    ok: failures.length === 0,
    format: header.format,
    channels: 1,
    chains: chains.size,
    entries,
    failures,
    warnings,
    nodeKeys: Object.fromEntries(Object.entries(header.nodeKeys).map(([p, k]) => [p, safeFingerprint(k)])),
    pins,
    seconds: (performance.now() - started) / 1000,
  };

  function startChain(head: ExportHeader, chain: ExportChain): ChainState {
    const channel = head.channel.id;
    const key = head.nodeKeys[chain.party];
    const wanted = new Set<number>();
    const notes = [
      chain.checkpoint,
      ...(chain.cosignatures ?? []).map((c) => c.note),
      ...(chain.checkpoints ?? []).map((c) => c.note),
    ];
    for (const note of notes) {
      const size = readSize(note);
      if (size !== null) wanted.add(size);
    }
    if (!key)
      fail(
        `${channel}/${chain.party}`,
        'author_key_unknown',
        `the file names no node key for ${chain.party}; its chain cannot be verified`,
      );
    const verifier = key ? new ChainVerifier(channel, chain.party, key, readSize(chain.checkpoint)) : null;
    const roots = new Map<number, Buffer>();
    if (wanted.has(0)) roots.set(0, emptyRoot());
    return { line: chain, verifier, hashes: new HashColumn(), tree: CompactRange.empty(), roots, wanted };
  }

  function pushEntry(
    head: ExportHeader,
    chain: ChainState,
    line: Record<string, unknown>,
    where: string,
  ): void {
    const canonical = typeof line.canonical === 'string' ? line.canonical : '';
    const record = {
      channel: head.channel.id,
      party: chain.line.party,
      seq: Number(line.seq),
      hash: String(line.hash),
      canonical,
      sig: String(line.sig),
      kind: String(line.kind),
      author: String(line.author),
    };
    chain.verifier?.push(record);
    chain.hashes.push(record.hash);
    chain.tree.append(leafHash(canonical));
    if (chain.wanted.has(chain.tree.size)) chain.roots.set(chain.tree.size, chain.tree.root());
    let content: unknown;
    try {
      content = JSON.parse(canonical);
    } catch {
      return; // canonical_form, reported by the chain verifier
    }
    if (!isObject(content)) return;
    const extra = unknownEnvelopeFields(content);
    if (extra.length > 0)
      fail(
        where,
        'envelope_field_unknown',
        `signed entry has fields outside the envelope: ${extra.join(', ')}`,
      );
    for (const reference of entryReferences(content)) references.push({ ...reference, from: where });
    collectCharterEvidence(chain.line.party, record.seq, record.hash, content, evidence);
  }

  function finishChain(chain: ChainState): void {
    const channel = header!.channel.id;
    const chainId = `${channel}/${chain.line.party}`;
    const count = chain.tree.size;
    if (chain.line.checkpoint === '') {
      if (count > 0)
        fail(chainId, 'checkpoint_missing', `chain has ${count} entries but no signed checkpoint`);
    } else {
      checkNoteLines(chain.line.checkpoint, chainId, 'checkpoint');
    }
    if (chain.verifier)
      failures.push(...chain.verifier.finish(chain.line.checkpoint === '' ? null : chain.line.checkpoint));
    const key = header!.nodeKeys[chain.line.party];
    if (!key || header!.format === EXPORT_FORMAT_V1) return;
    checkHistory(chain, chainId);
  }

  /** Format 2: every checkpoint of the history and every cosignature, and the proofs between them. */
  function checkHistory(chain: ChainState, chainId: string): void {
    const { party } = chain.line;
    const checkRoot = (size: number, root: Buffer, what: string, rule: AuditFailure['rule']): boolean => {
      if (size > chain.tree.size) {
        fail(
          chainId,
          'checkpoint_ahead',
          `${what} covers ${size} entries but the export holds ${chain.tree.size}: entries ${chain.tree.size}..${size - 1} are missing`,
        );
        return false;
      }
      const expected = chain.roots.get(size);
      if (!expected || !expected.equals(root)) {
        fail(chainId, rule, `${what} at size ${size} names a root the exported entries do not give`);
        return false;
      }
      return true;
    };
    const history: Array<{ size: number; root: Buffer }> = [];
    for (const step of chain.line.checkpoints ?? []) {
      const opened = checkNoteLines(step.note, chainId, `checkpoint at size ${step.size}`);
      const signed = opened && signedCheckpoint(opened, party, chainId, `checkpoint at size ${step.size}`);
      if (!signed) continue;
      const sameSize = history.find((h) => h.size === signed.size);
      if (sameSize && !sameSize.root.equals(signed.root)) {
        fail(
          chainId,
          'equivocation_detected',
          `two signed checkpoints at size ${signed.size} with different roots`,
        );
      }
      checkRoot(signed.size, signed.root, `checkpoint`, 'checkpoint_invalid');
      history.push(signed);
    }
    history.sort((a, b) => a.size - b.size);
    for (let i = 1; i < history.length; i++) {
      const from = history[i - 1]!;
      const to = history[i]!;
      if (from.size < 1 || from.size === to.size) continue;
      const step = (chain.line.consistency ?? []).find((s) => s.from === from.size && s.to === to.size);
      const proof = step?.proof.map((h) => Buffer.from(String(h), 'hex'));
      if (!proof || !verifyConsistency(from.size, to.size, from.root, to.root, proof)) {
        fail(
          chainId,
          'consistency_proof_invalid',
          step
            ? `consistency proof ${from.size} -> ${to.size} does not verify`
            : `no consistency proof from checkpoint ${from.size} to ${to.size}`,
        );
      }
    }
    for (const cosignature of chain.line.cosignatures ?? []) {
      const what = `cosignature by ${cosignature.witness} at size ${cosignature.size}`;
      const opened = checkNoteLines(cosignature.note, chainId, what);
      const signed = opened && signedCheckpoint(opened, party, chainId, what);
      if (!opened || !signed) continue;
      const witnessed = opened.signatures.some(
        (s) =>
          s.name === witnessKeyName(cosignature.witness) && s.verified && s.type === SIG_TYPE_COSIGNATURE_V1,
      );
      if (cosignature.witness === party || !witnessed) {
        fail(
          chainId,
          'cosignature_invalid',
          `${what}: no verified cosignature of ${witnessKeyName(cosignature.witness)} by a node key the file names`,
        );
        continue;
      }
      checkRoot(signed.size, signed.root, what, 'cosignature_invalid');
    }
  }

  /** Opens a note with every known key; names each failing known-key line. */
  function checkNoteLines(note: string, chainId: string, what: string): ReturnType<typeof openedOrNull> {
    const result = openWithKnownKeys(note, verifiers);
    if ('error' in result) {
      fail(chainId, 'checkpoint_invalid', `${what}: ${result.error}`);
      return null;
    }
    for (const name of result.failing)
      fail(
        chainId,
        'signature_line_invalid',
        `${what} carries a failing signature line by known key ${name}`,
      );
    return openedOrNull(result);
  }

  function signedCheckpoint(
    opened: NonNullable<ReturnType<typeof openedOrNull>>,
    party: string,
    chainId: string,
    what: string,
  ): { size: number; root: Buffer } | null {
    if (
      !opened.signatures.some(
        (s) => s.name === nodeKeyName(party) && s.verified && s.type !== SIG_TYPE_COSIGNATURE_V1,
      )
    ) {
      fail(chainId, 'checkpoint_invalid', `${what} is not signed by ${nodeKeyName(party)}`);
      return null;
    }
    try {
      const checkpoint = parseCheckpoint(opened.text);
      if (checkpoint.origin !== checkpointOrigin(header!.channel.id, party)) {
        fail(chainId, 'checkpoint_invalid', `${what} has origin '${checkpoint.origin}'`);
        return null;
      }
      return { size: checkpoint.size, root: checkpoint.rootHash };
    } catch (error) {
      fail(chainId, 'checkpoint_invalid', `${what}: ${(error as Error).message}`);
      return null;
    }
  }
}

function openedOrNull(result: ReturnType<typeof openWithKnownKeys>) {
  return 'opened' in result ? result.opened : null;
}

function readSize(note: string): number | null {
  if (note === '') return null;
  const result = openWithKnownKeys(note, []);
  if (!('opened' in result)) return null;
  try {
    return parseCheckpoint(result.opened.text).size;
  } catch {
    return null;
  }
}

function safeFingerprint(key: string): string {
  try {
    return fingerprint(key);
  } catch {
    return '(malformed key)';
  }
}

function checkPins(
  header: ExportHeader,
  options: VerifyExportOptions,
  fail: (entry: string, rule: AuditFailure['rule'], message: string) => void,
  warnings: AuditWarning[],
): { pinned: string[]; unpinned: string[] } {
  const pins = options.pins ?? new Map<string, string>();
  const pinned: string[] = [];
  const unpinned: string[] = [];
  for (const [party, key] of Object.entries(header.nodeKeys)) {
    const pin = pins.get(party);
    const actual = safeFingerprint(key);
    if (pin === undefined) unpinned.push(party);
    else if (pin !== actual) {
      fail(
        `${header.channel.id}/${party}`,
        'pin_mismatch',
        `node key of ${party} in the file is ${actual}, but ${party} is pinned to ${pin}`,
      );
    } else pinned.push(party);
  }
  for (const party of pins.keys()) {
    if (!(party in header.nodeKeys))
      warnings.push({
        code: 'pin_unused',
        message: `${party} is pinned but the file names no node key for it`,
      });
  }
  if (unpinned.length > 0) {
    const message = `node keys NOT PINNED for ${unpinned.join(', ')}: the file vouches for its own keys, so whoever could write it could have re-signed it; pin them with --pin PARTY=FINGERPRINT or --trust FILE`;
    if (options.requirePins) {
      for (const party of unpinned)
        fail(`${header.channel.id}/${party}`, 'key_not_pinned', `node key of ${party} is not pinned`);
    }
    warnings.push({ code: 'keys_not_pinned', message });
  }
  return { pinned, unpinned };
}

function collectCharterEvidence(
  party: string,
  seq: number,
  hash: string,
  content: Record<string, unknown>,
  evidence: CharterEvidence,
): void {
  const body = isObject(content.body) ? content.body : {};
  const id = `${party}/${seq}`;
  if (seq === 0 && typeof body.nodeKey === 'string')
    evidence.firstNodeKeys.set(party, { key: body.nodeKey, entry: id });
  if (content.kind === 'charter' && seq === 0 && !evidence.charter) evidence.charter = { party, body };
  if (
    content.kind === 'channel-change' &&
    typeof content.hlc === 'string' &&
    typeof body.change === 'string'
  ) {
    evidence.proposals.push({
      change: body.change as Proposal['change'],
      ...(isObject(body.charter) ? { charter: body.charter as CharterAmendment } : {}),
      party,
      hlc: content.hlc,
      signedBy: [party],
      seq,
      hash,
    });
  }
  if (content.kind === 'channel-change-agree' && isObject(body.of)) {
    const of = body.of as { party: string; seq: number; hash: string };
    evidence.agreements.push({ party, of });
  }
}

function checkReferences(
  channel: string,
  chains: Map<string, ChainState>,
  references: ReadonlyArray<EntryReference & { from: string }>,
  fail: (entry: string, rule: AuditFailure['rule'], message: string) => void,
): void {
  for (const ref of references) {
    const target = chains.get(ref.party);
    const id = entryId(channel, ref.party, ref.seq);
    if (!target || ref.seq >= target.hashes.length) {
      fail(ref.from, 'reference_missing', `${ref.via} names ${id}, which is not in the export`);
    } else if (ref.hash !== undefined && target.hashes.hex(ref.seq) !== ref.hash) {
      fail(
        ref.from,
        'reference_hash_mismatch',
        `${ref.via} names ${id} by a hash that differs from that entry's`,
      );
    }
  }
}

/** Every party of the charter folded from the signed entries must have its chain. */
function checkCharter(
  channel: string,
  chains: Map<string, ChainState>,
  references: ReadonlyArray<EntryReference>,
  evidence: CharterEvidence,
  nodeKeys: Record<string, string>,
  fail: (entry: string, rule: AuditFailure['rule'], message: string) => void,
  warnings: AuditWarning[],
): void {
  for (const [party, first] of evidence.firstNodeKeys) {
    const listed = nodeKeys[party];
    if (listed !== undefined && listed !== first.key) {
      fail(
        `${channel}/${first.entry}`,
        'node_key_mismatch',
        `the first entry of ${party} names node key ${safeFingerprint(first.key)}, the file lists ${safeFingerprint(listed)}`,
      );
    }
  }
  if (!evidence.charter) {
    fail(
      channel,
      'charter_missing',
      'no chain begins with the channel charter, so the parties cannot be established',
    );
    return;
  }
  const body = evidence.charter.body;
  for (const agreement of evidence.agreements) {
    const proposal = evidence.proposals.find(
      (p) => p.party === agreement.of.party && p.seq === agreement.of.seq && p.hash === agreement.of.hash,
    );
    if (proposal && !proposal.signedBy.includes(agreement.party)) proposal.signedBy.push(agreement.party);
  }
  const record = (v: unknown): Record<string, string[]> =>
    isObject(v) ? (v as Record<string, string[]>) : {};
  const { charter } = foldCharter(
    {
      languages: Array.isArray(body.languages) ? (body.languages as string[]) : [],
      objectives: {},
      observers: record(body.observers),
      parties: record(body.parties),
    },
    evidence.proposals,
  );
  const referenced = new Set(references.map((r) => r.party));
  for (const party of Object.keys(charter.parties)) {
    const chain = chains.get(party);
    if (chain && chain.hashes.length > 0) continue;
    if (party === evidence.charter.party || referenced.has(party)) {
      fail(
        `${channel}/${party}`,
        'chain_missing',
        `${party} is a party of the signed charter and the export shows it wrote, but its chain is not in the export`,
      );
    } else {
      warnings.push({
        code: 'chain_absent',
        message: `${party} is a party of the signed charter but has no chain in the export, and nothing in the export names an entry of it: a party that has not accepted yet, or a withheld chain (the two cannot be told apart)`,
      });
    }
  }
  for (const party of chains.keys()) {
    if (!charter.parties[party]) {
      warnings.push({
        code: 'chain_outside_charter',
        message: `the export holds a chain of ${party}, which the signed charter does not make a party`,
      });
    }
  }
}
