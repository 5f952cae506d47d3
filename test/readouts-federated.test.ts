/**
 * Readouts and the joint summary across two real federated node processes (RU and US): a
 * briefing held, each party's readout in its own language, RU's with an English translation;
 * both nodes align the two readouts the same way (through the translation, marked not
 * authoritative) and find the conflict in the notice period; a summary point proposed on RU is
 * open on both nodes until US signs it there, and agreed on both only then; bad input is refused
 * with a 4xx naming the field or rule and nothing is written.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { arrived, callProposal, heldRecord, post, ref, type Entry } from './support/held-call.js';
import { api, eventually, openChannel, peerUp, startParty, type PartyNode } from './support/node-process.js';

let ru: PartyNode;
let us: PartyNode;

beforeAll(async () => {
  [ru, us] = await Promise.all([startParty('RU'), startParty('US')]);
  peerUp(ru, us);
  await openChannel(ru, us);
}, 240_000);

afterAll(async () => {
  await Promise.all([ru?.serve.stop(), us?.serve.stop()]);
});

interface Point {
  point: string;
  id: string;
  hash: string;
  state: string;
  waitingFor: string[];
  signatures: Array<{ party: string }>;
  versions: string[];
}
interface Summaries {
  summaries: Array<{ summary: string; agreed: boolean; points: Point[] }>;
}
interface Alignment {
  comparable: boolean;
  a: { translation: { id: string; authoritative: boolean } | null; lang: string };
  b: { translation: unknown };
  points: Array<{
    label: string;
    a: number | null;
    b: number | null;
    conflicts: Array<{ type: string; a: string[]; b: string[] }>;
  }>;
  counts: Record<string, number>;
}

const ENTRIES = '/api/v1/channels/intel/entries';

/** Entries `user` signed in the channel (federation appends the node's own receipts meanwhile). */
async function signedBy(node: PartyNode, user: string): Promise<number> {
  const page = await api<{ entries: Array<{ author: string }> }>(node, user, 'GET', `${ENTRIES}?limit=1000`);
  return page.body.entries.filter((e) => e.author === user).length;
}

async function refused(
  node: PartyNode,
  user: string,
  kind: string,
  body: unknown,
  status: number,
  field: string,
): Promise<void> {
  const before = await signedBy(node, user);
  const result = await api<{ error: { code: string; message: string } }>(node, user, 'POST', ENTRIES, {
    kind,
    body,
  });
  expect(result.status, JSON.stringify(result.body)).toBe(status);
  expect(result.body.error.message).toContain(field);
  expect(await signedBy(node, user)).toBe(before);
}

const RU_TEXT =
  'Стороны обсудили график учений. Стороны договорились уведомлять друг друга о крупных учениях за 48 часов. Российская сторона выразила соболезнования.';
const RU_IN_ENGLISH =
  'The parties discussed the exercise schedule. The parties agreed to notify each other of major exercises 48 hours ahead. The Russian side expressed condolences.';
const US_TEXT =
  'The parties reviewed the exercise schedule. Both sides agreed to notify each other of major exercises 24 hours ahead. A second call is planned before the summit.';

