/**
 * The browser side of the passkey ceremonies (WebAuthn, through `@simplewebauthn/browser`): the
 * node hands out options with a one-time challenge, the browser asks the authenticator, and the
 * answer goes back to the node, which verifies it. Used by the login screen and the passkeys panel.
 */
import {
  WebAuthnError,
  browserSupportsWebAuthn,
  startAuthentication,
  startRegistration,
} from '@simplewebauthn/browser';
import { ApiError, api, type Body } from '../../lib/api';
import { t } from './messages';

type CreationOptions = Parameters<typeof startRegistration>[0]['optionsJSON'];
type RequestOptions = Parameters<typeof startAuthentication>[0]['optionsJSON'];

export const passkeysSupported = (): boolean => browserSupportsWebAuthn();

/** Registers a new passkey under `name` (and completes a login that had to register one first). */
export async function registerPasskey(name: string) {
  const options = await api.passkeyRegistrationOptions();
  const response = await startRegistration({ optionsJSON: options as unknown as CreationOptions });
  return api.registerPasskey({
    name,
    response: response as unknown as Body<'POST /api/v1/me/passkeys'>['response'],
  });
}

/** The passkey step of a login. */
export async function logInWithPasskey() {
  const options = await api.passkeyLoginOptions();
  const response = await startAuthentication({ optionsJSON: options as unknown as RequestOptions });
  return api.passkeyLogin({
    response: response as unknown as Body<'POST /api/v1/session/passkey'>['response'],
  });
}

/** A person-readable reason a ceremony failed. */
export function describePasskeyError(error: unknown): string {
  if (error instanceof WebAuthnError) {
    if (error.code === 'ERROR_AUTHENTICATOR_PREVIOUSLY_REGISTERED') return t('passkeyAlreadyRegistered');
    return t('passkeyCancelled');
  }
  if (error instanceof Error && error.name === 'NotAllowedError') return t('passkeyCancelled');
  if (error instanceof ApiError) {
    if (error.code === 'passkey_cloned') return t('passkeyCloned');
    if (error.code === 'passkey_unknown') return t('passkeyUnknown');
    if (error.code === 'passkey_last_required') return t('passkeyLastRequired');
    return error.message;
  }
  return error instanceof Error ? error.message : String(error);
}
