/**
 * The cross-chain rules of an export audit (docs/FORMAT.md, "Verification rules"), run once
 * every chain has been read: pins against the file's node keys, references between entries,
 * the node key each party's first entry names, and the charter folded from the signed entries,
 * whose every party must have its chain.
 */
import { foldCharter, type CharterAmendment, type ProposedChange } from '../../core/charter-changes.js';
import { entryId } from '../../core/entry.js';
import { fingerprint } from '../../core/keys.js';
import type { ExportHeader } from './export.js';
import type { EntryReference } from './entry-rules.js';
import type { Pins } from './pins.js';
import type { AuditFailure, AuditWarning } from './report.js';

export type Fail = (entry: string, rule: AuditFailure['rule'], message: string) => void;

/** Entry hashes of one chain, 32 bytes each, in one growing buffer. */
export class HashColumn {
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

/** What the cross-chain rules need of each exported chain. */
export interface ReadChain {
  hashes: HashColumn;
}

interface Proposal extends ProposedChange {
  seq: number;
  hash: string;
}

/** What the charter fold needs from the signed entries. */
export interface CharterEvidence {
  charter: { party: string; body: Record<string, unknown> } | null;
  proposals: Proposal[];
  agreements: Array<{ party: string; of: { party: string; seq: number; hash: string } }>;
  /** Node key named by each party's first entry (charter or charter-accept). */
  firstNodeKeys: Map<string, { key: string; entry: string }>;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export function emptyEvidence(): CharterEvidence {
  return { charter: null, proposals: [], agreements: [], firstNodeKeys: new Map() };
}

export function safeFingerprint(key: string): string {
  try {
    return fingerprint(key);
  } catch {
    return '(malformed key)';
  }
}

export function checkPins(
  header: ExportHeader,
  options: { pins?: Pins; requirePins?: boolean },
  fail: Fail,
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

export function collectCharterEvidence(
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

export function checkReferences(
  channel: string,
  chains: ReadonlyMap<string, ReadChain>,
  references: ReadonlyArray<EntryReference & { from: string }>,
  fail: Fail,
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
export function checkCharter(
  channel: string,
  chains: ReadonlyMap<string, ReadChain>,
  references: ReadonlyArray<EntryReference>,
  evidence: CharterEvidence,
  nodeKeys: Record<string, string>,
  fail: Fail,
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
