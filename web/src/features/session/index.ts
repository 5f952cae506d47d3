/**
 * Session: signing in with a user id and password, then a passkey when the node asks for one (the
 * node sets the session cookie; see lib/api.ts for the session itself and signing out), and one's
 * passkeys (`PasskeysPanel`, shown today on its own screen, `PasskeysScreen`).
 */
export { LoginScreen } from './login';
export { PasskeysPanel, PasskeysScreen } from './passkeys';
