/** Unit tests of signed federation requests (request-signing.ts): binding, keys, clock window, replays. */
import { describe, expect, it } from 'vitest';
import { SIGNING_DOMAIN, generateKeyPair, signMessage } from '../core/keys.js';
import {
  MAX_CLOCK_SKEW_MS,
  NonceCache,
  RequestRefusedError,
  signRequest,
  verifyRequest,
} from './request-signing.js';

const ru = generateKeyPair();
const other = generateKeyPair();
const body = JSON.stringify({ entries: [], checkpoints: [] });
const request = { method: 'POST', path: '/federation/v1/entries', body };
const signer = (key: string) => (domain: string, message: string) => signMessage(key, domain, message);
const keys = (party: string) => (party === 'RU' ? ru.publicKey : null);

function refusal(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof RequestRefusedError) return error.code;
    throw error;
  }
  return 'accepted';
}

describe('signed federation requests', () => {
  const now = 1_800_000_000_000;
  const headers = () => signRequest({ ...request, from: 'RU', to: 'US' }, signer(ru.privateKey), now);
  /** The nonce cache of a process that started a minute before `now`. */
  const started = () => new NonceCache(now - 60_000);

  it('accepts a request signed by the pinned key, once', () => {
    const nonces = started();
    const signed = headers();
    expect(verifyRequest(signed, request, 'US', keys, nonces, now)).toBe('RU');
    expect(refusal(() => verifyRequest(signed, request, 'US', keys, nonces, now))).toBe('request_replayed');
  });

  it('binds the signature to method, path, body and addressee', () => {
    const signed = headers();
    const check = (r: typeof request, to = 'US') =>
      refusal(() => verifyRequest(signed, r, to, keys, started(), now));
    expect(check({ ...request, body: body + ' ' })).toBe('request_signature_invalid');
    expect(check({ ...request, path: '/federation/v1/heartbeat' })).toBe('request_signature_invalid');
    expect(check({ ...request, method: 'GET' })).toBe('request_signature_invalid');
    expect(check(request, 'NATO')).toBe('request_misdirected');
  });

  it('refuses other keys, unknown senders, missing headers and stale clocks', () => {
    const forged = signRequest({ ...request, from: 'RU', to: 'US' }, signer(other.privateKey), now);
    expect(refusal(() => verifyRequest(forged, request, 'US', keys, started(), now))).toBe(
      'request_signature_invalid',
    );
    const stranger = signRequest({ ...request, from: 'XX', to: 'US' }, signer(other.privateKey), now);
    expect(refusal(() => verifyRequest(stranger, request, 'US', keys, started(), now))).toBe('peer_unknown');
    expect(refusal(() => verifyRequest({}, request, 'US', keys, started(), now))).toBe('request_unsigned');
    const late = now + MAX_CLOCK_SKEW_MS + 1;
    expect(refusal(() => verifyRequest(headers(), request, 'US', keys, started(), late))).toBe(
      'request_expired',
    );
  });

  it('signs with the request domain tag, so an entry signature cannot pass as a request', () => {
    const signed = headers();
    const entrySig = signMessage(ru.privateKey, SIGNING_DOMAIN.entry, 'anything');
    const swapped = { ...signed, 'x-parley-signature': entrySig };
    expect(refusal(() => verifyRequest(swapped, request, 'US', keys, started(), now))).toBe(
      'request_signature_invalid',
    );
  });

  it('refuses a request signed before this process started, which a predecessor may have accepted', () => {
    const signed = headers();
    expect(verifyRequest(signed, request, 'US', keys, started(), now)).toBe('RU');
    // The process restarted a moment after the request was signed: its nonce cache is new.
    const restarted = new NonceCache(now + 1);
    expect(refusal(() => verifyRequest(signed, request, 'US', keys, restarted, now + 2000))).toBe(
      'request_expired',
    );
    // A request signed after the restart is accepted.
    const fresh = signRequest({ ...request, from: 'RU', to: 'US' }, signer(ru.privateKey), now + 1000);
    expect(verifyRequest(fresh, request, 'US', keys, restarted, now + 2000)).toBe('RU');
  });
});
