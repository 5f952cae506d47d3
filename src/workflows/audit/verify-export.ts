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
import { z } from 'zod';
import { checkpointOrigin, nodeKeyName, witnessKeyName } from '../../core/chain-checkpoint.js';
import { parseCheckpoint } from '../../core/checkpoint.js';
import { entryId } from '../../core/entry.js';
import { CompactRange, emptyRoot, leafHash, verifyConsistency } from '../../core/merkle.js';
import { SIG_TYPE_COSIGNATURE_V1, type NoteVerifier, type OpenedNote } from '../../core/signed-note.js';
import { ChainVerifier } from '../../core/verify-chain.js';
import { ALL_KINDS } from '../all-kinds.js';
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
import {
  HashColumn,
  checkCharter,
  checkPins,
  checkReferences,
  collectCharterEvidence,
  emptyEvidence,
  safeFingerprint,
} from './export-checks.js';
import type { Pins } from './pins.js';
import { OfficeAudit, officesEverListed } from './office-rules.js';
import { noteSize } from './proofs.js';
import { WorkflowRuleAudit } from './workflow-rules.js';
import type { AuditFailure, AuditWarning, VerifyReport } from './report.js';

export interface VerifyExportOptions {
  pins?: Pins;
  /** Unpinned parties fail (`key_not_pinned`) instead of being only warned about. */
  requirePins?: boolean;
  onProgress?: (entries: number) => void;
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

/** The shapes `verify --file` relies on; extra fields are reported, not refused. */
const headerShape = z.object({
  format: z.string(),
  channel: z.looseObject({ id: z.string() }),
  nodeKeys: z.record(z.string(), z.string()),
});
const size = z.number().int().min(0);
const chainShape = z.object({
  party: z.string(),
  size,
  checkpoint: z.string(),
  cosignatures: z.array(z.object({ witness: z.string(), size, note: z.string() })).optional(),
  checkpoints: z.array(z.object({ size, note: z.string() })).optional(),
  consistency: z.array(z.object({ from: size, to: size, proof: z.array(z.string()) })).optional(),
});

function checkShape(shape: z.ZodType, line: unknown, where: string): void {
  const result = shape.safeParse(line);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new Error(
      `${where}: malformed line: ${issue?.path.join('.') ?? ''} ${issue?.message ?? ''}`.trim(),
    );
  }
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
  /** Per named party, the highest `seen` position of any entry, with the entry naming it. */
  const highestSeen = new Map<string, EntryReference & { from: string }>();
  const evidence = emptyEvidence();
  let offices = new OfficeAudit('');
  let rules = new WorkflowRuleAudit('');
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
      checkShape(headerShape, line, `${path}:${lineNumber}`);
      header = line as unknown as ExportHeader;
      checkFields(line, header.channel.id);
      verifiers = noteVerifiers(header.nodeKeys);
      offices = new OfficeAudit(header.channel.id);
      rules = new WorkflowRuleAudit(header.channel.id);
    } else if (line.type === 'chain') {
      if (!header) throw new Error(`${path}:${lineNumber}: chain before header`);
      checkShape(chainShape, line, `${path}:${lineNumber}`);
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
  references.push(...highestSeen.values());
  checkReferences(channelId, chains, references, fail);
  const charter = officesEverListed(evidence);
  checkCharter(channelId, chains, references, evidence, header.nodeKeys, fail, warnings);
  if (charter) offices.finish(charter, fail);
  // The parties of the charter folded from the signed entries, else as the exporting node listed them.
  warnings.push(...rules.finish(charter?.parties ?? header.channel.parties));

  // A note checked both as the latest checkpoint and in the history reports a failure once.
  const unique = [...new Map(failures.map((f) => [`${f.entry}\n${f.rule}\n${f.message}`, f])).values()];
  return {
    ok: unique.length === 0,
    format: header.format,
    channels: 1,
    chains: chains.size,
    entries,
    failures: unique,
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
      const size = noteSize(note);
      if (size !== null) wanted.add(size);
    }
    if (!key)
      fail(
        `${channel}/${chain.party}`,
        'author_key_unknown',
        `the file names no node key for ${chain.party}; its chain cannot be verified`,
      );
    const verifier = key
      ? new ChainVerifier(ALL_KINDS, channel, chain.party, key, noteSize(chain.checkpoint))
      : null;
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
    for (const reference of entryReferences(content)) {
      // `seen` never goes back along a chain, so its highest position per party is the one to check.
      if (reference.via !== 'seen') references.push({ ...reference, from: where });
      else if ((highestSeen.get(reference.party)?.seq ?? -1) < reference.seq) {
        highestSeen.set(reference.party, { ...reference, from: where });
      }
    }
    collectCharterEvidence(chain.line.party, record.seq, record.hash, content, evidence);
    offices.note(chain.line.party, record.seq, content);
    rules.note(chain.line.party, record.seq, record.hash, content);
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
  function checkNoteLines(note: string, chainId: string, what: string): OpenedNote | null {
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
    return result.opened;
  }

  function signedCheckpoint(
    opened: OpenedNote,
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
