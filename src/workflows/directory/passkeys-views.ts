/**
 * The passkeys' views and inputs, defined once (as views.ts for the rest of the directory). The
 * ceremony payloads are the JSON forms of WebAuthn Level 3 (§5.1.8 `toJSON()`,
 * `PublicKeyCredentialCreationOptionsJSON` / `RequestOptionsJSON`), which
 * `@simplewebauthn/browser` produces and takes; their binary fields are base64url.
 */
import { z } from 'zod';
import { idSchema } from '../primitives.js';

/** base64url without padding, as WebAuthn's JSON forms carry bytes; bounded in length. */
const base64url = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .regex(/^[A-Za-z0-9_-]+$/, 'must be base64url (A-Z a-z 0-9 - _, no padding)');

/** A credential id: at most 1023 bytes (WebAuthn Level 3 §5.8.3), i.e. 1364 base64url characters. */
export const credentialIdSchema = base64url(1364);

export const passkeyName = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(100, 'must be at most 100 characters')
  .regex(/^[^\p{Cc}]*$/u, 'must not contain control characters');

export const passkeySchema = z
  .object({
    id: z.string(),
    user: z.string(),
    name: z.string(),
    createdAt: z.number(),
    lastUsedAt: z.number().nullable(),
    /** `multiDevice` for a synced passkey, `singleDevice` for one bound to its authenticator. */
    deviceType: z.string(),
    backedUp: z.boolean(),
    transports: z.array(z.string()),
  })
  .meta({ id: 'Passkey' });
export type PasskeyView = z.infer<typeof passkeySchema>;

export const passkeyListQuery = z.strictObject({ user: idSchema.optional() });
export const passkeyParams = z.strictObject({ id: credentialIdSchema });
export const passkeyRenameBody = z.strictObject({ name: passkeyName });

const transports = z.array(z.string().max(32)).max(10);
const extensionResults = z.record(z.string(), z.unknown());

/** What `startRegistration()` resolves with (RegistrationResponseJSON). */
export const registrationResponseSchema = z.object({
  id: credentialIdSchema,
  rawId: credentialIdSchema,
  type: z.literal('public-key'),
  response: z.object({
    clientDataJSON: base64url(4096),
    attestationObject: base64url(65536),
    authenticatorData: base64url(65536).optional(),
    transports: transports.optional(),
    publicKeyAlgorithm: z.number().int().optional(),
    publicKey: base64url(8192).optional(),
  }),
  authenticatorAttachment: z.enum(['platform', 'cross-platform']).optional(),
  clientExtensionResults: extensionResults,
});

/** What `startAuthentication()` resolves with (AuthenticationResponseJSON). */
export const authenticationResponseSchema = z.object({
  id: credentialIdSchema,
  rawId: credentialIdSchema,
  type: z.literal('public-key'),
  response: z.object({
    clientDataJSON: base64url(4096),
    authenticatorData: base64url(65536),
    signature: base64url(8192),
    userHandle: base64url(1024).optional(),
  }),
  authenticatorAttachment: z.enum(['platform', 'cross-platform']).optional(),
  clientExtensionResults: extensionResults,
});

export const passkeyRegisterBody = z.strictObject({
  name: passkeyName,
  response: registrationResponseSchema,
});
export const passkeyLoginBody = z.strictObject({ response: authenticationResponseSchema });

const credentialDescriptor = z.object({
  id: z.string(),
  /** `public-key`. */
  type: z.string(),
  transports: z.array(z.string()).optional(),
});

/** The options to pass to `startRegistration({ optionsJSON })` (it may carry more fields, e.g. `hints`). */
export const passkeyCreationOptions = z
  .object({
    challenge: z.string(),
    rp: z.object({ id: z.string().optional(), name: z.string() }),
    user: z.object({ id: z.string(), name: z.string(), displayName: z.string() }),
    pubKeyCredParams: z.array(z.object({ type: z.string(), alg: z.number() })),
    timeout: z.number().optional(),
    excludeCredentials: z.array(credentialDescriptor).optional(),
    authenticatorSelection: z
      .object({
        authenticatorAttachment: z.string().optional(),
        residentKey: z.string().optional(),
        requireResidentKey: z.boolean().optional(),
        userVerification: z.string().optional(),
      })
      .optional(),
    attestation: z.string().optional(),
  })
  .meta({ id: 'PasskeyCreationOptions' });

/** The options to pass to `startAuthentication({ optionsJSON })`. */
export const passkeyRequestOptions = z
  .object({
    challenge: z.string(),
    rpId: z.string().optional(),
    timeout: z.number().optional(),
    allowCredentials: z.array(credentialDescriptor).optional(),
    userVerification: z.string().optional(),
  })
  .meta({ id: 'PasskeyRequestOptions' });

/** A session's second-factor state, as the login answer and `GET /api/v1/passkeys/policy` give it. */
export const secondFactorSchema = z.enum(['none', 'passkey', 'passkey-enrol']);
