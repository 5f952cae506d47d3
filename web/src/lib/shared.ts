/**
 * The one door from the web app into the node's own source: pure modules that both sides must
 * compute identically (the web otherwise reaches the node only through the HTTP API). Nothing
 * here may touch Node APIs; add a re-export here rather than importing from src/ elsewhere.
 */
export { findBrackets, type Bracket } from '../../../src/workflows/statements/brackets.js';
export { ENVELOPE_FIELDS } from '../../../src/core/envelope.js';
export type * from '../../../src/workflows/contacts/readouts/alignment.js';
/** The readout alignment, loaded on first use: it carries the Snowball stemmers (a large module). */
export const loadAlignment = () => import('../../../src/workflows/contacts/readouts/alignment.js');
export { SECURITY_ACTIONS } from '../../../src/workflows/audit-trail/actions.js';
export { canWrite } from '../../../src/core/policy.js';
export { isContact } from '../../../src/workflows/contacts/cadence.js';
export { isoWeek, median, PRECEDENCE_ORDER, weekStart } from '../../../src/workflows/contacts/metrics.js';
export { readBackForm } from '../../../src/workflows/obligations/read-back.js';
