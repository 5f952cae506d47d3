/**
 * Reading the security audit trail: a page of events for administrators (newest first, filtered
 * by action, actor, subject and time), and the whole trail checked against its chain, signatures
 * and signed head (`parley verify`).
 */
import type { Principal } from '../../core/model.js';
import { requireAdmin } from '../../core/policy.js';
import type { SecurityEvent, Storage } from '../../storage/storage.js';
import { TrailChecker, type TrailProblem } from './trail-chain.js';
import type { SecurityDetails, SecurityEventFilter, SecurityEventPage, SecurityEventView } from './views.js';

export function presentSecurityEvent(event: SecurityEvent): SecurityEventView {
  let details: SecurityDetails;
  try {
    details = JSON.parse(event.details) as SecurityDetails;
  } catch {
    details = {};
  }
  return {
    seq: event.seq,
    at: event.at,
    actor: event.actor,
    action: event.action,
    subject: event.subject,
    address: event.address,
    details,
    prevHash: event.prevHash,
    hash: event.hash,
  };
}

/** A page of events, newest first (administrators only). */
export async function listSecurityEvents(
  node: { storage: Pick<Storage, 'listSecurityEvents'> },
  actor: Principal,
  filter: SecurityEventFilter,
): Promise<SecurityEventPage> {
  requireAdmin(actor);
  const limit = filter.limit;
  const rows = await node.storage.listSecurityEvents({
    limit: limit + 1,
    ...(filter.action !== undefined ? { action: filter.action } : {}),
    ...(filter.actor !== undefined ? { actor: filter.actor } : {}),
    ...(filter.subject !== undefined ? { subject: filter.subject } : {}),
    ...(filter.since !== undefined ? { since: filter.since } : {}),
    ...(filter.until !== undefined ? { until: filter.until } : {}),
    ...(filter.before !== undefined ? { beforeSeq: filter.before } : {}),
  });
  const page = rows.slice(0, limit);
  return {
    events: page.map(presentSecurityEvent),
    next: rows.length > limit ? page.at(-1)!.seq : null,
  };
}

export interface TrailReport {
  ok: boolean;
  events: number;
  /** The sequence number the signed head names (0 before the first event). */
  headSeq: number;
  /** Problems in trail order; the first names the first bad event. */
  failures: TrailProblem[];
  warnings: string[];
}

const READ_BATCH = 1000;

/** Checks the whole trail: chain links, hashes, signatures, no gaps, and the signed head. */
export async function verifySecurityTrail(node: {
  storage: Pick<Storage, 'readSecurityTrail' | 'getSecurityTrailHead'>;
  nodePublicKey: string;
}): Promise<TrailReport> {
  const head = await node.storage.getSecurityTrailHead();
  const checker = new TrailChecker(head);
  for (let after = 0; ;) {
    const batch = await node.storage.readSecurityTrail(after, READ_BATCH);
    for (const event of batch) checker.add(event);
    if (batch.length < READ_BATCH) break;
    after = batch.at(-1)!.seq;
  }
  const failures = checker.finish(node.nodePublicKey);
  const warnings: string[] = [];
  if (checker.eventsAfterHead > 0)
    warnings.push(
      `${checker.eventsAfterHead} event(s) after the signed head (an append stopped before moving it); they are chained and signed`,
    );
  return { ok: failures.length === 0, events: checker.events, headSeq: head?.seq ?? 0, failures, warnings };
}
