/**
 * Session: signing in with a user id and password (the node sets the session cookie; see
 * lib/api.ts for the session itself and signing out).
 */
export { LoginScreen } from './login';
