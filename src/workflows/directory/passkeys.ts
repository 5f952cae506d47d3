/**
 * Passkeys (WebAuthn, with `@simplewebauthn/server`): registering, listing, renaming and
 * removing one's passkeys, and the passkey step of a login. The policy — when a passkey is asked
 * for, the relying party — is in passkeys-policy.ts.
 *
 * A login with passkeys is two steps on one session: the password step (sessions.ts `logIn`)
 * starts a session that owes its second factor (`pendingFactor`), which authenticates nothing
 * but the routes of this step, for SECOND_FACTOR_WINDOW_MS; the passkey step verifies an
 * assertion and completes the same session, which then gets its normal absolute end. The
 * session that the password opened (and whatever the password unlocked with it) is the one that
 * is completed, so "the password unlocks the key" stays true and the passkey only gates it.
 *
 * Refused, with nothing written (save the challenge, which is spent by any answer):
 * - a challenge that this session was not given for this ceremony, has expired, or was answered
 *   already (a replayed response): `passkey_challenge_invalid`;
 * - a credential id that is not one of this person's passkeys: `passkey_unknown`;
 * - a response whose origin, relying party, type, user presence or verification, or signature
 *   does not check (WebAuthn Level 3 §7.1, §7.2): `passkey_invalid`;
 * - an assertion whose signature counter has not moved past the stored one, while either is
 *   non-zero (§6.1.1: a cloned authenticator, or a replay racing the original): `passkey_cloned`.
 *   The counter is stored with a compare-and-set, so two logins racing with one counter value
 *   cannot both pass.
 *
 * Passkey events go to the audit log through `recordPasskeyEvent` only (types `passkey_*` and
 * `login`), never with key material.
 */
import { recordSecurityEvent } from '../audit-trail/record.js';
import type { SecurityAction } from '../audit-trail/actions.js';
import { ParleyError } from '../../core/errors.js';
import type { Principal } from '../../core/model.js';
import { requireAdmin } from '../../core/policy.js';
import {
  AlreadyExistsError,
  type PasskeyCredential,
  type PasskeyPurpose,
  type PendingFactor,
  type Session,
} from '../../storage/storage.js';
import type { NodeContext } from '../context.js';
import { CEREMONY_TIMEOUT_MS, passkeyRequiredFor, type PasskeySettings } from './passkeys-policy.js';
import type {
  PasskeyView,
  authenticationResponseSchema,
  registrationResponseSchema,
} from './passkeys-views.js';
import type { z } from 'zod';
import type * as WebAuthn from '@simplewebauthn/server';

/**
 * The WebAuthn library (and its ASN.1 stack, ~200 modules) is loaded on the first ceremony, not
 * when the module is imported: every CLI command imports this file through the directory, and
 * none of them runs a ceremony.
 */
const webauthn = (): Promise<typeof WebAuthn> => import('@simplewebauthn/server');

type RegistrationResponse = z.infer<typeof registrationResponseSchema>;
type AuthenticationResponse = z.infer<typeof authenticationResponseSchema>;

/** The session a ceremony runs in: its hash and what it still owes. */
export interface PasskeyCaller {
  principal: Principal;
  /** The cookie session's hash; passkeys are registered and used in a browser session only. */
  sessionHash: string | undefined;
  pendingFactor?: PendingFactor;
  ip: string;
}

/** At most this many passkeys per person (each is listed in every login's options). */
export const MAX_PASSKEYS_PER_PERSON = 20;

/** The one place passkey events reach the security audit trail (workflows/audit-trail). */
export async function recordPasskeyEvent(
  node: NodeContext,
  action: SecurityAction,
  principal: string,
  ip: string | null,
  detail: string,
): Promise<void> {
  await recordSecurityEvent(node, {
    action,
    actor: principal,
    subject: principal,
    address: ip,
    ...(detail ? { details: { detail } } : {}),
  });
}

export function presentPasskey(credential: PasskeyCredential): PasskeyView {
  return {
    id: credential.id,
    user: credential.principal,
    name: credential.name,
    createdAt: credential.createdAt,
    lastUsedAt: credential.lastUsedAt,
    deviceType: credential.deviceType,
    backedUp: credential.backedUp,
    transports: credential.transports,
  };
}

