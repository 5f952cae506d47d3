/**
 * The passkeys part of the storage contract: people's WebAuthn credentials (public keys and
 * signature counters, never a secret) and the one-time challenges of registration and login.
 */

/** A registered passkey of one principal. */
export interface PasskeyCredential {
  /** The credential id, base64url, as the authenticator made it. */
  id: string;
  principal: string;
  /** The person's label for it ("office laptop"). */
  name: string;
  /** The COSE public key, base64url. */
  publicKey: string;
  /** The authenticator's signature counter last seen (0 for authenticators that keep none). */
  counter: number;
  transports: string[];
  /** `singleDevice` or `multiDevice` (a synced passkey). */
  deviceType: string;
  backedUp: boolean;
  createdAt: number;
  lastUsedAt: number | null;
}

export type PasskeyPurpose = 'register' | 'login';

/** A challenge handed to one session for one ceremony. */
export interface PasskeyChallenge {
  /** base64url, as sent to the browser and returned inside clientDataJSON. */
  challenge: string;
  principal: string;
  /** The hash of the session it was issued to; only that session may answer it. */
  sessionHash: string;
  purpose: PasskeyPurpose;
  expiresAt: number;
}

export interface PasskeyStore {
  /** Throws AlreadyExistsError when the credential id is registered already (to anyone). */
  addPasskey(credential: PasskeyCredential): Promise<void>;
  getPasskey(id: string): Promise<PasskeyCredential | null>;
  /** One principal's passkeys, or everyone's with null; oldest first. */
  listPasskeys(principal: string | null): Promise<PasskeyCredential[]>;
  /** False when the principal has no passkey with this id. */
  renamePasskey(id: string, principal: string, name: string): Promise<boolean>;
  /** False when the principal has no passkey with this id. */
  deletePasskey(id: string, principal: string): Promise<boolean>;
  /**
   * Records a login with the passkey: the new counter, only if the stored one is still
   * `expectedCounter` (so two logins racing with one counter value cannot both count). False
   * when it changed meanwhile or the passkey is gone.
   */
  recordPasskeyUse(id: string, expectedCounter: number, counter: number, at: number): Promise<boolean>;
  /**
   * Stores a new challenge, replacing an earlier one of the same session and purpose (so a
   * session holds at most one per ceremony), and drops challenges long expired.
   */
  putPasskeyChallenge(challenge: PasskeyChallenge): Promise<void>;
  /**
   * Takes (deletes) the challenge if it was issued to this session for this purpose and has not
   * expired at `now`; true exactly once per challenge.
   */
  takePasskeyChallenge(
    challenge: string,
    sessionHash: string,
    purpose: PasskeyPurpose,
    now: number,
  ): Promise<boolean>;
}
