/** Joint statements as the app shows them: versions, brackets and their resolutions, approvals, release. */
import type { LoggedEntry } from '../../core/kinds.js';
import { brackets, textHash, type Bracket } from './kinds.js';
import type { EntryRef } from '../obligations/kinds.js';
import { partiesAt } from '../../core/membership.js';
import type { Principal } from '../../storage/storage.js';
import { joinedAt, readableChannel } from '../channels/queries.js';
import { type NodeContext } from '../context.js';
import { toLogged } from '../entries/present.js';
import {
  STATEMENT_ACTIONS,
  foldVersion,
  type ApprovalView,
  type BracketView,
  type ReleaseView,
  type ResolutionView,
  type VersionFold,
} from './fold.js';

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
  /** The current version's text with every bracket resolved by every party written out. */
  text: string;
  /** The hash to approve: of `text`. */
  textHash: string;
  /** The current version's brackets, each with its live resolution. */
  brackets: BracketView[];
  /** Every proposed resolution of the current version, oldest first. */
  resolutions: ResolutionView[];
  /** Brackets not yet resolved by every party. */
  open: number;
  state: 'bracketed' | 'approving' | 'embargoed' | 'released';
  approvals: ApprovalView[];
  waitingFor: string[];
  released: ReleaseView | null;
  /** Entries the statement's rules did not apply (written concurrently on another node). */
  refused: VersionFold['refused'];
}

const byClock = <T extends { hlc: string }>(a: T, b: T) => (a.hlc < b.hlc ? -1 : a.hlc > b.hlc ? 1 : 0);

/** Whether a release is still under its embargo at `now` (ms). */
export function underEmbargo(release: ReleaseView | null, now: number): boolean {
  return release?.embargoUntil != null && now < Date.parse(release.embargoUntil);
}

export async function listStatements(
  node: NodeContext,
  actor: Principal,
  channelId: string,
): Promise<Statement[]> {
  const channel = await readableChannel(node, actor, channelId);
  const read = async (kind: string) =>
    (await node.storage.listByKind(channel.id, kind, 100_000)).map(toLogged).sort(byClock);
  const [drafts, joined, ...actionLists] = await Promise.all([
    read('statement-draft'),
    joinedAt(node, channel),
    ...STATEMENT_ACTIONS.map(read),
  ]);
  const refId = (of: EntryRef) => `${channel.id}/${of.party}/${of.seq}`;
  const actionsOf = new Map<string, LoggedEntry[]>();
  for (const action of (actionLists as LoggedEntry[][]).flat()) {
    const key = refId(action.body.of as EntryRef);
    actionsOf.set(key, [...(actionsOf.get(key) ?? []), action]);
  }
  const byStatement = new Map<string, { title: string; versions: StatementVersion[]; last: LoggedEntry }>();
  for (const draft of drafts as LoggedEntry[]) {
    const body = draft.body as { statement: string; title: string; text: string; revises?: EntryRef };
    const statement = byStatement.get(body.statement) ?? { title: body.title, versions: [], last: draft };
    statement.title = body.title;
    statement.last = draft;
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
    byStatement.set(body.statement, statement);
  }
  const now = node.now();
  return [...byStatement.entries()].map(([id, { title, versions, last }]) => {
    // The parties of the moment: one that joined later neither undoes nor blocks what was settled.
    const fold = foldVersion(last, actionsOf.get(last.id) ?? [], (hlc) => partiesAt(joined, hlc));
    const approvedBy = new Set(fold.approvals.map((a) => a.party));
    return {
      statement: id,
      title,
      versions,
      current: last.id,
      text: fold.settledText,
      textHash: fold.settledHash,
      brackets: fold.brackets,
      resolutions: fold.resolutions,
      open: fold.open,
      state: fold.release
        ? underEmbargo(fold.release, now)
          ? 'embargoed'
          : 'released'
        : fold.open > 0
          ? 'bracketed'
          : 'approving',
      approvals: fold.approvals,
      waitingFor: partiesAt(joined, fold.release?.at).filter((p) => !approvedBy.has(p)),
      released: fold.release,
      refused: fold.refused,
    };
  });
}
