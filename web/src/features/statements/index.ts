/**
 * Statements: joint statements with their disputed passages (brackets, found by the node's own
 * function), approvals bound to the text hash, and a word diff between versions.
 */
export { StatementsView } from './statements';
