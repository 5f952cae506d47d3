/**
 * The node key in a PKCS#11 token (an HSM, or SoftHSM2 for tests): Ed25519 keys of type
 * CKK_EC_EDWARDS, signing with CKM_EDDSA (PKCS#11 v3.0, section 2.3.14 "EdDSA"). The key is
 * created non-extractable and sensitive, so the token signs and nothing ever reads it back.
 *
 * One logged-in session per process, used from the main thread only (signing-pool.ts signs
 * batches holding this key there): PKCS#11 sessions must not be shared across threads, and a
 * token signs one request at a time anyway. `pkcs11js` is an optional dependency, loaded only
 * when a node uses a token.
 */
import { createRequire } from 'node:module';
import type * as Pkcs11Js from 'pkcs11js';
import { ParleyError } from '../core/errors.js';
import { registerExternalSigner, verifyMessage, type ExternalSigner } from '../core/keys.js';
import { readSecretFile, type Pkcs11NodeKey } from './node-key.js';

type Pkcs11Module = typeof Pkcs11Js;
type Pkcs11 = InstanceType<Pkcs11Module['PKCS11']>;
type Handle = Buffer;

export const PIN_ENV = 'PARLEY_PKCS11_PIN';
export const PIN_FILE_ENV = 'PARLEY_PKCS11_PIN_FILE';

// PKCS#11 v3.0 values that pkcs11js 2 does not name.
const CKK_EC_EDWARDS = 0x40;
const CKM_EC_EDWARDS_KEY_PAIR_GEN = 0x1055;
const CKM_EDDSA = 0x1057;
/** DER of the OID id-Ed25519 (1.3.101.112, RFC 8410): the CKA_EC_PARAMS of an Ed25519 key. */
const ED25519_PARAMS = Buffer.from('06032b6570', 'hex');
/** DER prefix of an Ed25519 PKCS#8 key (RFC 8410): the 32-byte seed follows it. */
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/** The token's PIN: PARLEY_PKCS11_PIN, or the first line of the file PARLEY_PKCS11_PIN_FILE names. */
export function pinFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  if (env[PIN_ENV] && env[PIN_FILE_ENV]) {
    throw new ParleyError('validation_failed', `set ${PIN_ENV} or ${PIN_FILE_ENV}, not both`);
  }
  const pin = env[PIN_ENV] ?? (env[PIN_FILE_ENV] ? readSecretFile(env[PIN_FILE_ENV], PIN_FILE_ENV) : null);
  if (!pin) {
    throw new ParleyError(
      'forbidden',
      `the node key is in a PKCS#11 token: set ${PIN_ENV}, or ${PIN_FILE_ENV} to a file holding the PIN`,
    );
  }
  return pin;
}

let loaded: Pkcs11Module | null = null;
const initialised = new Map<string, Pkcs11>();

function pkcs11js(): Pkcs11Module {
  if (!loaded) {
    try {
      loaded = createRequire(import.meta.url)('pkcs11js') as Pkcs11Module;
    } catch (error) {
      throw new ParleyError(
        'unavailable',
        `PKCS#11 support (the optional package pkcs11js) is not installed: ${(error as Error).message}`,
      );
    }
  }
  return loaded;
}

/** The module loaded and initialised once per process. */
function moduleAt(path: string): Pkcs11 {
  let p11 = initialised.get(path);
  if (!p11) {
    const lib = pkcs11js();
    p11 = new lib.PKCS11();
    try {
      p11.load(path);
      p11.C_Initialize();
    } catch (error) {
      throw new ParleyError('unavailable', `cannot load the PKCS#11 module ${path}: ${message(error)}`);
    }
    initialised.set(path, p11);
  }
  return p11;
}

function message(error: unknown): string {
  return (error as Error).message ?? String(error);
}

