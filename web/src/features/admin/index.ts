/**
 * Administration and peers: offices, users and channels (role admin), pinning peer nodes, and the
 * peers screen with link tests and alerts.
 */
export { AdminScreen } from './admin';
export { PeersScreen } from './peers';
