/**
 * The public record of a channel: its public statements, newest first, each with the private
 * entries that refer to it. Kept apart from the private record (its own list, its own screen).
 */
import type { LoggedEntry } from '../../core/kinds.js';
import { ParleyError } from '../../core/errors.js';
import type { Principal } from '../../storage/storage.js';
import { readableChannel } from '../channels/queries.js';
import type { NodeContext } from '../context.js';
import { toLogged } from '../entries/present.js';
import type { EntryRef } from '../obligations/kinds.js';
import type { PublicStatementBody } from './kinds.js';

export interface PublicStatement extends PublicStatementBody {
  id: string;
  hash: string;
  /** The party that recorded it, and who. */
  recordedBy: { party: string; by: string; at: string };
  marking: string | null;
  /** Private entries that refer to it (`refersTo`). */
  referredBy: Array<{ id: string; kind: string; party: string; by: string; at: string; summary: string }>;
}

const READ_LIMIT = 100_000;

function present(entry: LoggedEntry, referredBy: PublicStatement['referredBy']): PublicStatement {
  return {
    ...(entry.body as unknown as PublicStatementBody),
    id: entry.id,
    hash: entry.hash,
    recordedBy: { party: entry.party, by: entry.author, at: entry.hlc },
    marking: entry.marking ?? null,
    referredBy,
  };
}

export async function listPublicStatements(
  node: NodeContext,
  actor: Principal,
  channelId: string,
): Promise<PublicStatement[]> {
  const channel = await readableChannel(node, actor, channelId);
  const read = async (kind: string) =>
    (await node.storage.listByKind(channel.id, kind, READ_LIMIT)).map(toLogged);
  const [statements, notes] = await Promise.all([read('public-statement'), read('note')]);
  const referring = new Map<string, PublicStatement['referredBy']>();
  for (const note of notes) {
    const to = note.body.refersTo as EntryRef | undefined;
    if (!to) continue;
    const key = `${channel.id}/${to.party}/${to.seq}`;
    const body = note.body as { subject?: string; text: string };
    referring.set(key, [
      ...(referring.get(key) ?? []),
      {
        id: note.id,
        kind: note.kind,
        party: note.party,
        by: note.author,
        at: note.hlc,
        summary: body.subject ?? body.text.slice(0, 80),
      },
    ]);
  }
  return statements
    .sort((a, b) => (a.hlc < b.hlc ? 1 : a.hlc > b.hlc ? -1 : 0))
    .map((entry) => present(entry, referring.get(entry.id) ?? []));
}

/** One public statement by its id (`<channel>/<party>/<seq>` or `<party>/<seq>`). */
export async function getPublicStatement(
  node: NodeContext,
  actor: Principal,
  channelId: string,
  id: string,
): Promise<PublicStatement> {
  const full = id.startsWith(`${channelId}/`) ? id : `${channelId}/${id}`;
  const found = (await listPublicStatements(node, actor, channelId)).find((s) => s.id === full);
  if (!found) throw new ParleyError('entry_not_found', `${full} is not a public statement of ${channelId}`);
  return found;
}
