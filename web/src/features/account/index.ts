/** A person's own account: their API tokens (list, create, revoke) and their password. */
export { AccountScreen } from './account';
