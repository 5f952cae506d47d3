/** Joint statements as the app shows them: versions, brackets, approvals, release. */
import { brackets, textHash, type Bracket } from './kinds.js';
import type { EntryRef } from '../obligations/kinds.js';
import { partiesAt } from '../../core/membership.js';
import type { Principal } from '../../storage/storage.js';
import { joinedAt, readableChannel } from '../channels/queries.js';
import { type NodeContext } from '../context.js';
import { toLogged } from '../entries/present.js';

export interface StatementVersion {
  id: string;
  /** The entry's hash, to reference it (`revises`, `of`). */
  hash: string;
  party: string;
  author: string;
  at: string;
  text: string;
  textHash: string;
  brackets: Bracket[];
  revises: string | null;
}

export interface Statement {
  statement: string;
  title: string;
  versions: StatementVersion[];
  /** The newest version. */
  current: string;
  state: 'bracketed' | 'approving' | 'released';
  approvals: Array<{ id: string; party: string; by: string; at: string; textHash: string }>;
  waitingFor: string[];
  released: { id: string; by: string; at: string; textHash: string } | null;
}

const byClock = <T extends { hlc: string }>(a: T, b: T) => (a.hlc < b.hlc ? -1 : a.hlc > b.hlc ? 1 : 0);

export async function listStatements(
  node: NodeContext,
  actor: Principal,
  channelId: string,
): Promise<Statement[]> {
  const channel = await readableChannel(node, actor, channelId);
  const read = async (kind: string) =>
    (await node.storage.listByKind(channel.id, kind, 100_000)).map(toLogged).sort(byClock);
  const [drafts, approvals, releases, joined] = await Promise.all([
    read('statement-draft'),
    read('statement-approve'),
    read('statement-release'),
    joinedAt(node, channel),
  ]);
  const refId = (of: EntryRef) => `${channel.id}/${of.party}/${of.seq}`;
  const statements = new Map<string, Statement>();
  for (const draft of drafts) {
    const body = draft.body as { statement: string; title: string; text: string; revises?: EntryRef };
    let statement = statements.get(body.statement);
    if (!statement) {
      statement = {
        statement: body.statement,
        title: body.title,
        versions: [],
        current: draft.id,
        state: 'bracketed',
        approvals: [],
        waitingFor: [],
        released: null,
      };
      statements.set(body.statement, statement);
    }
    statement.title = body.title;
    statement.current = draft.id;
    statement.versions.push({
      id: draft.id,
      hash: draft.hash,
      party: draft.party,
      author: draft.author,
      at: draft.hlc,
      text: body.text,
      textHash: textHash(body.text),
      brackets: brackets(body.text),
      revises: body.revises ? refId(body.revises) : null,
    });
  }
  for (const statement of statements.values()) {
    const current = statement.versions.at(-1)!;
    statement.approvals = approvals
      .filter((a) => refId(a.body.of as EntryRef) === current.id && a.body.textHash === current.textHash)
      .map((a) => ({
        id: a.id,
        party: a.party,
        by: a.author,
        at: a.hlc,
        textHash: a.body.textHash as string,
      }));
    // A release counts only where every party approved the released text: a node that signs a
    // release on its own (a faulty or hostile peer) does not make the statement released here.
    // Every party of the moment of release: one that joined later does not undo it.
    const approvedBy = new Set(statement.approvals.map((a) => a.party));
    const release = releases.find(
      (r) =>
        refId(r.body.of as EntryRef) === current.id &&
        r.body.textHash === current.textHash &&
        partiesAt(joined, r.hlc).every((p) => approvedBy.has(p)),
    );
    statement.released = release
      ? { id: release.id, by: release.author, at: release.hlc, textHash: release.body.textHash as string }
      : null;
    statement.waitingFor = partiesAt(joined, release?.hlc).filter(
      (p) => !statement.approvals.some((a) => a.party === p),
    );
    statement.state = statement.released
      ? 'released'
      : current.brackets.length > 0
        ? 'bracketed'
        : 'approving';
  }
  return [...statements.values()];
}
