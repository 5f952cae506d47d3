// Contact orders recorded as their own kind, and commitments refused for bad periods or owners.
import { describe, expect, it } from 'vitest';
import type { InProcessParty } from './support/in-process.js';
import { HOUR } from './support/intel-pair.js';
import { api } from './support/node-process.js';
import {
  commitmentsAt,
  iso,
  KEEP_MOMENTUM,
  orderArrived,
  owing,
  recordKeepMomentum,
  refused,
  useCommitmentPair,
  type Entry,
} from './support/commitments.js';

let ru: InProcessParty;
let us: InProcessParty;
const clock = useCommitmentPair((a, b) => void ([ru, us] = [a, b]));
/** Start of the first period: an hour from the start, after US has had time to accept. */
const FROM = clock.now() + HOUR;
let order: Entry;

describe('an order to keep contact and the commitments arising from it', { timeout: 120_000 }, () => {
  it('records the order as its own kind, asking nobody for an answer; refuses offices not in the channel and bad periods', async () => {
    const good = KEEP_MOMENTUM;
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
    const recorded = await recordKeepMomentum(ru);
    expect(recorded.stderr).toBe('');
    order = JSON.parse(recorded.stdout) as Entry;
    expect(order.id).toMatch(/^intel\/RU\/\d+$/);
    await orderArrived(us, order.id);
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

  it('lists the people who may own a commitment: each person of a member party, by office', async () => {
    const people = await api<{ people: Array<{ principal: string; party: string; office: string }> }>(
      ru,
      'ru-duty',
      'GET',
      '/api/v1/channels/intel/people',
    );
    expect(people.status).toBe(200);
    const names = people.body.people.map((p) => `${p.party}:${p.principal}`);
    expect(names).toEqual(expect.arrayContaining(['RU:ru-head', 'RU:ru-duty', 'US:us-head']));
    expect(names).not.toContain('US:us-ghost');
    expect((await api(ru, 'ru-duty', 'GET', '/api/v1/channels/no-such/people')).status).toBe(404);
  });
});
