/**
 * The one door from the web app into the node's own source: pure modules that both sides must
 * compute identically (the web otherwise reaches the node only through the HTTP API). Nothing
 * here may touch Node APIs; add a re-export here rather than importing from src/ elsewhere.
 */
export { findBrackets, type Bracket } from '../../../src/workflows/statements/brackets.js';
export { ENVELOPE_FIELDS } from '../../../src/core/envelope.js';