function requireSettings(settings: PasskeySettings | null): PasskeySettings {
  if (!settings)
    throw new ParleyError('passkeys_disabled', 'this node does not use passkeys (parley serve --passkeys)');
  return settings;
}

function requireSession(caller: PasskeyCaller): string {
  if (caller.sessionHash === undefined)
    throw new ParleyError(
      'passkey_needs_session',
      'passkeys are registered and removed in a signed-in browser session, not with an API token',
    );
  return caller.sessionHash;
}

async function storeChallenge(
  node: NodeContext,
  caller: PasskeyCaller,
  sessionHash: string,
  purpose: PasskeyPurpose,
  challenge: string,
): Promise<void> {
  await node.storage.putPasskeyChallenge({
    challenge,
    principal: caller.principal.id,
    sessionHash,
    purpose,
    expiresAt: Date.now() + CEREMONY_TIMEOUT_MS,
  });
}

/** Takes the challenge for this session and ceremony; every answer spends it. */
function challengeTaker(node: NodeContext, sessionHash: string, purpose: PasskeyPurpose) {
  let taken = false;
  return {
    check: async (challenge: string): Promise<boolean> =>
      (taken = await node.storage.takePasskeyChallenge(challenge, sessionHash, purpose, Date.now())),
    get taken(): boolean {
      return taken;
    },
  };
}

/** Options for `navigator.credentials.create()` (WebAuthn Level 3 §5.4), and their challenge stored. */
export async function passkeyRegistrationOptions(
  node: NodeContext,
  settingsOrNull: PasskeySettings | null,
  caller: PasskeyCaller,
) {
  const settings = requireSettings(settingsOrNull);
  const sessionHash = requireSession(caller);
  if (caller.pendingFactor === 'passkey')
    throw new ParleyError('passkey_required', 'finish logging in with your passkey first');
  const existing = await node.storage.listPasskeys(caller.principal.id);
  if (existing.length >= MAX_PASSKEYS_PER_PERSON)
    throw new ParleyError(
      'validation_failed',
      `at most ${MAX_PASSKEYS_PER_PERSON} passkeys per person: remove one first`,
    );
  const options = await (
    await webauthn()
  ).generateRegistrationOptions({
    rpName: settings.rpName,
    rpID: settings.rpId,
    userName: caller.principal.id,
    userDisplayName: caller.principal.title || caller.principal.id,
    timeout: CEREMONY_TIMEOUT_MS,
    attestationType: 'none',
    excludeCredentials: existing.map((c) => ({ id: c.id, transports: c.transports })),
    authenticatorSelection: { residentKey: 'preferred', userVerification: 'required' },
  });
  await storeChallenge(node, caller, sessionHash, 'register', options.challenge);
  return options;
}

/**
 * Registers a passkey from the browser's answer to the registration options. A session that had
 * to register one before it could work (`passkey-enrol`) is complete afterwards, until
 * `sessionEndsAt`.
 */
export async function registerPasskey(
  node: NodeContext,
  settingsOrNull: PasskeySettings | null,
  caller: PasskeyCaller,
  input: { name: string; response: RegistrationResponse },
  sessionTtlMs: number,
): Promise<PasskeyView> {
  const settings = requireSettings(settingsOrNull);
  const sessionHash = requireSession(caller);
  if (caller.pendingFactor === 'passkey')
    throw new ParleyError('passkey_required', 'finish logging in with your passkey first');
  const challenge = challengeTaker(node, sessionHash, 'register');
  let verified;
  try {
    verified = await (
      await webauthn()
    ).verifyRegistrationResponse({
      response: input.response,
      expectedChallenge: challenge.check,
      expectedOrigin: settings.origin,
      expectedRPID: settings.rpId,
      requireUserVerification: true,
    });
  } catch (error) {
    await recordPasskeyEvent(node, 'passkey_register_failed', caller.principal.id, caller.ip, '');
    throw refusal(error, challenge.taken);
  }
  if (!verified.verified) throw new ParleyError('passkey_invalid', 'the passkey could not be verified');
  const info = verified.registrationInfo;
  const credential: PasskeyCredential = {
    id: info.credential.id,
    principal: caller.principal.id,
    name: input.name,
    publicKey: Buffer.from(info.credential.publicKey).toString('base64url'),
    counter: info.credential.counter,
    transports: info.credential.transports ?? input.response.response.transports ?? [],
    deviceType: info.credentialDeviceType,
    backedUp: info.credentialBackedUp,
    createdAt: Date.now(),
    lastUsedAt: null,
  };
  try {
    await node.storage.addPasskey(credential);
  } catch (error) {
    if (error instanceof AlreadyExistsError)
      throw new ParleyError('already_exists', 'this passkey is registered already');
    throw error;
  }
  await recordPasskeyEvent(node, 'passkey_registered', caller.principal.id, caller.ip, input.name);
  if (caller.pendingFactor === 'passkey-enrol')
    await completeSession(node, caller, sessionHash, sessionTtlMs);
  return presentPasskey(credential);
}