/** A read-write session on the token labelled `tokenLabel`, logged in as the user. */
function openSession(
  ref: Pick<Pkcs11NodeKey, 'module' | 'tokenLabel'>,
  pin: string,
): { p11: Pkcs11; session: Handle } {
  const lib = pkcs11js();
  const p11 = moduleAt(ref.module);
  const slot = p11
    .C_GetSlotList(true)
    .find((candidate) => p11.C_GetTokenInfo(candidate).label.trim() === ref.tokenLabel);
  if (!slot) {
    throw new ParleyError('not_found', `no PKCS#11 token labelled '${ref.tokenLabel}' in ${ref.module}`);
  }
  const session = p11.C_OpenSession(slot, lib.CKF_SERIAL_SESSION | lib.CKF_RW_SESSION);
  try {
    p11.C_Login(session, lib.CKU_USER, pin);
  } catch (error) {
    const text = message(error);
    if (!text.includes('CKR_USER_ALREADY_LOGGED_IN')) {
      p11.C_CloseSession(session);
      throw new ParleyError(
        'forbidden',
        text.includes('CKR_PIN_INCORRECT')
          ? `wrong PIN for the PKCS#11 token '${ref.tokenLabel}' (${PIN_ENV} / ${PIN_FILE_ENV})`
          : `cannot log in to the PKCS#11 token '${ref.tokenLabel}': ${text}`,
      );
    }
  }
  return { p11, session };
}

function findKey(p11: Pkcs11, session: Handle, keyClass: number, label: string): Handle | null {
  const lib = pkcs11js();
  p11.C_FindObjectsInit(session, [
    { type: lib.CKA_CLASS, value: keyClass },
    { type: lib.CKA_KEY_TYPE, value: CKK_EC_EDWARDS },
    { type: lib.CKA_LABEL, value: label },
  ]);
  const found = p11.C_FindObjects(session, 2);
  p11.C_FindObjectsFinal(session);
  if (found.length > 1) {
    throw new ParleyError(
      'validation_failed',
      `the PKCS#11 token holds more than one key labelled '${label}'`,
    );
  }
  return found[0] ?? null;
}

function keyTemplate(label: string, id: Buffer) {
  const lib = pkcs11js();
  return {
    public: [
      { type: lib.CKA_CLASS, value: lib.CKO_PUBLIC_KEY },
      { type: lib.CKA_KEY_TYPE, value: CKK_EC_EDWARDS },
      { type: lib.CKA_TOKEN, value: true },
      { type: lib.CKA_VERIFY, value: true },
      { type: lib.CKA_LABEL, value: label },
      { type: lib.CKA_ID, value: id },
      { type: lib.CKA_EC_PARAMS, value: ED25519_PARAMS },
    ],
    private: [
      { type: lib.CKA_CLASS, value: lib.CKO_PRIVATE_KEY },
      { type: lib.CKA_KEY_TYPE, value: CKK_EC_EDWARDS },
      { type: lib.CKA_TOKEN, value: true },
      { type: lib.CKA_PRIVATE, value: true },
      { type: lib.CKA_SIGN, value: true },
      { type: lib.CKA_SENSITIVE, value: true },
      { type: lib.CKA_EXTRACTABLE, value: false },
      { type: lib.CKA_LABEL, value: label },
      { type: lib.CKA_ID, value: id },
      { type: lib.CKA_EC_PARAMS, value: ED25519_PARAMS },
    ],
  };
}

/**
 * Runs `write` in a session on the token once no key there has `ref.keyLabel` (a label names one
 * key: refused as `already_exists`); token failures become `unavailable` with `failure` in front.
 */
function withFreeLabel<T>(
  ref: Omit<Pkcs11NodeKey, 'format' | 'custody' | 'publicKey'>,
  pin: string,
  failure: string,
  write: (p11: Pkcs11, session: Handle, template: ReturnType<typeof keyTemplate>) => T,
): T {
  const lib = pkcs11js();
  const { p11, session } = openSession(ref, pin);
  try {
    if (findKey(p11, session, lib.CKO_PRIVATE_KEY, ref.keyLabel)) {
      throw new ParleyError(
        'already_exists',
        `the PKCS#11 token '${ref.tokenLabel}' already holds a key labelled '${ref.keyLabel}'`,
      );
    }
    return write(p11, session, keyTemplate(ref.keyLabel, Buffer.from(ref.keyLabel)));
  } catch (error) {
    if (error instanceof ParleyError) throw error;
    throw new ParleyError('unavailable', `${failure}: ${message(error)}`);
  } finally {
    p11.C_CloseSession(session);
  }
}

/**
 * Copies a key (PKCS#8 DER, base64) into the token as a non-extractable Ed25519 key; refuses
 * when the token already holds a key of that label.
 */
