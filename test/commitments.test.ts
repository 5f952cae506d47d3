/**
 * Keeping contact as ordered, end to end on two federated nodes (RU, US) over real HTTP, in
 * virtual time: an order to keep contact recorded as its own kind (asking nobody for an answer),
 * a commitment arising from it that binds US only once US accepts it, owners checked against the
 * people whose keys the channel holds, bad periods refused; the cadence counting only real
 * exchanges (not receipts, keys or system entries) and nothing dated after now; a lapse escalated
 * to the owners, then their heads, and shown in "what I owe"; the channel's metrics through the
 * API and the CLI. US's clock runs four minutes fast, so what US signs is dated ahead of RU's now.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, eventually, runCliAsync } from './support/node-process.js';
import { pinPeers, startInProcessParty, virtualClock, type InProcessParty } from './support/in-process.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** A whole minute, so that periods begin on the minute. */
const clock = virtualClock(Math.floor(Date.now() / MINUTE) * MINUTE);
/** US's clock: four minutes ahead of RU's (within what a receiver accepts). */
const fast = { now: () => clock.now() + 4 * MINUTE, advance: () => {} };
let ru: InProcessParty;
let us: InProcessParty;

interface Entry {
  id: string;
  party: string;
  seq: number;
  hash: string;
  hlc: string;
}
interface Period {
  from: string;
  to: string;
  kept: boolean;
  by: string[];
  missing: string[];
}
interface Commitment {
  id: string;
  commitment: string;
  state: string;
  awaiting: string[];
  parties: string[];
  bound: Record<string, string>;
  order: string | null;
  owners: Array<{ principal: string; party: string | null }>;
  refused: Array<{ reason: string }>;
  cadence: {
    periods: Period[];
    current: Period | null;
    closed: number;
    kept: boolean | null;
    lastContact: string | null;
  };
}
interface Obligation {
  type: string;
  owedBy: string;
  about: { id: string };
  subject?: string;
}
interface Metrics {
  channel: string;
  lastContact: string | null;
  contactsPerWeek: Array<{ week: string; contacts: number }>;
  responseTimes: Array<{ precedence: string; items: number; answered: number; medianMs: number | null }>;
  open: { total: number; byType: Array<{ type: string; count: number }> };
}

const iso = (ms: number) => new Date(ms).toISOString().replace(/:00\.000Z$/, 'Z');
/** Start of the first period: an hour from the start, after US has had time to accept. */
const FROM = clock.now() + HOUR;

beforeAll(async () => {
  [ru, us] = await Promise.all([startInProcessParty('RU', clock), startInProcessParty('US', fast)]);
  await pinPeers(ru, us);
  const created = await api(ru, 'admin', 'POST', '/api/v1/channels', {
    id: 'intel',
    name: 'Intelligence services heads',
    offices: ['ru-ops'],
    peers: { US: ['us-ops'] },
    languages: ['ru', 'en'],
  });
  expect(created.status).toBe(201);
  await eventually(async () => (await api(us, 'admin', 'GET', '/api/v1/channels/intel')).status === 200);
  expect((await api(us, 'admin', 'POST', '/api/v1/channels/intel/accept')).status).toBe(200);
  await eventually(
    async () =>
      (await api<{ state: string }>(ru, 'admin', 'GET', '/api/v1/channels/intel')).body.state === 'active',
  );
  // Each side's keys at the other: owners are checked against them.
  await eventually(
    async () => (await post(ru, 'ru-head', 'note', { text: 'Line open.' }, false)).status === 201,
  );
  await eventually(
    async () => (await post(us, 'us-head', 'note', { text: 'Line open.' }, false)).status === 201,
  );
  await eventually(async () => (await commitmentsAt(ru)).length === 0 && (await ruKnowsUsKeys()));
}, 240_000);

afterAll(async () => {
  await ru?.stop();
  await us?.stop();
}, 240_000);

async function ruKnowsUsKeys(): Promise<boolean> {
  const page = await api<{ entries: Array<{ party: string; kind: string }> }>(
    ru,
    'ru-head',
    'GET',
    '/api/v1/channels/intel/entries?limit=1000',
  );
  return page.body.entries.some((e) => e.party === 'US' && e.kind === 'principal-key');
}

async function post(
  node: InProcessParty,
  user: string,
  kind: string,
  body: unknown,
  expectCreated = true,
): Promise<{ status: number; body: Entry & { error?: { code: string; message: string } } }> {
  const result = await api<Entry & { error?: { code: string; message: string } }>(
    node,
    user,
    'POST',
    '/api/v1/channels/intel/entries',
    { kind, body },
  );
  if (expectCreated) expect(result.status, JSON.stringify(result.body)).toBe(201);
  return result;
}

