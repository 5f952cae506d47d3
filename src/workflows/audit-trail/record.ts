/**
 * `recordSecurityEvent`: the one way anything writes to the security audit trail. The caller
 * names what happened (`action`, actions.ts), who did it (`actor`), to whom or what (`subject`),
 * from which address, and a few details; never a password, secret or token. The event is chained
 * to the one before and signed by the node key (trail-chain.ts) as it is stored, so a database
 * writer without the node key cannot add, change or remove events unseen (`parley verify`).
 *
 * The node signs each event and the head (rather than only the head) so that `verify` can name
 * the first bad event even when an attacker recomputed the hashes after an edit; an event costs
 * two Ed25519 signatures (about 0.1 ms), and events are rare next to entries.
 */
import { canonicalize } from '../../core/canonical-json.js';
import type { Storage } from '../../storage/storage.js';
import type { SecurityAction } from './actions.js';
import { TRAIL_GENESIS_HASH, sealSecurityEvent, type Sign } from './trail-chain.js';
import { securityDetailsSchema, type SecurityDetails } from './views.js';

/** What a caller records. */
export interface SecurityEventInput {
  action: SecurityAction;
  /** Who acted: a user id, `node` for the node itself, null when unknown (a failed login's name is its subject). */
  actor: string | null;
  /** Whom or what it concerns: a user, a token id, a peer party, a channel. */
  subject?: string | null;
  /** The client's address, when it came over the network. */
  address?: string | null;
  details?: SecurityDetails;
}

/** What recording needs of the node: its storage, its key and its clock. */
export interface SecurityTrailContext {
  readonly storage: Pick<Storage, 'appendSecurityEvent'>;
  readonly nodePublicKey: string;
  readonly signAsNode: Sign;
  now(): number;
}

// Detail names that would hold a credential; refused so no caller can log one by mistake.
const SECRET_NAME = /pass(word|phrase)?|secret|^token$|cookie|privatekey/i;

/**
 * Appends of one process to one storage, one after another: concurrent events (a burst of failed
 * logins) would otherwise all seal on the same tip and retry. Storage still settles races with
 * other processes sharing the database.
 */
const appending = new WeakMap<object, Promise<unknown>>();

/** Appends one event to the trail; resolves once it is stored. */
export async function recordSecurityEvent(
  context: SecurityTrailContext,
  input: SecurityEventInput,
): Promise<void> {
  const details = securityDetailsSchema.parse(input.details ?? {});
  const secret = Object.keys(details).find((name) => SECRET_NAME.test(name));
  if (secret) throw new Error(`security event detail '${secret}' looks like a secret; record its id instead`);
  const text = canonicalize(details);
  const storage = context.storage;
  const append = (): Promise<unknown> =>
    storage.appendSecurityEvent((tip) =>
      sealSecurityEvent(
        {
          seq: (tip?.seq ?? 0) + 1,
          at: context.now(),
          actor: input.actor,
          action: input.action,
          subject: input.subject ?? null,
          address: input.address ?? null,
          details: text,
          prevHash: tip?.hash ?? TRAIL_GENESIS_HASH,
        },
        context.nodePublicKey,
        context.signAsNode,
      ),
    );
  const done = (appending.get(storage) ?? Promise.resolve()).then(append, append);
  appending.set(
    storage,
    done.catch(() => undefined),
  );
  await done;
}
