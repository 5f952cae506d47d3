/**
 * The search phase: full-text search (workflows/search) over a data dir of `searchEntries`
 * notes of varied Russian and English text, measured against a baseline of the same run and the
 * same data dir, reading a channel page of as many entries as a search page (`listEntries`, what
 * the timeline does), so the ratio says how much dearer a search is than paging the log. Each
 * measurement runs for a fixed number of seconds: the phase is bounded by time, not by the data.
 */
import { listEntries } from '../src/workflows/entries/queries.js';
import { searchEntries } from '../src/workflows/search/queries.js';
import { searchQuerySchema } from '../src/workflows/search/views.js';
import type { Fixture } from './fixture.js';
import { quantile } from './util.js';

/** Hits (and entries) per page, as the web app asks. */
const PAGE = 20;

const RUSSIAN = [
  'Стороны подтвердили договорённость о встрече',
  'переговоры продолжатся после консультаций',
  'уведомление об учениях в северном районе',
  'прошу подтвердить получение сообщения',
  'делегация прибудет в четверг утром',
  'договорённости о прямой линии соблюдаются',
  'обстановка на переходе без изменений',
];
const ENGLISH = [
  'The parties negotiated a direct hotline',
  'negotiations resume after the consultations',
  'notification of the exercise in the northern area',
  'please acknowledge receipt of this message',
  'the delegation arrives on Thursday morning',
  'the hotline arrangements are observed',
  'situation unchanged at the crossing',
];

/** The text of the n-th bench note: two phrases, one per language, varied by n. */
export function searchNoteText(n: number): string {
  const ru = RUSSIAN[n % RUSSIAN.length]!;
  const en = ENGLISH[Math.floor(n / RUSSIAN.length) % ENGLISH.length]!;
  return `${ru}; ${en}. Report ${n % 997}.`;
}

/** Queries of the mix: common and rarer words, other inflections, two words that must both occur. */
const QUERIES = [
  'договорённостей',
  'negotiations hotline',
  'учения',
  'Thursday',
  'report 512',
  'переговорах',
];

export interface SearchBenchResult {
  entries: number;
  seconds: number;
  /** Searches per second (one page of hits each). */
  rate: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  /** Channel pages per second over the same data dir: the baseline. */
  pageRate: number;
  /** Hits on the first page, per query of the mix. */
  hits: Record<string, number>;
}

async function loop(seconds: number, work: (i: number) => Promise<unknown>): Promise<number[]> {
  const latencies: number[] = [];
  const end = performance.now() + seconds * 1000;
  for (let i = 0; performance.now() < end; i += 1) {
    const started = performance.now();
    await work(i);
    latencies.push(performance.now() - started);
  }
  return latencies;
}

/** One round: `seconds` of channel pages (the baseline), then `seconds` of searches. */
export async function runSearchRound(fixture: Fixture, seconds: number): Promise<SearchBenchResult> {
  const { node, writers, channel } = fixture;
  const actor = writers[0]!;
  const entries = await node.storage.countEntries();
  const latest = await node.storage.latestCursor();
  const pages = await loop(seconds, (i) =>
    listEntries(node, actor, channel, Math.floor((((i * 7919) % 1000) / 1000) * latest), PAGE),
  );
  const inputs = QUERIES.map((q) => searchQuerySchema.parse({ q, limit: PAGE }));
  const hits: Record<string, number> = {};
  for (const [i, input] of inputs.entries()) {
    hits[QUERIES[i]!] = (await searchEntries(node, actor, input)).hits.length;
  }
  const searches = await loop(seconds, (i) => searchEntries(node, actor, inputs[i % inputs.length]!));
  const total = (values: number[]): number => values.reduce((a, b) => a + b, 0) / 1000;
  const sorted = [...searches].sort((a, b) => a - b);
  return {
    entries,
    seconds: total(searches),
    rate: searches.length / total(searches),
    latencyP50Ms: quantile(sorted, 0.5),
    latencyP99Ms: quantile(sorted, 0.99),
    pageRate: pages.length / total(pages),
    hits,
  };
}