async function chainLength(node: InProcessParty): Promise<number> {
  const page = await api<{ entries: Array<{ party: string }> }>(
    node,
    node === ru ? 'ru-head' : 'us-head',
    'GET',
    '/api/v1/channels/intel/entries?limit=1000',
  );
  return page.body.entries.filter((e) => e.party === node.party).length;
}

/** Posts what must be refused; checks the status, code and the field named, and that nothing was written. */
async function refused(
  node: InProcessParty,
  user: string,
  kind: string,
  body: unknown,
  status: number,
  code: string,
  names: RegExp,
): Promise<void> {
  const before = await chainLength(node);
  const result = await post(node, user, kind, body, false);
  expect(result.status, JSON.stringify(result.body)).toBe(status);
  expect(result.body.error?.code).toBe(code);
  expect(result.body.error?.message).toMatch(names);
  expect(await chainLength(node)).toBe(before);
}

async function commitmentsAt(node: InProcessParty, user = node === ru ? 'ru-head' : 'us-head') {
  const result = await api<{ commitments: Commitment[] }>(
    node,
    user,
    'GET',
    '/api/v1/commitments?channel=intel',
  );
  expect(result.status).toBe(200);
  return result.body.commitments;
}

async function owing(node: InProcessParty, user: string): Promise<Obligation[]> {
  const result = await api<{ obligations: Obligation[] }>(
    node,
    user,
    'GET',
    '/api/v1/obligations?direction=owing&channel=intel',
  );
  expect(result.status).toBe(200);
  return result.body.obligations;
}

function cli(node: InProcessParty, user: string, args: string[]) {
  return runCliAsync([...args, '--url', node.url, '--json'], { PARLEY_TOKEN: node.tokens[user]! });
}

const ref = (e: Entry) => ({ party: e.party, seq: e.seq, hash: e.hash });
let order: Entry;
let daily: Entry;

