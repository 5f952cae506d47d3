/**
 * Keeping contact: briefings (minutes, readouts and readouts compared side by side), invitations
 * with answer deadlines, a channel's orders to keep contact and its commitments (orders.tsx), and
 * the cadence screen of commitments with its charts. Their API calls
 * are in contacts-api.ts, their words in messages.ts.
 */
export { BriefingsView } from './briefings';
export { CadenceScreen } from './cadence';
export { contactsApi, type Commitment } from './contacts-api';
export { InvitationsView } from './invitations';
export { OrdersView } from './orders';