/** Options for `navigator.credentials.get()` (§5.5) in a session that owes its passkey. */
export async function passkeyLoginOptions(
  node: NodeContext,
  settingsOrNull: PasskeySettings | null,
  caller: PasskeyCaller,
) {
  const settings = requireSettings(settingsOrNull);
  const sessionHash = requirePending(caller);
  const passkeys = await node.storage.listPasskeys(caller.principal.id);
  const options = await (
    await webauthn()
  ).generateAuthenticationOptions({
    rpID: settings.rpId,
    timeout: CEREMONY_TIMEOUT_MS,
    userVerification: 'required',
    allowCredentials: passkeys.map((c) => ({ id: c.id, transports: c.transports })),
  });
  await storeChallenge(node, caller, sessionHash, 'login', options.challenge);
  return options;
}

/** The passkey step of a login: verifies the assertion and completes the session. */
export async function completePasskeyLogin(
  node: NodeContext,
  settingsOrNull: PasskeySettings | null,
  caller: PasskeyCaller,
  response: AuthenticationResponse,
  sessionTtlMs: number,
): Promise<Session> {
  const settings = requireSettings(settingsOrNull);
  const sessionHash = requirePending(caller);
  const who = caller.principal.id;
  const stored = await node.storage.getPasskey(response.id);
  if (!stored || stored.principal !== who) {
    await recordPasskeyEvent(node, 'passkey_login_failed', who, caller.ip, 'unknown credential');
    throw new ParleyError('passkey_unknown', 'this passkey is not registered for you on this node');
  }
  const challenge = challengeTaker(node, sessionHash, 'login');
  let verified;
  try {
    verified = await (
      await webauthn()
    ).verifyAuthenticationResponse({
      response,
      expectedChallenge: challenge.check,
      expectedOrigin: settings.origin,
      expectedRPID: settings.rpId,
      // The counter is compared below, so a clone is told apart from a bad signature.
      credential: {
        id: stored.id,
        publicKey: Uint8Array.from(Buffer.from(stored.publicKey, 'base64url')),
        counter: 0,
      },
      requireUserVerification: true,
    });
  } catch (error) {
    await recordPasskeyEvent(node, 'passkey_login_failed', who, caller.ip, stored.name);
    throw refusal(error, challenge.taken);
  }
  if (!verified.verified) throw new ParleyError('passkey_invalid', 'the passkey could not be verified');
  const counter = verified.authenticationInfo.newCounter;
  // WebAuthn Level 3 §6.1.1: a counter that does not move while either value is non-zero.
  const regressed = (counter > 0 || stored.counter > 0) && counter <= stored.counter;
  if (regressed || !(await node.storage.recordPasskeyUse(stored.id, stored.counter, counter, Date.now()))) {
    await recordPasskeyEvent(
      node,
      'passkey_counter_regressed',
      who,
      caller.ip,
      `${stored.name}: counter ${counter} after ${stored.counter}`,
    );
    throw new ParleyError(
      'passkey_cloned',
      'this passkey answered with a signature counter already seen: it may have been copied; ' +
        'use another passkey and ask an administrator to remove this one',
    );
  }
  const session = await completeSession(node, caller, sessionHash, sessionTtlMs);
  await recordPasskeyEvent(node, 'login', who, caller.ip, `passkey: ${stored.name}`);
  return session;
}

