/**
 * The statements of an append on PostgreSQL, built so that a whole append is two round trips:
 *
 * 1. the locks and reads its checks need, as one multi-statement query (optionally opening the
 *    transaction), in the one lock order every writer uses (postgres-storage.ts). Several
 *    statements travel together only in PostgreSQL's simple protocol, which has no parameters, so
 *    its values are quoted literals (pg.escapeLiteral, which is safe whatever the server's
 *    `standard_conforming_strings`; integers are checked to be integers). The same holds for 2+3;
 * 2. every write (entries, their index rows, chain heads, the node clock) and the commit's
 *    NOTIFY, as one statement of data-modifying CTEs over arrays, sent with
 * 3. COMMIT, in the same round trip.
 *
 * On a machine where every round trip waits for two busy processes to be scheduled, the dozen
 * round trips this replaces took most of an append's time, and a second node process waited for
 * all of them (README "Several processes of one node").
 */
import pg from 'pg';
import type { QueryResult, QueryResultRow } from 'pg';
import { ENTRY_COLUMNS, HEAD_COLUMNS, toEntry, toHead, type EntryRow, type HeadRow } from '../rows.js';
import type { ChainHead, LeaseFence, StoredEntry } from '../storage.js';
import { UNMARKED, type documentOf } from '../sql/search-statements.js';
import type { Queryable } from './postgres-dialect.js';

const literal = (value: string): string => pg.escapeLiteral(value);
const textArray = (values: readonly string[]): string => `ARRAY[${values.map(literal).join(',')}]::text[]`;
const integer = (value: number): string => {
  if (!Number.isSafeInteger(value)) throw new TypeError(`not an integer: ${value}`);
  return String(value);
};

/** A value as SQL: quoted text, an integer, NULL, or an ARRAY of those (cast where it is used). */
function sqlValue(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'string') return literal(value);
  if (typeof value === 'number') return integer(value);
  if (Array.isArray(value)) return `ARRAY[${value.map(sqlValue).join(',')}]`;
  throw new TypeError(`no SQL literal for ${typeof value}`);
}

/** A statement with numbered parameters, its values written in as literals (for the simple protocol). */
function inlined(sql: string, values: readonly unknown[]): string {
  return sql.replace(/\$(\d+)/g, (_, n: string) => sqlValue(values[Number(n) - 1]));
}

/** Runs several statements in one round trip (simple protocol) and returns each one's result. */
export async function runStatements(db: Queryable, statements: readonly string[]): Promise<QueryResult[]> {
  const result = (await db.query(statements.join(';\n'))) as QueryResult | QueryResult[];
  return Array.isArray(result) ? result : [result];
}

/** What an append's checks read under its locks (step 1). */
export interface AppendLocks {
  knownChannels: Set<string>;
  heads: Array<{ channel: string; party: string; size: number; hash: string | null }>;
  /** The fences that still hold, by index into the fences asked about. */
  fencesHolding: boolean[];
  /** The stored node clock; '' when none or when no entry is written. */
  clock: string;
  takenNaturalKeys: string[];
}

/**
 * Step 1: locks the channels, the chains' heads and the fences' leases, then (when entries are
 * written) the feed lock and the clock, in that order, and reads what the checks need.
 */
