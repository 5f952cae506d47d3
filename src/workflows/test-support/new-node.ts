/**
 * A node made in the test process for unit tests that need real storage and signing (the
 * appender, recovery, backup): a fresh owner-only directory, an administrator, and optionally an
 * office with its people. Not part of the build (tsconfig.build.json leaves out test-support).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LOCAL_OPERATOR } from '../../cli/local-node.js';
import type { Role } from '../../core/model.js';
import type { ParleyNode } from '../../node/parley-node.js';
import { addOffice, addPrincipal } from '../directory/commands.js';
import { initNode } from '../open-node.js';

export const TEST_PASSWORD = 'correct horse battery staple';

export interface NewNode {
  /** The temporary directory holding the data directory (room for backups beside it). */
  dir: string;
  dataDir: string;
  node: ParleyNode;
}

/** A node of `party` named `partyName`, with `office` and its `people` ([id, role]) when given. */
export async function newNode(
  party: string,
  options: {
    prefix: string;
    partyName?: string;
    office?: { id: string; name: string };
    people?: ReadonlyArray<readonly [string, Role]>;
  },
): Promise<NewNode> {
  const dir = mkdtempSync(join(tmpdir(), options.prefix));
  const dataDir = join(dir, 'node');
  const node = await initNode({
    dataDir,
    party,
    partyName: options.partyName ?? party,
    adminId: 'admin',
    adminPassword: TEST_PASSWORD,
  });
  if (options.office) await addOffice(node, LOCAL_OPERATOR, options.office);
  for (const [id, role] of options.people ?? []) await addPerson(node, id, options.office!.id, role);
  return { dir, dataDir, node };
}

/** Adds a person to an office, with the test password and an empty title. */
export function addPerson(node: ParleyNode, id: string, office: string, role: Role): Promise<unknown> {
  return addPrincipal(node, LOCAL_OPERATOR, { id, office, role, title: '', password: TEST_PASSWORD });
}
