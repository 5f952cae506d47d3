/**
 * When a node asks for passkeys, and for which relying party. Passkeys are a second factor after
 * the password (README "Passkeys"): the password still unlocks the person's key, the passkey
 * proves the person holds their authenticator. The node setting (`parley serve --passkeys`):
 *
 * - `off` (the default): no passkeys are registered or asked for.
 * - `optional`: anyone may register passkeys; a person who has one must use it at every login.
 * - `required-for-heads-and-admins`: as optional, and heads and administrators must have one: one
 *   who has none is led, right after the password step, to register one before the session works.
 *
 * WebAuthn binds a credential to a relying party id (a domain) and checks the page's origin
 * (WebAuthn Level 3 §5.1.3 step 9, §7.1 step 13), so passkeys need the address people open in
 * their browser: the node's public URL, `https://host[:port]`, or `http://localhost[:port]` for a
 * node used on its own machine (browsers treat localhost as a secure context). IP addresses are not
 * valid relying party ids.
 */
import { isIP } from 'node:net';
import { ParleyError } from '../../core/errors.js';
import type { Principal } from '../../core/model.js';
import type { PendingFactor } from '../../storage/storage.js';
import type { NodeContext } from '../context.js';

export const PASSKEY_MODES = ['off', 'optional', 'required-for-heads-and-admins'] as const;
export type PasskeyMode = (typeof PASSKEY_MODES)[number];

/** How long a session that has passed the password step may take to give its passkey. */
export const SECOND_FACTOR_WINDOW_MS = 5 * 60_000;
/** How long a registration or login ceremony may take (the browser's timeout, and the challenge's). */
export const CEREMONY_TIMEOUT_MS = 3 * 60_000;

export interface PasskeySettings {
  mode: PasskeyMode;
  /** The relying party id: the public URL's host name. */
  rpId: string;
  /** The only origin accepted in a ceremony: the public URL's origin. */
  origin: string;
  /** Shown by the authenticator ("Parley · RU"). */
  rpName: string;
}

/**
 * The node's passkey settings from its configuration, or null when passkeys are off. Refuses an
 * unknown mode, and passkeys without a public URL that a browser accepts as a relying party.
 */
export function passkeySettings(
  mode: string | undefined,
  publicUrl: string | undefined,
  rpName: string,
): PasskeySettings | null {
  const chosen = mode ?? 'off';
  if (!(PASSKEY_MODES as readonly string[]).includes(chosen))
    throw new ParleyError(
      'validation_failed',
      `--passkeys '${chosen}' must be one of ${PASSKEY_MODES.join(', ')}`,
    );
  if (chosen === 'off') return null;
  if (!publicUrl)
    throw new ParleyError(
      'validation_failed',
      `--passkeys ${chosen} needs the node's public URL, the address people open in their browser ` +
        '(--public-url https://parley.example.org or PARLEY_PUBLIC_URL)',
    );
  const { origin, hostname } = publicOrigin(publicUrl);
  return { mode: chosen as PasskeyMode, rpId: hostname, origin, rpName };
}

/** The origin and host of a public URL fit for WebAuthn, or a `validation_failed` naming the rule. */
export function publicOrigin(publicUrl: string): { origin: string; hostname: string } {
  let url: URL;
  try {
    url = new URL(publicUrl);
  } catch {
    throw new ParleyError('validation_failed', `--public-url '${publicUrl}' is not a URL`);
  }
  const refuse = (rule: string): never => {
    throw new ParleyError('validation_failed', `--public-url '${publicUrl}' ${rule}`);
  };
  if (url.username || url.password) refuse('must not carry a user name or password');
  if ((url.pathname !== '/' && url.pathname !== '') || url.search || url.hash)
    refuse('must be an origin only (scheme, host and port), without a path, query or fragment');
  const hostname = url.hostname;
  if (isIP(hostname.replace(/^\[|\]$/g, '')) !== 0)
    refuse('must name a host, not an IP address: WebAuthn relying party ids are domain names');
  if (url.protocol === 'http:' && hostname !== 'localhost')
    refuse(
      'must use https:// (plain http:// only for localhost): browsers offer passkeys in secure contexts only',
    );
  if (url.protocol !== 'https:' && url.protocol !== 'http:') refuse('must use https://');
  return { origin: url.origin, hostname };
}

/** Whether the node's setting makes a passkey compulsory for this person. */
export function passkeyRequiredFor(settings: PasskeySettings | null, principal: Principal): boolean {
  return (
    settings?.mode === 'required-for-heads-and-admins' &&
    (principal.role === 'head' || principal.role === 'admin')
  );
}

/**
 * What a person who has just given the right password still owes: a login with one of their
 * passkeys when they have any (and passkeys are on), registering a first one when the node
 * requires it for their role, or nothing.
 */
export async function secondFactorFor(
  node: NodeContext,
  settings: PasskeySettings | null,
  principal: Principal,
): Promise<PendingFactor | null> {
  if (!settings) return null;
  if ((await node.storage.listPasskeys(principal.id)).length > 0) return 'passkey';
  return passkeyRequiredFor(settings, principal) ? 'passkey-enrol' : null;
}