describe('readouts side by side, and a joint summary, between two nodes', () => {
  let briefing: Entry;
  let ruReadout: Entry;
  let usReadout: Entry;
  let point: Entry;

  it('refuses a readout of a briefing that was never held, then keeps both readouts', async () => {
    briefing = await post(ru, 'ru-duty', 'briefing-proposal', callProposal(ru, us));
    await arrived(us, briefing);
    await refused(
      ru,
      'ru-duty',
      'readout',
      { of: ref(briefing), text: 'Too early.' },
      409,
      'has not been held',
    );
    const accept = await post(us, 'us-duty', 'briefing-answer', { of: ref(briefing), answer: 'accept' });
    await arrived(ru, accept);
    await post(ru, 'ru-duty', 'briefing-record', heldRecord(ru, us, briefing));
    ruReadout = await post(ru, 'ru-duty', 'readout', { of: ref(briefing), text: RU_TEXT }, 'ru');
    await post(
      ru,
      'ru-duty',
      'translation',
      { of: ref(ruReadout), text: RU_IN_ENGLISH, translator: { type: 'person' } },
      'en',
    );
    await arrived(us, ruReadout);
    usReadout = await post(us, 'us-duty', 'readout', { of: ref(briefing), text: US_TEXT }, 'en');
    await arrived(ru, usReadout);
    const listed = await api<{ readouts: Array<{ id: string; lang: string; translations: string[] }> }>(
      us,
      'us-duty',
      'GET',
      '/api/v1/channels/intel/readouts',
    );
    await eventually(
      async () =>
        (
          await api<{ readouts: Array<{ translations: string[] }> }>(
            us,
            'us-duty',
            'GET',
            '/api/v1/channels/intel/readouts',
          )
        ).body.readouts[0]?.translations.includes('en') ?? false,
      20_000,
      'translation at US',
    );
    expect(listed.body.readouts.map((r) => [r.id, r.lang])).toEqual([
      [ruReadout.id, 'ru'],
      [usReadout.id, 'en'],
    ]);
  });

  it('aligns the readouts the same on both nodes, through the translation, and finds the conflict', async () => {
    const path = `/api/v1/channels/intel/readouts/alignment?a=RU/${ruReadout.seq}&b=US/${usReadout.seq}`;
    const [atRu, atUs] = await Promise.all([
      api<Alignment>(ru, 'ru-duty', 'GET', path),
      api<Alignment>(us, 'us-duty', 'GET', path),
    ]);
    expect(atRu.status).toBe(200);
    expect(atUs.body).toEqual(atRu.body);
    const result = atRu.body;
    expect(result.comparable).toBe(true);
    expect(result.a.translation).toMatchObject({ authoritative: false });
    expect(result.b.translation).toBeNull();
    expect(result.points.map((p) => [p.label, p.a, p.b])).toEqual([
      ['similar', 0, 0],
      ['conflict', 1, 1],
      ['one-side', 2, null],
      ['one-side', null, 2],
    ]);
    expect(result.points[1]!.conflicts).toEqual([{ type: 'duration', a: ['48 hours'], b: ['24 hours'] }]);
  });

  it('refuses bad alignment requests, naming the field', async () => {
    const base = '/api/v1/channels/intel/readouts/alignment';
    const missing = await api<{ error: { message: string } }>(
      ru,
      'ru-duty',
      'GET',
      `${base}?a=RU/${ruReadout.seq}`,
    );
    expect(missing.status).toBe(400);
    expect(missing.body.error.message).toMatch(/\bb\b/);
    const malformed = await api<{ error: { message: string } }>(
      ru,
      'ru-duty',
      'GET',
      `${base}?a=RU-1&b=US/1`,
    );
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.message).toContain('<party>/<seq>');
    const notReadout = await api<{ error: { code: string; message: string } }>(
      ru,
      'ru-duty',
      'GET',
      `${base}?a=RU/${briefing.seq}&b=US/${usReadout.seq}`,
    );
    expect(notReadout.status).toBe(400);
    expect(notReadout.body.error.message).toContain('a: ');
    expect(notReadout.body.error.message).toContain('not a readout');
    const absent = await api<{ error: { code: string } }>(
      ru,
      'ru-duty',
      'GET',
      `${base}?a=RU/999&b=US/${usReadout.seq}`,
    );
    expect(absent.status).toBe(404);
    const same = await api(ru, 'ru-duty', 'GET', `${base}?a=RU/${ruReadout.seq}&b=RU/${ruReadout.seq}`);
    expect(same.status).toBe(400);
  });

  it('refuses summary points that do not rest on what the readouts say', async () => {
    const rest = (e: Entry, quote: string) => ({ readout: ref(e), quote });
    const base = { summary: 'call-1', point: 'notice', status: 'agreed', text: 'Notice of major exercises.' };
    await refused(ru, 'ru-duty', 'summary-point', { ...base, rests: [] }, 400, 'rests');
    await refused(
      ru,
      'ru-duty',
      'summary-point',
      { ...base, rests: [rest(ruReadout, 'график учений'), rest(usReadout, 'not in the text')] },
      400,
      'rests.1.quote',
    );
    await refused(
      ru,
      'ru-duty',
      'summary-point',
      { ...base, rests: [rest(ruReadout, 'график учений')] },
      400,
      'at least two parties',
    );
    await refused(
      ru,
      'ru-duty',
      'summary-point',
      { ...base, status: 'unilateral', rests: [rest(ruReadout, 'соболезнования')] },
      400,
      'party:',
    );
    await refused(
      ru,
      'ru-duty',
      'summary-point',
      { ...base, rests: [{ readout: ref(briefing), quote: 'x' }] },
      400,
      'rests.0.readout',
    );
  });

  it('agrees a point only once every party signed that exact version', async () => {
    point = await post(ru, 'ru-duty', 'summary-point', {
      summary: 'call-1',
      point: 'schedule',
      status: 'agreed',
      text: 'The parties discussed the schedule of exercises.',
      rests: [
        { readout: ref(ruReadout), quote: 'Стороны обсудили график учений.' },
        { readout: ref(usReadout), quote: 'The parties reviewed the exercise schedule.' },
      ],
    });
    const summaryAt = async (node: PartyNode, user: string) =>
      (await api<Summaries>(node, user, 'GET', '/api/v1/channels/intel/summaries')).body.summaries;
    expect(await summaryAt(ru, 'ru-duty')).toMatchObject([
      { summary: 'call-1', agreed: false, points: [{ id: point.id, state: 'open', waitingFor: ['US'] }] },
    ]);
    await refused(ru, 'ru-duty', 'summary-sign', { of: ref(point) }, 409, 'proposing it was its signature');
    await arrived(us, point);
    expect((await summaryAt(us, 'us-duty'))[0]!.points[0]).toMatchObject({
      state: 'open',
      waitingFor: ['US'],
    });

    await refused(
      us,
      'us-duty',
      'summary-sign',
      { of: { ...ref(point), hash: '0'.repeat(64) } },
      400,
      'another hash',
    );
    const sign = await post(us, 'us-head', 'summary-sign', { of: ref(point) });
    await refused(us, 'us-duty', 'summary-sign', { of: ref(point) }, 409, 'already signed');
    expect((await summaryAt(us, 'us-duty'))[0]).toMatchObject({
      agreed: true,
      points: [{ state: 'agreed' }],
    });
    await arrived(ru, sign);
    expect((await summaryAt(ru, 'ru-duty'))[0]).toMatchObject({
      agreed: true,
      points: [{ state: 'agreed', waitingFor: [], signatures: [{ party: 'RU' }, { party: 'US' }] }],
    });
  });

  it('asks every party again for a revised point, and refuses a signature of the stale version', async () => {
    const revised = await post(us, 'us-duty', 'summary-point', {
      summary: 'call-1',
      point: 'schedule',
      status: 'agreed',
      text: 'The parties reviewed the schedule of major exercises.',
      rests: [
        { readout: ref(ruReadout), quote: 'Стороны обсудили график учений.' },
        { readout: ref(usReadout), quote: 'The parties reviewed the exercise schedule.' },
      ],
      revises: ref(point),
    });
    await arrived(ru, revised);
    const at = (await api<Summaries>(ru, 'ru-duty', 'GET', '/api/v1/channels/intel/summaries')).body
      .summaries[0]!;
    expect(at).toMatchObject({
      agreed: false,
      points: [{ id: revised.id, state: 'open', waitingFor: ['RU'], versions: [point.id] }],
    });
    await refused(
      ru,
      'ru-head',
      'summary-point',
      {
        ...{ summary: 'call-1', point: 'schedule', status: 'agreed', text: 'x' },
        rests: [
          { readout: ref(ruReadout), quote: 'Стороны' },
          { readout: ref(usReadout), quote: 'The parties' },
        ],
        revises: ref(point),
      },
      409,
      'not the newest version',
    );
    await refused(us, 'us-head', 'summary-sign', { of: ref(point) }, 409, 'was revised');
    await post(ru, 'ru-head', 'summary-sign', { of: ref(revised) });
    const after = (await api<Summaries>(ru, 'ru-duty', 'GET', '/api/v1/channels/intel/summaries')).body
      .summaries[0]!;
    expect(after.points[0]).toMatchObject({ state: 'agreed' });
  });
});