export async function lockForAppend(
  db: Queryable,
  request: {
    begin: boolean;
    channels: readonly string[];
    heads: readonly ChainHead[];
    fences: readonly LeaseFence[];
    writesEntries: boolean;
    naturalKeys: readonly string[];
  },
): Promise<AppendLocks> {
  const statements: string[] = request.begin ? ['BEGIN'] : [];
  const at = (): number => statements.length;
  const channelsAt = at();
  statements.push(
    `SELECT id FROM channels WHERE id = ANY(${textArray(request.channels)}) ORDER BY id FOR NO KEY UPDATE`,
  );
  let headsAt = -1;
  if (request.heads.length > 0) {
    headsAt = at();
    statements.push(
      `SELECT h.channel, h.party, h.size, h.hash
       FROM chain_heads AS h
         JOIN unnest(${textArray(request.heads.map((h) => h.channel))}, ${textArray(request.heads.map((h) => h.party))})
           AS k (channel, party) ON h.channel = k.channel AND h.party = k.party
       ORDER BY h.channel, h.party
       FOR UPDATE OF h`,
    );
  }
  const fencesAt = at();
  for (const fence of request.fences) {
    statements.push(
      `SELECT 1 AS one FROM leases WHERE name = ${literal(fence.name)} AND holder = ${literal(fence.holder)}
         AND epoch = ${integer(fence.epoch)} FOR SHARE`,
    );
  }
  let clockAt = -1;
  let keysAt = -1;
  if (request.writesEntries) {
    // Taken last, and held to commit, so cursors are assigned in commit order node-wide; under
    // it the clock and natural keys read are the newest any process committed.
    statements.push('SELECT id FROM feed_lock WHERE id = 1 FOR UPDATE');
    clockAt = at();
    statements.push('SELECT hlc FROM node_clock WHERE id = 1 FOR UPDATE');
    if (request.naturalKeys.length > 0) {
      keysAt = at();
      statements.push(
        `SELECT natural_key FROM entries WHERE natural_key = ANY(${textArray(request.naturalKeys)})`,
      );
    }
  }
  const results = await runStatements(db, statements);
  const rows = <R extends QueryResultRow>(index: number): R[] =>
    index < 0 ? [] : (results[index]!.rows as R[]);
  return {
    knownChannels: new Set(rows<{ id: string }>(channelsAt).map((r) => r.id)),
    heads: rows<{ channel: string; party: string; size: number; hash: string | null }>(headsAt),
    fencesHolding: request.fences.map((_, index) => (results[fencesAt + index]!.rowCount ?? 0) > 0),
    clock: rows<{ hlc: string }>(clockAt)[0]?.hlc ?? '',
    takenNaturalKeys: rows<{ natural_key: string }>(keysAt).map((r) => r.natural_key),
  };
}

/** What a chain turn reads as it takes the channels (storage withChainsHeld). */
export async function holdChannels(
  db: Queryable,
  channels: readonly string[],
  kinds: readonly string[],
): Promise<{ heads: ChainHead[]; clock: string; entriesOfKinds: StoredEntry[] }> {
  const sorted = textArray([...new Set(channels)].sort());
  const [, , , heads, clock, ofKinds] = await runStatements(db, [
    'BEGIN',
    "SET LOCAL idle_in_transaction_session_timeout = '10s'",
    `SELECT id FROM channels WHERE id = ANY(${sorted}) ORDER BY id FOR NO KEY UPDATE`,
    `SELECT ${HEAD_COLUMNS} FROM chain_heads WHERE channel = ANY(${sorted}) ORDER BY channel, party`,
    'SELECT hlc FROM node_clock WHERE id = 1',
    `SELECT ${ENTRY_COLUMNS} FROM entries WHERE channel = ANY(${sorted}) AND kind = ANY(${textArray(kinds)})
       ORDER BY cursor`,
  ]);
  return {
    heads: (heads!.rows as HeadRow[]).map(toHead),
    clock: (clock!.rows[0] as { hlc: string } | undefined)?.hlc ?? '',
    entriesOfKinds: (ofKinds!.rows as EntryRow[]).map(toEntry),
  };
}

const ENTRY_ARRAYS = `$1::text[], $2::text[], $3::bigint[], $4::text[], $5::text[], $6::text[],
  $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::bigint[], $13::text[]`;

const UPSERT_HEADS_FROM = (first: number): string => {
  const p = (i: number): string => `$${first + i}`;
  return `INSERT INTO chain_heads (channel, party, size, hash, frontier, checkpoint)
    SELECT * FROM unnest(${p(0)}::text[], ${p(1)}::text[], ${p(2)}::bigint[], ${p(3)}::text[],
                         ${p(4)}::text[], ${p(5)}::text[])
    ON CONFLICT (channel, party) DO UPDATE SET size = excluded.size, hash = excluded.hash,
      frontier = excluded.frontier, checkpoint = excluded.checkpoint`;
};

/**
 * Step 2 with entries: one statement. The index rows take their cursors from the entries' own
 * RETURNING (sub-statements of one WITH do not see each other's rows otherwise); WITH
 * ORDINALITY keeps the cursors in batch order; the NOTIFY payload is completed with the last
 * cursor by the statement itself.
 */
