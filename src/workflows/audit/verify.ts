/**
 * Verifies everything a node stores offline: every chain of every channel is streamed through
 * the core ChainVerifier with the node's latest signed checkpoint, plus the envelope rule and
 * the signature lines of each checkpoint (docs/FORMAT.md, "Verification rules"). Export files
 * are verified by verify-export.ts.
 */
import { nodeKeyHistories } from '../../node/node-key-rotation.js';
import {
  ChainVerifier,
  verifiedSignatures,
  type CheckSignatures,
  type VerifiedSignatures,
} from '../../core/verify-chain.js';
import { ALL_KINDS } from '../all-kinds.js';
import { fingerprint } from '../../core/keys.js';
import { entryId } from '../../core/entry.js';
import type { Storage, StoredEntry } from '../../storage/storage.js';
import { noteVerifiers, openWithKnownKeys, unknownEnvelopeFields } from './entry-rules.js';
import { collectCharterEvidence, emptyEvidence } from './export-checks.js';
import { OfficeAudit, officesEverListed } from './office-rules.js';
import { noteSize } from './proofs.js';
import type { AuditFailure, AuditWarning, VerifyReport } from './report.js';
import { WorkflowRuleAudit } from './workflow-rules.js';

export type { AuditFailure, AuditWarning, VerifyReport } from './report.js';
export { verifyExportFile, type VerifyExportOptions } from './verify-export.js';

const PAGE = 5000;

/** Where signatures are checked in parallel: `check` hands a page over, `help` works on it here. */
export interface SignatureWorkers {
  check: CheckSignatures;
  help(): void;
}

/**
 * Verifies every chain in a node's storage. `onProgress` gets the running entry count. With
 * `signatures` (the node's worker pool), each page's signatures are checked there while this
 * thread applies every other rule to the page before it, then helps with what is left; the
 * verdicts count only over the same bytes and key (core/verify-chain.ts), and whatever they do
 * not cover is checked here.
 */
