/**
 * The input gate over real HTTP on one in-process node: every body must be UTF-8 I-JSON in the
 * canonical profile before anything is signed or stored. A poisoned body is that request's 400
 * alone while hundreds of other users' appends go through; repeated member names are refused at
 * the API and over federation; path numbers are plain decimals; a template pattern cannot make
 * the node backtrack for ever.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ParleyNode } from '../src/node/parley-node.js';
import { HostilePeer } from './support/hostile-peer.js';
import { LocalNode } from './support/local-node.js';

let local: LocalNode;
let node: ParleyNode;
let xx: HostilePeer;

beforeAll(async () => {
  local = await LocalNode.start();
  node = local.node;
  // Pinned as an operator would after comparing fingerprints; nothing listens at its URL.
  xx = new HostilePeer('XX', local.server.url, 'RU');
  await node.storage.putPeer({
    party: 'XX',
    name: 'Hostile party XX',
    url: 'http://127.0.0.1:9',
    nodePublicKey: xx.key.publicKey,
    addedAt: Date.now(),
  });
});

afterAll(async () => {
  await local?.close();
});

interface Answer {
  status: number;
  body: { error?: { code: string; message: string }; id?: string; seq?: number };
}

/** Sends `body` exactly as given (text or bytes) as `user`. */
async function send(user: string, method: string, path: string, body?: string | Uint8Array): Promise<Answer> {
  const response = await fetch(`${local.server.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${local.fixture.tokens[user]}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body,
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Answer['body']) : {} };
}

const postEntry = (user: string, channel: string, body: string) =>
  send(user, 'POST', `/api/v1/channels/${channel}/entries`, body);

/** Asserts a refusal in the standard shape with nothing written; returns its message. */
async function expectRefused(answer: Promise<Answer>, status: number, code: string): Promise<string> {
  const before = await node.storage.countEntries();
  const { status: got, body } = await answer;
  expect({ status: got, code: body.error?.code }, body.error?.message).toEqual({ status, code });
  expect(await node.storage.countEntries()).toBe(before);
  return body.error!.message;
}

describe('a poisoned body fails only its own request', () => {
  it('answers 300 concurrent appends across channels: the good ones 201, the poisoned ones 400', async () => {
    const poisons: Array<[string, string, RegExp]> = [
      // JSON.stringify writes a lone surrogate as the escape \ud800: valid JSON, not I-JSON.
      [
        JSON.stringify({ kind: 'note', body: { text: 'x\ud800' } }),
        'body_invalid',
        /^body\.body\.text: lone/,
      ],
      [
        '{"kind":"note","body":{"text":"x","extra":{"deeper":{"ключ":1}}}}',
        'body_invalid',
        /^body\.body\.extra\.deeper: object key "ключ" is not printable ASCII$/,
      ],
      ['{"kind":"note","body":{"text":"a","text":"b"}}', 'malformed_json', /duplicate member name "text"/],
      ['{"kind":"note","body":{"text":"x","n":9007199254740993}}', 'body_invalid', /only safe integers/],
    ];
    const before = await node.storage.countEntries();
    const attempts = Array.from({ length: 300 }, (_, i) => {
      const [user, channel] = i % 2 === 0 ? ['svr-duty', 'intel'] : ['pres-head', 'leaders'];
      const poison = i % 23 === 5 ? poisons[i % poisons.length]! : null;
      const body = poison
        ? poison[0]
        : JSON.stringify({ kind: 'note', lang: 'en', body: { text: `good ${i}` } });
      return postEntry(user, channel, body).then((answer) => ({ poison, answer }));
    });
    const outcomes = await Promise.all(attempts);
    const good = outcomes.filter((o) => !o.poison);
    const bad = outcomes.filter((o) => o.poison);
    expect(bad.length).toBeGreaterThanOrEqual(12);
    expect(good.filter((o) => o.answer.status !== 201).map((o) => o.answer)).toEqual([]);
    for (const { poison, answer } of bad) {
      expect(answer.status).toBe(400);
      expect(answer.body.error?.code).toBe(poison![1]);
      expect(answer.body.error?.message).toMatch(poison![2]);
    }
    expect(await node.storage.countEntries()).toBe(before + good.length);
    const stored = [
      ...(await node.storage.readChain('intel', 'RU', 0, 1000)),
      ...(await node.storage.readChain('leaders', 'RU', 0, 1000)),
    ].map((e) => e.canonical);
    expect(stored.filter((c) => /\\ud800|ключ|"text":"a"|9007199254740993/.test(c))).toEqual([]);
  });
});

describe('the gate refuses what would not be signed as sent', () => {
  it('repeated member names, at any depth', async () => {
    const message = await expectRefused(
      postEntry('svr-duty', 'intel', '{"kind":"note","kind":"note","body":{"text":"a"}}'),
      400,
      'malformed_json',
    );
    expect(message).toMatch(/^request body is not valid JSON: duplicate member name "kind"/);
    await expectRefused(
      postEntry('svr-duty', 'intel', '{"kind":"note","body":{"text":"a","\\u0074ext":"b"}}'),
      400,
      'malformed_json',
    );
  });

  it('bytes that are not UTF-8, a byte order mark, -0 and __proto__', async () => {
    const invalidUtf8 = Buffer.concat([
      Buffer.from('{"kind":"note","body":{"text":"'),
      Buffer.from([0xc3, 0x28]),
      Buffer.from('"}}'),
    ]);
    expect(
      await expectRefused(postEntry('svr-duty', 'intel', invalidUtf8 as never), 400, 'malformed_json'),
    ).toMatch(/not UTF-8/);
    await expectRefused(
      postEntry('svr-duty', 'intel', '\ufeff{"kind":"note","body":{"text":"a"}}'),
      400,
      'malformed_json',
    );
    expect(
      await expectRefused(
        postEntry('svr-duty', 'intel', '{"kind":"note","body":{"text":"a","n":-0}}'),
        400,
        'body_invalid',
      ),
    ).toBe('body.body.n: -0 is not allowed');
    await expectRefused(
      postEntry('svr-duty', 'intel', '{"kind":"note","body":{"text":"a","__proto__":{"x":1}}}'),
      400,
      'malformed_json',
    );
  });

  it('the same rules on routes that are not entries', async () => {
    const message = await expectRefused(
      send('admin', 'POST', '/api/v1/offices', '{"id":"x","name":"x\\udc00"}'),
      400,
      'body_invalid',
    );
    expect(message).toBe('body.name: lone surrogate in string');
    await expectRefused(
      send('admin', 'POST', '/api/v1/offices', '{"id":"x","id":"y","name":"n"}'),
      400,
      'malformed_json',
    );
  });

  it('still takes ordinary JSON with spacing, escapes and Unicode', async () => {
    const answer = await postEntry(
      'svr-duty',
      'intel',
      '{ "kind" : "note", "lang": "ru",\n "body": { "text": "Учения \\u2014 \\"Север\\" 😀 \\ud83d\\ude00" } }',
    );
    expect(answer.status).toBe(201);
  });
});

describe('federation takes the same rules', () => {
  it('refuses a push with repeated member names or a lone surrogate, storing nothing', async () => {
    const before = await node.storage.countEntries();
    const honest = await xx.send('{"entries":[],"checkpoints":[]}');
    expect(honest.status).toBe(200);
    for (const text of [
      '{"entries":[],"checkpoints":[],"entries":[]}',
      '{"entries":[{"channel":"intel","channel":"leaders","party":"XX","seq":0,"canonical":"{}","sig":"x"}],"checkpoints":[]}',
      '{"entries":[],"checkpoints":[{"channel":"intel","party":"XX","note":"\\ud800"}]}',
    ]) {
      const answer = await xx.send(text);
      expect({ status: answer.status, code: answer.code }, answer.message).toEqual({
        status: 400,
        code: 'malformed_json',
      });
    }
    expect(await node.storage.countEntries()).toBe(before);
  });
});

describe('numbers in paths are plain decimals', () => {
  it('refuses signs, spaces, exponents, hex and leading zeros with 400', async () => {
    const entry = (seq: string) => send('svr-duty', 'GET', `/api/v1/channels/intel/entries/RU/${seq}`);
    expect((await entry('0')).status).toBe(200);
    expect((await entry('1')).status).toBe(200);
    for (const seq of [
      '1e0',
      '0x1',
      '+1',
      '%201',
      '1%20',
      '01',
      '-0',
      '1.0',
      '9007199254740992',
      '99999999999999999',
    ]) {
      const answer = await entry(seq);
      expect({ seq, status: answer.status, code: answer.body.error?.code }).toEqual({
        seq,
        status: 400,
        code: 'validation_failed',
      });
      expect(answer.body.error?.message).toMatch(/^params\.\/?seq: must be/);
    }
    expect((await entry('9007199254740991')).body.error?.code).toBe('entry_not_found');
  });
});

describe('template patterns run in linear time', () => {
  const template = (name: string, pattern: string) =>
    JSON.stringify({
      kind: 'template',
      body: {
        name,
        version: 1,
        title: 'Pattern',
        schema: {
          type: 'object',
          properties: { code: { type: 'string', pattern } },
          required: ['code'],
          additionalProperties: false,
        },
      },
    });
  const notification = (name: string, code: string) =>
    JSON.stringify({
      kind: 'notification',
      lang: 'ru',
      body: { template: { name, version: 1 }, fields: { code }, text: 'Код.' },
    });

  it('answers a hostile value for ^(a+)+$ quickly', async () => {
    expect((await postEntry('svr-head', 'intel', template('redos', '^(a+)+$'))).status).toBe(201);
    const started = performance.now();
    const message = await expectRefused(
      postEntry('svr-head', 'intel', notification('redos', `${'a'.repeat(30)}!`)),
      400,
      'body_invalid',
    );
    expect(performance.now() - started).toBeLessThan(1000);
    expect(message).toMatch(/^fields\.code: must match pattern/);
    expect((await postEntry('svr-head', 'intel', notification('redos', 'aaaa'))).status).toBe(201);
  });

  it('refuses patterns that need backtracking (lookaround, backreferences) when published', async () => {
    for (const pattern of ['^(?=a)a$', '^(a)\\1$']) {
      const message = await expectRefused(
        postEntry('svr-head', 'intel', template('lookaround', pattern)),
        400,
        'body_invalid',
      );
      expect(message).toMatch(/^schema: pattern .* is not supported/);
    }
  });
});
