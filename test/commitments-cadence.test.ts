// A commitment binding once accepted, its cadence counted, a lapse escalated, and the channel's metrics.
import { beforeAll, describe, expect, it } from 'vitest';
import { api, eventually, runCliAsync } from './support/node-process.js';
import type { InProcessParty } from './support/in-process.js';
import { DAY, HOUR, MINUTE, ref } from './support/intel-pair.js';
import {
  cli,
  commitmentsAt,
  iso,
  orderArrived,
  owing,
  post,
  recordKeepMomentum,
  refused,
  useCommitmentPair,
  type Commitment,
  type Entry,
} from './support/commitments.js';

interface Metrics {
  channel: string;
  lastContact: string | null;
  contactsPerWeek: Array<{ week: string; contacts: number }>;
  responseTimes: Array<{ precedence: string; items: number; answered: number; medianMs: number | null }>;
  open: { total: number; byType: Array<{ type: string; count: number }> };
}

let ru: InProcessParty;
let us: InProcessParty;
const clock = useCommitmentPair((a, b) => void ([ru, us] = [a, b]));
/** Start of the first period: an hour from the start, after US has had time to accept. */
const FROM = clock.now() + HOUR;
let order: Entry;
let daily: Entry;

beforeAll(async () => {
  // The order the commitment arises from, as RU's head records it.
  const recorded = await recordKeepMomentum(ru);
  expect(recorded.stderr).toBe('');
  order = JSON.parse(recorded.stdout) as Entry;
  await orderArrived(us, order.id);
});

describe('an order to keep contact and the commitments arising from it', { timeout: 120_000 }, () => {
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