const WRITE_ENTRIES = (indexed: boolean): string => `WITH inserted AS (
    INSERT INTO entries
      (channel, party, seq, hash, canonical, sig, kind, author, precedence, hlc, ref, stored_at,
       natural_key)
    SELECT channel, party, seq, hash, canonical, sig, kind, author, precedence, hlc, ref, stored_at,
      natural_key
    FROM unnest(${ENTRY_ARRAYS})
      WITH ORDINALITY AS e (channel, party, seq, hash, canonical, sig, kind, author, precedence,
                            hlc, ref, stored_at, natural_key, ord)
    ORDER BY ord
    RETURNING cursor, channel, party, seq, kind, author, precedence),
  heads AS (${UPSERT_HEADS_FROM(14)}),
  clock AS (UPDATE node_clock SET hlc = $20 WHERE id = 1 AND $20::text IS NOT NULL AND hlc < $20)${
    indexed
      ? `,
  docs AS (INSERT INTO search_docs
      (cursor, channel, party, kind, author, precedence, marking, at, text, terms)
    SELECT i.cursor, i.channel, i.party, i.kind, i.author, i.precedence, d.marking, d.at, d.text, d.terms
    FROM unnest($1::text[], $2::text[], $3::bigint[], $24::text[], $25::bigint[], $26::text[], $27::text[])
      AS d (channel, party, seq, marking, at, text, terms)
      JOIN inserted AS i ON i.channel = d.channel AND i.party = d.party AND i.seq = d.seq
    ON CONFLICT (cursor) DO NOTHING)`
      : ''
  }
  SELECT m.last, pg_notify($21, $22 || m.last::text || $23) AS notified
  FROM (SELECT max(cursor) AS last FROM inserted) AS m`;

const headArrays = (heads: readonly ChainHead[]): unknown[] => [
  heads.map((h) => h.channel),
  heads.map((h) => h.party),
  heads.map((h) => h.size),
  heads.map((h) => h.hash),
  heads.map((h) => JSON.stringify(h.frontier)),
  heads.map((h) => h.checkpoint),
];

/** The NOTIFY of a commit: its channel and the payload around the cursor (commit-hints.ts). */
export interface CommitNotice {
  channel: string;
  before: string;
  after: string;
}

/**
 * Step 2, then step 3 in the same round trip: writes entries (with their index rows), heads and
 * the clock, queues the NOTIFY and commits. Should the write fail, PostgreSQL runs nothing after
 * it, so the COMMIT is never reached and the caller rolls back.
 */
export async function writeAndCommit(
  db: Queryable,
  write: {
    entries: readonly StoredEntry[];
    heads: readonly ChainHead[];
    clock: string | null;
    /** Index rows of the entries, in the same order; null when the node has no search indexer. */
    docs: ReadonlyArray<ReturnType<typeof documentOf>> | null;
    notice: CommitNotice;
  },
): Promise<number | null> {
  const { entries, heads, notice } = write;
  if (entries.length === 0) {
    const sql = `WITH heads AS (${UPSERT_HEADS_FROM(1)}) SELECT pg_notify($7, $8 || 'null' || $9)`;
    await runStatements(db, [
      inlined(sql, [...headArrays(heads), notice.channel, notice.before, notice.after]),
      'COMMIT',
    ]);
    return null;
  }
  const values: unknown[] = [
    entries.map((e) => e.channel),
    entries.map((e) => e.party),
    entries.map((e) => e.seq),
    entries.map((e) => e.hash),
    entries.map((e) => e.canonical),
    entries.map((e) => e.sig),
    entries.map((e) => e.kind),
    entries.map((e) => e.author),
    entries.map((e) => e.precedence),
    entries.map((e) => e.hlc),
    entries.map((e) => e.ref),
    entries.map((e) => e.storedAt),
    entries.map((e) => e.naturalKey ?? null),
    ...headArrays(heads),
    write.clock,
    notice.channel,
    notice.before,
    notice.after,
  ];
  if (write.docs) {
    const docs = write.docs;
    values.push(
      docs.map((d) => d?.marking ?? UNMARKED),
      docs.map((d) => d?.at ?? 0),
      docs.map((d) => d?.text ?? ''),
      docs.map((d) => d?.terms ?? ''),
    );
  }
  const [written] = await runStatements(db, [inlined(WRITE_ENTRIES(write.docs !== null), values), 'COMMIT']);
  return (written!.rows[0] as { last: number } | undefined)?.last ?? null;
}
