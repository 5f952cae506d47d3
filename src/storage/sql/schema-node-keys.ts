/**
 * Node key rotations (node/node-key-rotation.ts): for this node and each peer, every statement
 * by which a node key named its successor, signed by both keys. Kept so that entries and
 * checkpoints signed before a rotation stay verifiable after the pin moved to the new key.
 * SQLite's version 8, PostgreSQL's 9.
 */
import type { DdlDialect, Migration } from './schema.js';

export function nodeKeysSchema(d: DdlDialect, version: number): Migration {
  return {
    version,
    name: 'node key rotations',
    sql: `
      CREATE TABLE node_key_rotations (
        party TEXT NOT NULL,
        previous_key TEXT NOT NULL,
        new_key TEXT NOT NULL,
        at ${d.int} NOT NULL,
        previous_signature TEXT NOT NULL,
        new_signature TEXT NOT NULL,
        PRIMARY KEY (party, previous_key)
      )${d.withoutRowid};
    `,
  };
}
