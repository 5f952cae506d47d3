/**
 * Obligations: what I owe and what I am owed with countdowns to their deadlines, an item's status
 * and answers (the item panel), receipts (acknowledge form) and clarifications.
 */
export { AckForm } from './ack-form';
export { ClarificationsView } from './clarifications';
export { ItemPanel } from './item-panel';
export { ObligationsScreen } from './obligations';