function requirePending(caller: PasskeyCaller): string {
  const sessionHash = requireSession(caller);
  if (caller.pendingFactor !== 'passkey')
    throw new ParleyError('state_conflict', 'this session does not owe a passkey');
  return sessionHash;
}

async function completeSession(
  node: NodeContext,
  caller: PasskeyCaller,
  sessionHash: string,
  sessionTtlMs: number,
): Promise<Session> {
  const session = await node.storage.getSession(sessionHash);
  const endsAt = (session?.createdAt ?? 0) + sessionTtlMs;
  if (!session || !(await node.storage.completeSessionFactor(sessionHash, endsAt)))
    throw new ParleyError('state_conflict', 'this login was completed or ended meanwhile; log in again');
  const { tokenHash, principal, csrfToken, createdAt, lastSeenAt } = session;
  return { tokenHash, principal, csrfToken, createdAt, lastSeenAt, expiresAt: endsAt };
}

/** A failed verification as the caller's error: a spent or foreign challenge, or a bad response. */
function refusal(error: unknown, challengeTaken: boolean): ParleyError {
  if (error instanceof ParleyError) return error;
  const reason = error instanceof Error ? error.message : String(error);
  if (!challengeTaken && /challenge/i.test(reason))
    return new ParleyError(
      'passkey_challenge_invalid',
      'this answer is not for a challenge this session holds (expired, already answered, or another session’s): start again',
    );
  return new ParleyError('passkey_invalid', `the passkey could not be verified: ${reason}`);
}

/** One's own passkeys, or an administrator's view of another person's. */
export async function listPasskeys(
  node: NodeContext,
  actor: Principal,
  user: string = actor.id,
): Promise<PasskeyView[]> {
  if (user !== actor.id) {
    requireAdmin(actor);
    if (!(await node.storage.getPrincipal(user)))
      throw new ParleyError('principal_not_found', `user '${user}' does not exist`);
  }
  return (await node.storage.listPasskeys(user)).map(presentPasskey);
}

export async function renamePasskey(
  node: NodeContext,
  caller: PasskeyCaller,
  id: string,
  name: string,
): Promise<PasskeyView> {
  requireSession(caller);
  if (!(await node.storage.renamePasskey(id, caller.principal.id, name)))
    throw new ParleyError('not_found', 'you have no passkey with this id');
  const renamed = await node.storage.getPasskey(id);
  if (!renamed) throw new ParleyError('not_found', 'you have no passkey with this id');
  await recordPasskeyEvent(node, 'passkey_renamed', caller.principal.id, caller.ip, name);
  return presentPasskey(renamed);
}

/**
 * Removes one of one's own passkeys. The last one of a person who must have one is kept: an
 * administrator removes it (`parley user passkeys --remove`) when the authenticator is lost, and
 * the person registers a new one at their next login.
 */
export async function removeOwnPasskey(
  node: NodeContext,
  settings: PasskeySettings | null,
  caller: PasskeyCaller,
  id: string,
): Promise<void> {
  requireSession(caller);
  const mine = await node.storage.listPasskeys(caller.principal.id);
  const target = mine.find((c) => c.id === id);
  if (!target) throw new ParleyError('not_found', 'you have no passkey with this id');
  if (mine.length === 1 && passkeyRequiredFor(settings, caller.principal))
    throw new ParleyError(
      'passkey_last_required',
      'this node requires a passkey for your role: register another before removing this one',
    );
  if (await node.storage.deletePasskey(id, caller.principal.id))
    await recordPasskeyEvent(node, 'passkey_removed', caller.principal.id, caller.ip, target.name);
}

/** An administrator removes someone's passkey (a lost or cloned authenticator). */
export async function removePasskeyOf(
  node: NodeContext,
  actor: Principal,
  user: string,
  id: string,
  ip: string | null,
): Promise<PasskeyView> {
  requireAdmin(actor);
  const target = await node.storage.getPasskey(id);
  if (!target || target.principal !== user)
    throw new ParleyError('not_found', `user '${user}' has no passkey with id '${id}'`);
  await node.storage.deletePasskey(id, user);
  await recordPasskeyEvent(node, 'passkey_removed', user, ip, `by ${actor.id}: ${target.name}`);
  return presentPasskey(target);
}