export async function verifyStorage(
  storage: Storage,
  onProgress: (entries: number) => void = () => {},
  { signatures }: { signatures?: SignatureWorkers } = {},
): Promise<VerifyReport> {
  const started = performance.now();
  const info = await storage.getNodeInfo();
  if (!info) throw new Error('storage holds no node information');
  const failures: AuditFailure[] = [];
  const warnings: AuditWarning[] = [];
  let entries = 0;
  let chains = 0;
  const peerKeys = new Map((await storage.listPeers()).map((p) => [p.party, p.nodePublicKey]));
  const verifiers = noteVerifiers({ ...Object.fromEntries(peerKeys), [info.party]: info.nodePublicKey });
  // Keys replaced by a rotation still verify what they signed before it (node-key-rotation.ts).
  const histories = nodeKeyHistories(
    new Map([...peerKeys, [info.party, info.nodePublicKey]]),
    await storage.listNodeKeyRotations(),
  );
  const channels = await storage.listChannels();
  for (const channel of channels) {
    const heads = await storage.listChainHeads(channel.id);
    if (
      channel.parties[info.party] &&
      channel.state !== 'proposed' &&
      !heads.some((h) => h.party === info.party)
    ) {
      failures.push({
        entry: `${channel.id}/${info.party}`,
        rule: 'checkpoint_invalid',
        message: 'chain head is missing',
      });
    }
    const evidence = emptyEvidence();
    const offices = new OfficeAudit(channel.id);
    const rules = new WorkflowRuleAudit(channel.id);
    for (const head of heads) {
      const nodeKey = histories.get(head.party);
      if (!nodeKey) {
        failures.push({
          entry: `${channel.id}/${head.party}`,
          rule: 'author_key_unknown',
          message: `no pinned node key for ${head.party}; its chain cannot be verified`,
        });
        continue;
      }
      chains += 1;
      const verifier = new ChainVerifier(
        ALL_KINDS,
        channel.id,
        head.party,
        nodeKey,
        noteSize(head.checkpoint),
      );
      for await (const { page, verified } of pagesOf(storage, channel.id, head.party, signatures)) {
        verifier.useVerifiedSignatures(verified);
        for (const record of page) {
          verifier.push(record);
          const content = checkEnvelope(
            record.canonical,
            entryId(channel.id, head.party, record.seq),
            failures,
          );
          if (content) {
            collectCharterEvidence(head.party, record.seq, record.hash, content, evidence);
            offices.note(head.party, record.seq, content);
            rules.note(head.party, record.seq, record.hash, content);
          }
        }
        entries += page.length;
        onProgress(entries);
      }
      verifier.useVerifiedSignatures(null);
      // A known key's failing line rejects a note (c2sp.org/signed-note), whoever else signed it.
      const notes = [
        { what: 'checkpoint', note: head.checkpoint },
        ...(await storage.latestCosignatures(channel.id, head.party)).map((c) => ({
          what: `cosignature by ${c.witness} at size ${c.size}`,
          note: c.note,
        })),
      ];
      for (const { what, note } of notes) {
        if (note === '') continue;
        const opened = openWithKnownKeys(note, verifiers);
        for (const name of 'failing' in opened ? opened.failing : []) {
          failures.push({
            entry: `${channel.id}/${head.party}`,
            rule: 'signature_line_invalid',
            message: `${what} carries a failing signature line by known key ${name}`,
          });
        }
      }
      // A replica may not have received a checkpoint yet (''); its entries are still verified.
      failures.push(...verifier.finish(head.checkpoint === '' ? null : head.checkpoint));
    }
    const charter = officesEverListed(evidence);
    if (charter) offices.finish(charter, (entry, rule, message) => failures.push({ entry, rule, message }));
    // The parties the node's views fold with (workflows' queries.ts use the channel's parties).
    warnings.push(...rules.finish(channel.parties));
  }
  // Evidence kept from federation: a peer that signed two histories or two entries at one position.
  for (const evidence of await storage.listEquivocations()) {
    failures.push({
      entry: `${evidence.channel}/${evidence.party}`,
      rule: 'equivocation_detected',
      message: evidence.detail,
    });
  }
  for (const fork of await storage.listForks()) {
    failures.push({
      entry: `${fork.channel}/${fork.party}/${fork.seq}`,
      rule: 'fork_detected',
      message: `${fork.party} signed a second entry at this position (reported by ${fork.reportedBy}); evidence kept`,
    });
  }
  const nodeKeys: Record<string, string> = { [info.party]: fingerprint(info.nodePublicKey) };
  for (const [party, key] of peerKeys) nodeKeys[party] = fingerprint(key);
  return {
    ok: failures.length === 0,
    channels: channels.length,
    warnings,
    chains,
    entries,
    failures,
    nodeKeys,
    seconds: (performance.now() - started) / 1000,
  };
}

/** The envelope rule: the signed object has only the fields DESIGN.md "The log" lists. Returns the object. */
function checkEnvelope(
  canonical: string,
  id: string,
  failures: AuditFailure[],
): Record<string, unknown> | null {
  let content: unknown;
  try {
    content = JSON.parse(canonical);
  } catch {
    return null; // canonical_form, reported by the chain verifier
  }
  if (typeof content !== 'object' || content === null || Array.isArray(content)) return null;
  const extra = unknownEnvelopeFields(content as Record<string, unknown>);
  if (extra.length > 0) {
    failures.push({
      entry: id,
      rule: 'envelope_field_unknown',
      message: `signed entry has fields outside the envelope: ${extra.join(', ')}`,
    });
  }
  return content as Record<string, unknown>;
}

/**
 * A chain's pages in order, each with its signatures checked ahead when `checkSignatures` is
 * given: the next page is read and handed over before the current one is yielded, so the check
 * of one page runs while the caller works through the one before it.
 */
async function* pagesOf(
  storage: Storage,
  channel: string,
  party: string,
  signatures: SignatureWorkers | undefined,
): AsyncGenerator<{ page: StoredEntry[]; verified: VerifiedSignatures | null }> {
  const ahead = (page: StoredEntry[]) =>
    signatures && page.length > 0
      ? signatures.check(page).then((keys) => verifiedSignatures(page, keys))
      : null;
  let page = await storage.readChain(channel, party, 0, PAGE);
  let verified = ahead(page);
  for (;;) {
    const more = page.length === PAGE;
    const next = more ? await storage.readChain(channel, party, page.at(-1)!.seq + 1, PAGE) : [];
    const nextVerified = ahead(next);
    // This thread checks what the workers have not claimed yet instead of waiting idle.
    signatures?.help();
    yield { page, verified: verified ? await verified : null };
    if (!more || next.length === 0) return;
    page = next;
    verified = nextVerified;
  }
}
