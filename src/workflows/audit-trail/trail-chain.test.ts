import { describe, expect, it } from 'vitest';
import { canonicalize } from '../../core/canonical-json.js';
import { generateKeyPair, signMessage } from '../../core/keys.js';
import type { SecurityEvent, SecurityTrailHead } from '../../storage/storage.js';
import { TRAIL_GENESIS_HASH, TrailChecker, sealSecurityEvent, securityEventHash } from './trail-chain.js';

const nodeKeys = generateKeyPair();
const signer =
  (privateKey: string) =>
  (domain: string, message: string): string =>
    signMessage(privateKey, domain, message);

/** A sealed trail of `n` logins, and its head. */
function trail(n: number, keys = nodeKeys): { events: SecurityEvent[]; head: SecurityTrailHead | null } {
  const events: SecurityEvent[] = [];
  let head: SecurityTrailHead | null = null;
  for (let seq = 1; seq <= n; seq++) {
    const sealed = sealSecurityEvent(
      {
        seq,
        at: 1000 + seq,
        actor: 'alice',
        action: 'login',
        subject: 'alice',
        address: '192.0.2.1',
        details: canonicalize({ n: seq }),
        prevHash: events.at(-1)?.hash ?? TRAIL_GENESIS_HASH,
      },
      keys.publicKey,
      signer(keys.privateKey),
    );
    events.push(sealed.event);
    head = sealed.head;
  }
  return { events, head };
}

function check(events: SecurityEvent[], head: SecurityTrailHead | null, key = nodeKeys.publicKey) {
  const checker = new TrailChecker(head);
  for (const event of events) checker.add(event);
  return checker.finish(key);
}

describe('the security trail chain', () => {
  it('accepts a sealed trail, and an empty one', () => {
    const { events, head } = trail(5);
    expect(check(events, head)).toEqual([]);
    expect(check([], null)).toEqual([]);
  });

  it('names an edited event by its hash', () => {
    const { events, head } = trail(5);
    events[2] = { ...events[2]!, actor: 'mallory' };
    expect(check(events, head)).toEqual([
      { seq: 3, rule: 'hash_mismatch', message: 'event 3 was changed: its content does not give its hash' },
    ]);
  });

  it('names an edited event whose hash was recomputed by its signature', () => {
    const { events, head } = trail(5);
    const edited = { ...events[1]!, address: '203.0.113.9' };
    events[1] = { ...edited, hash: securityEventHash(edited) };
    const problems = check(events, head);
    expect(problems[0]).toMatchObject({ seq: 2, rule: 'signature_invalid' });
    expect(problems[1]).toMatchObject({ seq: 3, rule: 'prev_hash_mismatch' });
  });

  it('names a deleted event, and a cut end by the signed head', () => {
    const { events, head } = trail(5);
    expect(check([...events.slice(0, 2), ...events.slice(3)], head)[0]).toMatchObject({
      seq: 3,
      rule: 'event_missing',
    });
    expect(check(events.slice(0, 3), head)).toEqual([
      expect.objectContaining({ seq: 4, rule: 'event_missing' }),
    ]);
    expect(check(events, null)).toEqual([expect.objectContaining({ rule: 'head_invalid' })]);
  });

  it('refuses an inserted event signed by another key, and a trail under another key', () => {
    const { events, head } = trail(3);
    const forger = generateKeyPair();
    const forged = trail(4, forger).events[3]!;
    const withForged = [...events, { ...forged, prevHash: events[2]!.hash }];
    expect(check(withForged, head)[0]).toMatchObject({ seq: 4, rule: 'signature_invalid' });
    const other = trail(3, forger);
    expect(check(other.events, other.head)).toEqual([expect.objectContaining({ rule: 'node_key_mismatch' })]);
  });

  it('follows a node key rotation recorded in the trail', () => {
    const { events } = trail(2);
    const next = generateKeyPair();
    const rotation = sealSecurityEvent(
      {
        seq: 3,
        at: 2000,
        actor: 'node',
        action: 'node_key_rotated',
        subject: null,
        address: null,
        details: canonicalize({ newKey: next.publicKey }),
        prevHash: events[1]!.hash,
      },
      nodeKeys.publicKey,
      signer(nodeKeys.privateKey),
    ).event;
    const after = sealSecurityEvent(
      { ...rotation, seq: 4, action: 'login', details: '{}', prevHash: rotation.hash },
      next.publicKey,
      signer(next.privateKey),
    );
    const all = [...events, rotation, after.event];
    expect(check(all, after.head, next.publicKey)).toEqual([]);
    expect(check(all, after.head, nodeKeys.publicKey)[0]).toMatchObject({ rule: 'node_key_mismatch' });
  });
});
