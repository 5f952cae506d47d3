/**
 * Full-text search through a real node process: a person finds what their channels say in any
 * inflection (Russian and English), never what a channel they may not read says, narrowed by
 * every filter and paged; bad input is refused naming the field; the CLI prints the same hits;
 * and an index lost from the database is rebuilt when the node starts again.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  api,
  prepareNode,
  runCli,
  startServe,
  type Fixture,
  type ServeProcess,
} from './support/node-process.js';

interface Hit {
  id: string;
  channel: string;
  kind: string;
  author: string;
  precedence: string;
  marking: string | null;
  at: string;
  summary: string;
  snippet: Array<{ text: string; match: boolean }>;
  cursor: number;
}
interface Results {
  terms: string[];
  hits: Hit[];
  next: number | null;
}

let fixture: Fixture;
let serve: ServeProcess;
const node = () => ({ url: serve.url, tokens: fixture.tokens });

async function post(user: string, channel: string, body: Record<string, unknown>): Promise<string> {
  const answer = await api<{ id: string }>(node(), user, 'POST', `/api/v1/channels/${channel}/entries`, {
    kind: 'note',
    ...body,
  });
  expect(answer.status, JSON.stringify(answer.body)).toBe(201);
  return answer.body.id;
}

async function search(user: string, query: Record<string, string>) {
  return api<Results>(node(), user, 'GET', `/api/v1/search?${new URLSearchParams(query)}`);
}

const ids = async (user: string, query: Record<string, string>): Promise<string[]> => {
  const answer = await search(user, query);
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return answer.body.hits.map((h) => h.id);
};

const posted: Record<string, string> = {};

beforeAll(async () => {
  fixture = await prepareNode();
  serve = await startServe(fixture.dataDir);
  posted.ru = await post('svr-head', 'intel', {
    lang: 'ru',
    body: { subject: 'Встреча', text: 'Стороны подтвердили достигнутую договорённость о встрече.' },
  });
  posted.en = await post('svr-duty', 'intel', {
    lang: 'en',
    precedence: 'FLASH',
    body: { text: 'The parties negotiated a direct hotline.' },
  });
  posted.drill = await post('svr-head', 'intel', {
    lang: 'en',
    marking: 'EXERCISE',
    body: { text: 'Exercise: the hotline negotiations are tested.' },
  });
  posted.secret = await post('pres-head', 'leaders', {
    lang: 'ru',
    body: { text: 'Секретные договорённости президентов о hotline.' },
  });
}, 120_000);

afterAll(async () => {
  await serve?.stop();
});

describe('search', () => {
  it('finds a Russian word in another inflection, with a highlighted snippet', async () => {
    const answer = await search('svr-head', { q: 'договорённости' });
    expect(answer.status).toBe(200);
    expect(answer.body.hits.map((h) => h.id)).toEqual([posted.ru]);
    const [hit] = answer.body.hits;
    expect(hit).toMatchObject({ channel: 'intel', kind: 'note', author: 'svr-head', marking: null });
    expect(hit!.snippet.filter((p) => p.match).map((p) => p.text)).toEqual(['договорённость']);
    expect(hit!.snippet.map((p) => p.text).join('')).toContain('Встреча');
    expect(Date.parse(hit!.at)).toBeGreaterThan(Date.now() - 600_000);
  });

  it('finds an English word in another inflection, newest first', async () => {
    expect(await ids('svr-head', { q: 'negotiations' })).toEqual([posted.drill, posted.en]);
    expect(await ids('svr-head', { q: 'Negotiating HOTLINES' })).toEqual([posted.drill, posted.en]);
    expect(await ids('svr-head', { q: 'negotiations moscow' })).toEqual([]);
  });

  it('never finds entries of a channel the person may not read', async () => {
    // The president's office wrote "договорённости … hotline" in leaders, which svr may not read.
    expect(await ids('svr-head', { q: 'договорённость' })).toEqual([posted.ru]);
    expect(await ids('svr-head', { q: 'секретные' })).toEqual([]);
    expect(await ids('svr-observer', { q: 'hotline' })).toEqual([posted.drill, posted.en]);
    expect(await ids('pres-head', { q: 'hotline' })).toEqual([posted.secret]);
    expect(await ids('pres-head', { q: 'negotiated' })).toEqual([]);
    // An administrator outside every member office reads no channel, so finds nothing.
    expect(await ids('admin', { q: 'hotline' })).toEqual([]);
    const named = await search('svr-head', { q: 'hotline', channel: 'leaders' });
    expect([403, 404]).toContain(named.status);
    expect(JSON.stringify(named.body)).not.toContain('Секретные');
  });

  it('narrows by channel, party, kind, precedence, marking and date, and pages', async () => {
    expect(await ids('svr-head', { q: 'hotline', channel: 'intel' })).toEqual([posted.drill, posted.en]);
    expect(await ids('svr-head', { q: 'hotline', precedence: 'FLASH' })).toEqual([posted.en]);
    expect(await ids('svr-head', { q: 'hotline', marking: 'EXERCISE' })).toEqual([posted.drill]);
    expect(await ids('svr-head', { q: 'hotline', marking: 'none' })).toEqual([posted.en]);
    expect(await ids('svr-head', { q: 'hotline', party: 'RU' })).toEqual([posted.drill, posted.en]);
    expect(await ids('svr-head', { q: 'hotline', party: 'US' })).toEqual([]);
    expect(await ids('svr-head', { q: 'hotline', kind: 'note' })).toHaveLength(2);
    expect(await ids('svr-head', { q: 'hotline', kind: 'notification' })).toEqual([]);
    const today = new Date().toISOString().slice(0, 10);
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    expect(await ids('svr-head', { q: 'hotline', from: today, to: tomorrow })).toHaveLength(2);
    expect(await ids('svr-head', { q: 'hotline', from: tomorrow })).toEqual([]);
    expect(await ids('svr-head', { q: 'hotline', to: today })).toEqual([]);

    const first = await search('svr-head', { q: 'hotline', limit: '1' });
    expect(first.body.hits.map((h) => h.id)).toEqual([posted.drill]);
    expect(first.body.next).toBe(first.body.hits[0]!.cursor);
    const second = await search('svr-head', { q: 'hotline', limit: '1', before: String(first.body.next) });
    expect(second.body.hits.map((h) => h.id)).toEqual([posted.en]);
    expect(second.body.next).toBeNull();
  });

  it('refuses bad input with a 400 naming the field', async () => {
    const cases: Array<[Record<string, string>, string]> = [
      [{}, 'q'],
      [{ q: '   ' }, 'q'],
      [{ q: '!!! ...' }, 'q'],
      [{ q: 'x'.repeat(501) }, 'q'],
      [{ q: 'hotline', precedence: 'URGENT' }, 'precedence'],
      [{ q: 'hotline', marking: 'DRILL' }, 'marking'],
      [{ q: 'hotline', from: 'yesterday' }, 'from'],
      [{ q: 'hotline', from: '2026-12-02', to: '2026-12-01' }, 'to'],
      [{ q: 'hotline', limit: '0' }, 'limit'],
      [{ q: 'hotline', channel: 'Not An Id' }, 'channel'],
      [{ q: 'hotline', sort: 'rank' }, 'sort'],
    ];
    for (const [query, field] of cases) {
      const answer = await api<{ error: { code: string; message: string } }>(
        node(),
        'svr-head',
        'GET',
        `/api/v1/search?${new URLSearchParams(query)}`,
      );
      expect(answer.status, JSON.stringify(query)).toBe(400);
      expect(answer.body.error.message, JSON.stringify(query)).toContain(field);
    }
    const anonymous = await fetch(`${serve.url}/api/v1/search?q=hotline`);
    expect(anonymous.status).toBe(401);
  });

  it('answers `parley search` with the same hits, matching words bracketed', () => {
    const env = { PARLEY_URL: serve.url, PARLEY_TOKEN: fixture.tokens['svr-head']! };
    const text = runCli(['search', 'договорённостях'], env);
    expect(text.status, text.stderr).toBe(0);
    expect(text.stdout).toContain(posted.ru);
    expect(text.stdout).toContain('[договорённость]');
    const json = runCli(['search', 'hotline', '--precedence', 'FLASH', '--json'], env);
    expect(json.status, json.stderr).toBe(0);
    expect((JSON.parse(json.stdout) as Results).hits.map((h) => h.id)).toEqual([posted.en]);
    const none = runCli(['search', 'секретные'], env);
    expect(none.stdout).toContain('(nothing found)');
    const bad = runCli(['search', 'hotline', '--from', 'soon'], env);
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toContain('from');
  });

  it('rebuilds an index lost from the database when the node starts again', async () => {
    await serve.stop();
    const db = new Database(join(fixture.dataDir, 'parley.db'));
    db.exec("DELETE FROM search_docs; INSERT INTO search_fts (search_fts) VALUES ('delete-all');");
    db.close();
    serve = await startServe(fixture.dataDir);
    expect(await ids('svr-head', { q: 'договорённость' })).toEqual([posted.ru]);
    expect(await ids('svr-head', { q: 'hotline' })).toEqual([posted.drill, posted.en]);
  });
});
