/**
 * The names of security events, one list: recorders use them, the reader filters by them and the
 * API documents them. A new kind of event adds its name here (the reader refuses unknown names,
 * so a typo in a filter is an error rather than an empty page).
 */
export const SECURITY_ACTIONS = [
  // Logins and sessions (workflows/directory/sessions.ts).
  'login',
  'login_password_ok',
  'login_failed',
  'login_throttled',
  'logout',
  'password_rehashed',
  // API tokens.
  'token_created',
  'token_revoked',
  // Accounts (workflows/directory/accounts.ts).
  'password_changed',
  'password_change_failed',
  'account_disabled',
  'account_enabled',
  'user_added',
  'office_added',
  // Peers (federation/pin-peer.ts) and recovery.
  'peer_pinned',
  'peer_unpinned',
  'recovery_refused',
  // Channels and charters (workflows/channels).
  'channel_created',
  'channel_accepted',
  'charter_change_proposed',
  'charter_change_agreed',
  // Keys: a person's and the node's (recorded by key custody and rotation).
  'person_key_rotated',
  'person_key_revoked',
  'person_key_rotation_failed',
  'key_sealed',
  'key_reset',
  'node_key_rotated',
  'peer_key_rotated',
  'passkey_registered',
  'passkey_register_failed',
  'passkey_renamed',
  'passkey_removed',
  'passkey_login',
  'passkey_login_failed',
  'passkey_counter_regressed',
  // Alerting (workflows/alerting): e-mail addresses, alternates, webhooks, the on-watch roster.
  'alerting_changed',
  'roster_changed',
] as const;

export type SecurityAction = (typeof SECURITY_ACTIONS)[number];
