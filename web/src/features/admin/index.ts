/**
 * Administration and peers: offices, users (disable, enable) and channels (role admin), pinning
 * peer nodes, the security audit trail, and the peers screen with link tests and alerts.
 */
export { AdminScreen } from './admin';
export { AuditScreen } from './audit';
export { PeersScreen } from './peers';