export function importIntoToken(
  privateKey: string,
  publicKey: string,
  ref: Omit<Pkcs11NodeKey, 'format' | 'custody' | 'publicKey'>,
  pin: string,
): void {
  const der = Buffer.from(privateKey, 'base64');
  if (der.length !== PKCS8_PREFIX.length + 32 || !der.subarray(0, PKCS8_PREFIX.length).equals(PKCS8_PREFIX)) {
    throw new ParleyError('validation_failed', 'the node key is not an Ed25519 PKCS#8 key');
  }
  withFreeLabel(ref, pin, 'the PKCS#11 token refused the key', (p11, session, template) => {
    const lib = pkcs11js();
    // CKA_EC_POINT of an Edwards key: the raw public key as a DER OCTET STRING.
    const point = Buffer.concat([Buffer.from([0x04, 0x20]), Buffer.from(publicKey, 'base64')]);
    p11.C_CreateObject(session, [
      ...template.private,
      { type: lib.CKA_VALUE, value: der.subarray(PKCS8_PREFIX.length) },
    ]);
    p11.C_CreateObject(session, [...template.public, { type: lib.CKA_EC_POINT, value: point }]);
  });
}

/** Generates a new Ed25519 key pair inside the token; returns its raw public key (base64). */
export function generateInToken(
  ref: Omit<Pkcs11NodeKey, 'format' | 'custody' | 'publicKey'>,
  pin: string,
): string {
  return withFreeLabel(ref, pin, 'the PKCS#11 token could not generate a key', (p11, session, template) => {
    const lib = pkcs11js();
    const keys = p11.C_GenerateKeyPair(
      session,
      { mechanism: CKM_EC_EDWARDS_KEY_PAIR_GEN },
      template.public,
      template.private,
    );
    const [attribute] = p11.C_GetAttributeValue(session, keys.publicKey, [{ type: lib.CKA_EC_POINT }]);
    const point = attribute?.value as Buffer | undefined;
    // Tokens give the point DER-wrapped (04 20 || key), as the standard says, or bare.
    const raw = point?.length === 34 && point[0] === 0x04 && point[1] === 0x20 ? point.subarray(2) : point;
    if (!raw || raw.length !== 32)
      throw new ParleyError('unavailable', 'the token returned no Ed25519 public key');
    return raw.toString('base64');
  });
}

/**
 * Opens the token, finds the key and checks it is the recorded one (it signs a probe that must
 * verify under `ref.publicKey`); returns the handle to sign with (core/keys.ts).
 */
export function openTokenKey(ref: Pkcs11NodeKey, pin: string): string {
  const lib = pkcs11js();
  const { p11, session } = openSession(ref, pin);
  const key = findKey(p11, session, lib.CKO_PRIVATE_KEY, ref.keyLabel);
  if (!key) {
    p11.C_CloseSession(session);
    throw new ParleyError(
      'not_found',
      `the PKCS#11 token '${ref.tokenLabel}' holds no Ed25519 key labelled '${ref.keyLabel}'`,
    );
  }
  const signer: ExternalSigner = {
    publicKey: ref.publicKey,
    sign(bytes: Buffer): Buffer {
      p11.C_SignInit(session, { mechanism: CKM_EDDSA }, key);
      return p11.C_Sign(session, bytes, Buffer.alloc(64));
    },
  };
  const probe = `node key check ${Date.now()}`;
  let signature: string;
  try {
    signature = signer.sign(Buffer.from(`parley/probe/v1\n${probe}`)).toString('base64');
  } catch (error) {
    p11.C_CloseSession(session);
    throw new ParleyError('unavailable', `the PKCS#11 token cannot sign with CKM_EDDSA: ${message(error)}`);
  }
  if (!verifyMessage(ref.publicKey, 'parley/probe/v1\n', probe, signature)) {
    p11.C_CloseSession(session);
    throw new ParleyError(
      'forbidden',
      `the key '${ref.keyLabel}' in the PKCS#11 token '${ref.tokenLabel}' is not the node key recorded in node.key`,
    );
  }
  return registerExternalSigner(`pkcs11:${ref.tokenLabel}:${ref.keyLabel}`, signer);
}