describe('an order to keep contact and the commitments arising from it', { timeout: 120_000 }, () => {
  it('records the order as its own kind, asking nobody for an answer; refuses offices not in the channel and bad periods', async () => {
    const good = {
      order: 'keep-momentum',
      orderedBy: 'President of the Russian Federation',
      offices: { RU: ['ru-ops'], US: ['us-ops'] },
      why: 'Maintain ongoing high-level contact among heads of departments.',
      what: 'contact',
      every: 'P1D',
    };
    await refused(
      ru,
      'ru-head',
      'contact-order',
      { ...good, offices: { RU: ['ru-nowhere'] } },
      400,
      'body_invalid',
      /offices\.RU: 'ru-nowhere'/,
    );
    await refused(
      ru,
      'ru-head',
      'contact-order',
      { ...good, every: 'P0D' },
      400,
      'body_invalid',
      /^every: .*shorter than a day/,
    );
    await refused(
      ru,
      'ru-head',
      'contact-order',
      { ...good, given: '2031-01-01' },
      400,
      'body_invalid',
      /^given: /,
    );
    await refused(ru, 'ru-duty', 'contact-order', good, 403, 'forbidden', /head/);
    const recorded = await cli(ru, 'ru-head', [
      'contact-order',
      'record',
      'intel',
      '--order',
      good.order,
      '--ordered-by',
      good.orderedBy,
      '--offices',
      'RU=ru-ops',
      '--offices',
      'US=us-ops',
      '--why',
      good.why,
      '--every',
      'P1D',
    ]);
    expect(recorded.stderr).toBe('');
    order = JSON.parse(recorded.stdout) as Entry;
    expect(order.id).toMatch(/^intel\/RU\/\d+$/);
    await eventually(
      async () =>
        (
          await api<{ orders: Array<{ id: string }> }>(
            us,
            'us-head',
            'GET',
            '/api/v1/channels/intel/contact-orders',
          )
        ).body.orders.some((o) => o.id === order.id),
      20_000,
      'the order at US',
    );
    // An order is a record, not a message: nobody owes it an answer.
    expect((await owing(us, 'us-head')).filter((o) => o.about.id === order.id)).toEqual([]);
    await refused(ru, 'ru-head', 'contact-order', good, 409, 'already_exists', /keep-momentum/);
  });

  it('refuses periods under a day or over a year, and owners who are not people of a party in the channel', async () => {
    const body = {
      commitment: 'daily',
      what: 'contact',
      every: 'P1D',
      owners: ['ru-head', 'us-head'],
      from: iso(FROM),
    };
    for (const every of ['P0D', 'PT1H', 'P999M'])
      await refused(ru, 'ru-head', 'commitment', { ...body, every }, 400, 'body_invalid', /^every: /);
    await refused(
      ru,
      'ru-head',
      'commitment',
      { ...body, owners: ['ru-head', 'us-ghost'] },
      400,
      'body_invalid',
      /owners: 'us-ghost' is not a person/,
    );
    await refused(ru, 'ru-duty', 'commitment', body, 403, 'forbidden', /only the head/);
    expect(await commitmentsAt(ru)).toEqual([]);
  });

  it('binds US only once US accepts it: proposed until then, and only a head or owner of US accepts', async () => {
    daily = (
      await post(ru, 'ru-head', 'commitment', {
        commitment: 'daily',
        what: 'contact',
        every: 'P1D',
        owners: ['ru-head', 'us-head'],
        order: ref(order),
        from: iso(FROM),
      })
    ).body;
    const [proposed] = await commitmentsAt(ru);
    expect(proposed).toMatchObject({
      state: 'proposed',
      awaiting: ['US'],
      parties: ['RU', 'US'],
      order: order.id,
    });
    expect(Object.keys(proposed!.bound)).toEqual(['RU']);
    await eventually(async () => (await commitmentsAt(us)).length === 1, 20_000, 'the commitment at US');
    expect((await commitmentsAt(us))[0]!.state).toBe('proposed');

    await refused(
      us,
      'us-duty',
      'commitment-accept',
      { of: ref(daily) },
      403,
      'forbidden',
      /only the head .* or an owner of US/,
    );
    await refused(
      ru,
      'ru-head',
      'commitment-accept',
      { of: ref(daily) },
      409,
      'already_exists',
      /RU has already accepted/,
    );
    await refused(
      ru,
      'ru-head',
      'commitment',
      { ...{ commitment: 'daily', what: 'briefing', every: 'P1M', owners: ['ru-head'], from: iso(FROM) } },
      409,
      'already_exists',
      /'daily' already exists/,
    );

    const accepted = await cli(us, 'us-head', ['commitment', 'accept', daily.id]);
    expect(accepted.stderr).toBe('');
    for (const node of [us, ru])
      await eventually(
        async () => (await commitmentsAt(node))[0]!.state === 'binding',
        20_000,
        `binding at ${node.party}`,
      );
    const shown = await cli(ru, 'ru-head', ['commitment', 'show', daily.id]);
    const view = JSON.parse(shown.stdout) as Commitment;
    expect(view.state).toBe('binding');
    expect(view.owners).toEqual([
      { principal: 'ru-head', party: 'RU' },
      { principal: 'us-head', party: 'US' },
    ]);
    // No period has begun, let alone closed: nothing is "kept" yet.
    expect(view.cadence.kept).toBeNull();
    const listed = JSON.parse((await cli(us, 'us-head', ['commitment', 'list'])).stdout) as {
      commitments: Commitment[];
    };
    expect(listed.commitments.map((c) => c.id)).toEqual([daily.id]);
    await refused(
      us,
      'us-head',
      'commitment-accept',
      { of: ref(daily) },
      409,
      'already_exists',
      /US has already accepted/,
    );
  });

  it('counts only real exchanges, and nothing dated after now', async () => {
    clock.advance(FROM - clock.now() + HOUR);
    const note = (await post(ru, 'ru-head', 'note', { text: 'Daily contact.' })).body;
    // US reads it (a receipt, not contact); its node signs a delivery receipt (system).
    await eventually(
      async () =>
        (await api(us, 'us-duty', 'GET', `/api/v1/channels/intel/entries/RU/${note.seq}`)).status === 200,
    );
    expect(
      (
        await api(us, 'us-duty', 'POST', `/api/v1/channels/intel/entries/RU/${note.seq}/receipts`, {
          level: 'understood',
        })
      ).status,
    ).toBe(201);
    await eventually(async () => {
      const page = await api<{ entries: Array<{ party: string; kind: string }> }>(
        ru,
        'ru-head',
        'GET',
        '/api/v1/channels/intel/entries?limit=1000',
      );
      return page.body.entries.some((e) => e.party === 'US' && e.kind === 'receipt');
    });
    let [view] = await commitmentsAt(ru);
    expect(view!.cadence.current).toMatchObject({ kept: false, by: [note.id], missing: ['US'] });

    // US writes: its clock is four minutes fast, so the note is dated after RU's now.
    const ahead = (await post(us, 'us-head', 'note', { text: 'Here.' })).body;
    await eventually(
      async () =>
        (await api(ru, 'ru-head', 'GET', `/api/v1/channels/intel/entries/US/${ahead.seq}`)).status === 200,
    );
    [view] = await commitmentsAt(ru);
    expect(view!.cadence.current!.kept).toBe(false);
    expect(view!.cadence.current!.by).toEqual([note.id]);
    expect(Date.parse(view!.cadence.lastContact!)).toBeLessThanOrEqual(clock.now());
    clock.advance(5 * MINUTE);
    [view] = await commitmentsAt(ru);
    expect(view!.cadence.current).toMatchObject({ kept: true, by: [note.id, ahead.id], missing: [] });
    expect(view!.cadence.lastContact).toBe(ahead.hlc.split('/')[0]);
  });

  it('escalates a lapse to the owners, then their heads, and shows it in what the owners owe until contact is restored', async () => {
    // Day 2: only RU speaks.
    clock.advance(FROM + DAY + HOUR - clock.now());
    await post(ru, 'ru-head', 'note', { text: 'Anyone?' });
    clock.advance(FROM + 2 * DAY + MINUTE - clock.now());
    await eventually(async () => {
      const [view] = await commitmentsAt(us);
      return view!.cadence.closed === 2;
    });
    const [view] = await commitmentsAt(us);
    expect(view!.cadence.periods.slice(0, 2).map((p) => [p.kept, p.missing])).toEqual([
      [true, []],
      [false, ['US']],
    ]);
    expect(view!.cadence.kept).toBe(false);

    const lapses = async (node: InProcessParty) =>
      (await node.server.escalations.tick()).filter((e) => e.obligation === 'commitment-lapse');
    const first = await lapses(us);
    expect(first).toEqual([
      expect.objectContaining({
        about: daily.id,
        obligation: 'commitment-lapse',
        owedBy: 'US',
        step: 'owners',
        notify: ['us-head'],
      }),
    ]);
    expect(await lapses(us)).toEqual([]);
    // RU's node does not escalate US's lapse.
    expect(await lapses(ru)).toEqual([]);
    expect((await owing(us, 'us-head')).filter((o) => o.type === 'commitment-lapse')).toEqual([
      expect.objectContaining({ owedBy: 'US', subject: 'daily' }),
    ]);
    // Not an owner: not theirs to answer for.
    expect((await owing(us, 'us-duty')).filter((o) => o.type === 'commitment-lapse')).toEqual([]);

    clock.advance(12 * HOUR);
    const second = await lapses(us);
    expect(second.map((e) => [e.step, e.notify])).toEqual([['head', ['us-head']]]);
    // Both steps are signed entries RU holds too.
    await eventually(async () => {
      const page = await api<{
        entries: Array<{ party: string; kind: string; body: { obligation?: string } }>;
      }>(ru, 'ru-head', 'GET', '/api/v1/channels/intel/entries?limit=1000');
      return (
        page.body.entries.filter(
          (e) => e.party === 'US' && e.kind === 'escalation' && e.body.obligation === 'commitment-lapse',
        ).length === 2
      );
    });

    // Contact restored: the lapse closes; the missed day stays on the record.
    await post(us, 'us-head', 'note', { text: 'Back on the line.' });
    clock.advance(5 * MINUTE);
    expect((await owing(us, 'us-head')).filter((o) => o.type === 'commitment-lapse')).toEqual([]);
    expect((await commitmentsAt(us))[0]!.cadence.periods[1]!.kept).toBe(false);
  });

  it('gives the channel metrics through the API and the CLI alike', async () => {
    const result = await api<Metrics>(ru, 'ru-head', 'GET', '/api/v1/channels/intel/metrics?weeks=2');
    expect(result.status).toBe(200);
    const m = result.body;
    expect(m.contactsPerWeek).toHaveLength(2);
    // Notes only (two line checks, four since); no receipt, key, order or escalation.
    expect(m.contactsPerWeek.reduce((n, w) => n + w.contacts, 0)).toBe(6);
    const routine = m.responseTimes.find((r) => r.precedence === 'ROUTINE')!;
    expect(routine).toMatchObject({ answered: 1, items: 6 });
    expect(routine.medianMs).toBeGreaterThanOrEqual(0);
    expect(m.open.total).toBeGreaterThan(0);
    expect(m.open.byType.map((t) => t.type)).toContain('response');
    const bad = await api<{ error: { message: string } }>(
      ru,
      'ru-head',
      'GET',
      '/api/v1/channels/intel/metrics?weeks=0',
    );
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/weeks/);

    const viaCli = await cli(ru, 'ru-head', ['channel', 'metrics', 'intel', '--weeks', '2']);
    expect(viaCli.stderr).toBe('');
    const fromCli = JSON.parse(viaCli.stdout) as Metrics;
    expect(fromCli.contactsPerWeek).toEqual(m.contactsPerWeek);
    expect(fromCli.responseTimes).toEqual(m.responseTimes);
    const text = await runCliAsync(['channel', 'metrics', 'intel', '--url', ru.url], {
      PARLEY_TOKEN: ru.tokens['ru-head']!,
    });
    expect(text.stdout).toMatch(/response times[\s\S]*ROUTINE\t1\/6 answered/);
    const wrong = await runCliAsync(['channel', 'metrics', 'intel', '--weeks', 'x', '--url', ru.url], {
      PARLEY_TOKEN: ru.tokens['ru-head']!,
    });
    expect(wrong.status).toBe(2);
    expect(wrong.stderr).toMatch(/--weeks 'x'/);
  });
});
