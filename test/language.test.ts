/**
 * Translations with provenance and the glossary of agreed terms, over real HTTP on one node:
 * translations are signed by a person, never authoritative, tied to the exact original by hash
 * and in another channel language; glossary terms cover every language and are agreed by every
 * party; a translation that renders an agreed term differently is flagged. Bad input gets a 4xx
 * with nothing written.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signingToken } from './support/unlocked.js';
import { LOCAL_OPERATOR } from '../src/cli/local-node.js';
import type { ParleyNode } from '../src/node/parley-node.js';
import { verifyStorage } from '../src/workflows/audit/verify.js';
import type { RunningServer } from '../src/server/run-server.js';
import { LocalNode, type Call } from './support/local-node.js';
import { PASSWORD, type Fixture } from './support/node-process.js';
import { addPrincipal } from '../src/workflows/directory/commands.js';

let local: LocalNode;
let fixture: Fixture;
let node: ParleyNode;
let server: RunningServer;

beforeAll(async () => {
  local = await LocalNode.start(async (node, fixture) => {
    await addPrincipal(node, LOCAL_OPERATOR, {
      id: 'svr-translator',
      office: 'svr',
      role: 'translator',
      title: 'Translator',
      password: PASSWORD,
    });
    fixture.tokens['svr-translator'] = await signingToken(node.storage, 'svr-translator');
  });
  ({ fixture, node, server } = local);
});

afterAll(async () => {
  await local?.close();
});

interface Entry {
  id: string;
  party: string;
  seq: number;
  hash: string;
  lang: string;
  author: string;
  body: Record<string, unknown>;
}

function call<T = Record<string, unknown>>(user: string, method: string, path: string, body?: unknown) {
  return local.call<T>(user, method, path, body);
}

const post = (user: string, channel: string, entry: Record<string, unknown>) =>
  call<Entry>(user, 'POST', `/api/v1/channels/${channel}/entries`, entry);

const expectRefused = (request: () => Promise<Call<unknown>>, status: number, code: string) =>
  local.expectRefused(request, status, code);

const cli = (args: string[], token: string) => local.cli(args, token);

const translation = (
  of: { party: string; seq: number; hash: string },
  lang: string,
  text: string,
  translator: Record<string, unknown> = { type: 'person' },
) => ({ kind: 'translation', lang, body: { of, text, translator } });

const refOf = (entry: Entry) => ({ party: entry.party, seq: entry.seq, hash: entry.hash });

let original: Entry;
let otherChannel: Entry;

describe('translations', () => {
  it('records a person’s translation and a machine translation, both signed and never authoritative', async () => {
    original = (
      await post('svr-head', 'intel', {
        kind: 'note',
        precedence: 'PRIORITY',
        lang: 'ru',
        body: { text: 'Учения пройдут с 21 по 23 февраля в Баренцевом море.' },
      })
    ).body;
    otherChannel = (
      await post('pres-head', 'leaders', { kind: 'note', lang: 'en', body: { text: 'A call at noon.' } })
    ).body;

    const byPerson = await post(
      'svr-translator',
      'intel',
      translation(
        refOf(original),
        'en',
        'The exercise will take place on 21–23 February in the Barents Sea.',
      ),
    );
    expect(byPerson.status).toBe(201);
    expect(byPerson.body.author).toBe('svr-translator');
    expect(byPerson.body.lang).toBe('en');
    // The signed body itself says it is not authoritative, so every copy of it says so.
    expect(byPerson.body.body.authoritative).toBe(false);

    const byMachine = await post(
      'svr-duty',
      'intel',
      translation(refOf(original), 'en', 'Manoeuvres will be held on 21-23 February in the Barents Sea.', {
        type: 'machine',
        tool: 'opus-mt-ru-en 2024-03',
      }),
    );
    expect(byMachine.status).toBe(201);
    expect(byMachine.body.author).toBe('svr-duty');
    expect(byMachine.body.body.translator).toEqual({ type: 'machine', tool: 'opus-mt-ru-en 2024-03' });

    const raw = await call<Entry>(
      'svr-duty',
      'GET',
      `/api/v1/channels/intel/entries/RU/${byMachine.body.seq}`,
    );
    expect(raw.body.body.authoritative).toBe(false);
    expect(raw.body.body.of).toEqual(refOf(original));
  });

  it('shows translations beside the authoritative original', async () => {
    const view = await call<{
      original: Record<string, unknown>;
      translations: Array<Record<string, unknown>>;
    }>('svr-observer', 'GET', `/api/v1/channels/intel/translations?of=RU/${original.seq}`);
    expect(view.status).toBe(200);
    expect(view.body.original).toMatchObject({
      id: original.id,
      lang: 'ru',
      text: 'Учения пройдут с 21 по 23 февраля в Баренцевом море.',
      authoritative: true,
    });
    expect(view.body.translations).toHaveLength(2);
    for (const t of view.body.translations) {
      expect(t).toMatchObject({
        authoritative: false,
        lang: 'en',
        of: { id: original.id, hash: original.hash },
        warnings: [],
      });
    }
    expect(view.body.translations.map((t) => t.translator)).toEqual([
      { type: 'person' },
      { type: 'machine', tool: 'opus-mt-ru-en 2024-03' },
    ]);
    expect(view.body.translations.map((t) => t.author)).toEqual(['svr-translator', 'svr-duty']);
  });

  it('refuses a translation of an entry that does not exist', async () => {
    await expectRefused(
      () => post('svr-translator', 'intel', translation({ ...refOf(original), seq: 9999 }, 'en', 'Nothing')),
      404,
      'entry_not_found',
    );
  });

  it('refuses a translation whose hash names an entry of another channel', async () => {
    const message = await expectRefused(
      () =>
        post(
          'svr-translator',
          'intel',
          translation({ party: 'RU', seq: original.seq, hash: otherChannel.hash }, 'en', 'A call at noon.'),
        ),
      400,
      'ref_invalid',
    );
    expect(message).toContain('different hash');
  });

  it('refuses a translation into the language of the original', async () => {
    const message = await expectRefused(
      () => post('svr-translator', 'intel', translation(refOf(original), 'ru', 'Учения пройдут…')),
      400,
      'body_invalid',
    );
    expect(message).toContain("already in 'ru'");
  });

  it('refuses a translation into a language the channel does not use', async () => {
    await expectRefused(
      () => post('svr-translator', 'intel', translation(refOf(original), 'de', 'Die Übung findet statt.')),
      400,
      'language_invalid',
    );
  });

  it('refuses translations of entries without text, of translations, by observers, and unknown translator types', async () => {
    const key = (await call<{ entries: Entry[] }>('svr-head', 'GET', '/api/v1/channels/intel/entries')).body
      .entries[1]!;
    await expectRefused(
      () => post('svr-translator', 'intel', translation(refOf(key), 'en', 'A key')),
      400,
      'ref_invalid',
    );
    const view = await call<{ translations: Array<{ id: string }> }>(
      'svr-head',
      'GET',
      `/api/v1/channels/intel/translations?of=RU/${original.seq}`,
    );
    const firstTranslation = (
      await call<Entry>(
        'svr-head',
        'GET',
        `/api/v1/channels/${view.body.translations[0]!.id.replace('intel/', 'intel/entries/')}`,
      )
    ).body;
    await expectRefused(
      () => post('svr-translator', 'intel', translation(refOf(firstTranslation), 'ru', 'Учения…')),
      400,
      'ref_invalid',
    );
    await expectRefused(
      () => post('svr-observer', 'intel', translation(refOf(original), 'en', 'Exercise')),
      403,
      'forbidden',
    );
    await expectRefused(
      () =>
        post('svr-translator', 'intel', translation(refOf(original), 'en', 'Exercise', { type: 'oracle' })),
      400,
      'body_invalid',
    );
    await expectRefused(
      () =>
        post('svr-translator', 'intel', translation(refOf(original), 'en', 'Exercise', { type: 'machine' })),
      400,
      'body_invalid',
    );
  });

  it('answers bad translation queries with clear errors', async () => {
    await expectRefused(
      () => call('svr-head', 'GET', '/api/v1/channels/intel/translations?of=4'),
      400,
      'validation_failed',
    );
    await expectRefused(
      () => call('svr-head', 'GET', '/api/v1/channels/intel/translations?of=RU/9999'),
      404,
      'entry_not_found',
    );
    // The administrator manages the node but reads no channel.
    await expectRefused(
      () => call('admin', 'GET', `/api/v1/channels/intel/translations?of=RU/${original.seq}`),
      404,
      'channel_not_found',
    );
  });
});

describe('glossary', () => {
  let term: Entry;

  it('lets only heads and translators propose terms, which must cover every channel language', async () => {
    await expectRefused(
      () =>
        post('svr-duty', 'intel', {
          kind: 'glossary-term',
          body: { term: 'exercise', renderings: { ru: 'учения', en: 'exercise' } },
        }),
      403,
      'forbidden',
    );
    const missing = await expectRefused(
      () =>
        post('svr-translator', 'intel', {
          kind: 'glossary-term',
          body: { term: 'exercise', renderings: { ru: 'учения' } },
        }),
      400,
      'body_invalid',
    );
    expect(missing).toContain('missing en');
    await expectRefused(
      () =>
        post('svr-translator', 'intel', {
          kind: 'glossary-term',
          body: { term: 'exercise', renderings: { ru: 'учения', en: 'exercise', de: 'Übung' } },
        }),
      400,
      'body_invalid',
    );
    await expectRefused(
      () =>
        post('svr-translator', 'intel', {
          kind: 'glossary-term',
          body: { term: 'Exercise!', renderings: { ru: 'учения', en: 'exercise' } },
        }),
      400,
      'body_invalid',
    );

    const proposed = await post('svr-translator', 'intel', {
      kind: 'glossary-term',
      body: { term: 'exercise', renderings: { ru: 'учения', en: 'exercise' }, note: 'not "manoeuvres"' },
    });
    expect(proposed.status).toBe(201);
    term = proposed.body;
  });

  it('is agreed at once in a channel of one party, and lists who agreed', async () => {
    const glossary = await call<{ agreed: Array<Record<string, unknown>>; pending: unknown[] }>(
      'svr-observer',
      'GET',
      '/api/v1/channels/intel/glossary',
    );
    expect(glossary.status).toBe(200);
    expect(glossary.body.pending).toEqual([]);
    expect(glossary.body.agreed).toEqual([
      expect.objectContaining({
        term: 'exercise',
        renderings: { ru: 'учения', en: 'exercise' },
        note: 'not "manoeuvres"',
        id: term.id,
        proposedBy: expect.objectContaining({ party: 'RU', author: 'svr-translator' }),
        agreedBy: ['RU'],
        supersedes: null,
      }),
    ]);
  });

  it('refuses an agreement by the proposing party, to a non-glossary entry, to a wrong hash, or by a duty officer', async () => {
    await expectRefused(
      () => post('svr-head', 'intel', { kind: 'glossary-agree', body: { of: refOf(term) } }),
      400,
      'ref_invalid',
    );
    const notATerm = await expectRefused(
      () => post('svr-head', 'intel', { kind: 'glossary-agree', body: { of: refOf(original) } }),
      400,
      'ref_invalid',
    );
    expect(notATerm).toContain('not a proposed glossary term');
    await expectRefused(
      () =>
        post('svr-head', 'intel', {
          kind: 'glossary-agree',
          body: { of: { ...refOf(term), hash: original.hash } },
        }),
      400,
      'ref_invalid',
    );
    await expectRefused(
      () => post('svr-duty', 'intel', { kind: 'glossary-agree', body: { of: refOf(term) } }),
      403,
      'forbidden',
    );
  });

  it('flags a translation that renders an agreed term differently', async () => {
    const view = await call<{ translations: Array<{ author: string; warnings: unknown[] }> }>(
      'svr-head',
      'GET',
      `/api/v1/channels/intel/translations?of=RU/${original.seq}`,
    );
    const warnings = Object.fromEntries(view.body.translations.map((t) => [t.author, t.warnings]));
    expect(warnings['svr-translator']).toEqual([]);
    expect(warnings['svr-duty']).toEqual([{ term: 'exercise', expected: 'exercise', original: 'учения' }]);
  });

  it('lets a later agreed proposal of the same term supersede the earlier', async () => {
    const second = await post('svr-head', 'intel', {
      kind: 'glossary-term',
      body: { term: 'exercise', renderings: { ru: 'учения', en: 'military exercise' } },
    });
    expect(second.status).toBe(201);
    const glossary = await call<{ agreed: Array<Record<string, unknown>> }>(
      'svr-head',
      'GET',
      '/api/v1/channels/intel/glossary',
    );
    expect(glossary.body.agreed).toEqual([
      expect.objectContaining({
        id: second.body.id,
        supersedes: term.id,
        renderings: expect.objectContaining({ en: 'military exercise' }),
      }),
    ]);
  });

  it('is served through the CLI as well', async () => {
    const listed = await cli(['glossary', 'list', 'intel', '--json'], fixture.tokens['svr-head']!);
    expect(listed.stderr).toBe('');
    expect(JSON.parse(listed.stdout).agreed[0].renderings.en).toBe('military exercise');

    const translated = await cli(
      [
        'translate',
        'intel',
        `RU/${original.seq}`,
        '--lang',
        'en',
        '--text',
        'Drills from 21 to 23 February.',
        '--machine',
        'example-mt 1.0',
      ],
      fixture.tokens['svr-duty']!,
    );
    expect(translated.stderr).toBe('');
    expect(translated.status).toBe(0);
    expect(translated.stdout).toContain('not authoritative');
    expect(translated.stdout).toContain("warning: glossary term 'exercise'");

    const shown = await cli(['translations', 'intel', `RU/${original.seq}`], fixture.tokens['svr-head']!);
    expect(shown.stdout).toContain('authoritative');
    expect(shown.stdout).toContain('machine example-mt 1.0, sent by svr-duty');

    const before = await node.storage.countEntries();
    const bad = await cli(
      ['translate', 'intel', 'RU-4', '--lang', 'en', '--text', 'x'],
      fixture.tokens['svr-duty']!,
    );
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('<party>/<seq>');
    const refused = await cli(
      ['translate', 'intel', `RU/${original.seq}`, '--lang', 'ru', '--text', 'x', '--json'],
      fixture.tokens['svr-duty']!,
    );
    expect(refused.status).toBe(1);
    expect(JSON.parse(refused.stdout).error.code).toBe('body_invalid');
    expect(await node.storage.countEntries()).toBe(before);
  });

  it('leaves a store that verifies, new kinds included', async () => {
    const report = await verifyStorage(node.storage);
    expect(report.failures).toEqual([]);
    expect(report.ok).toBe(true);
  });

  it('documents the routes in the OpenAPI document', async () => {
    const openapi = (await (await fetch(`${server.url}/openapi.json`)).json()) as {
      paths: Record<string, unknown>;
    };
    expect(Object.keys(openapi.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/channels/{channel}/translations',
        '/api/v1/channels/{channel}/glossary',
      ]),
    );
  });
});
