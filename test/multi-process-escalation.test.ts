/**
 * Escalation steps are signed once even when two schedulers of one node race (README "Several
 * processes of one node"): RU and US federated over real HTTP in virtual time, a FLASH item RU
 * owes an answer to, and a second node instance opened on RU's data directory (as a second
 * process would) whose scheduler runs without the lease, as a process that lost it without
 * knowing would. Both pass at once: each step is stored once (natural key), the loser takes it
 * as already done. A scheduler whose lease passed on (a stale fence) signs nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LeaseHolder } from '../src/node/leases.js';
import type { ParleyNode } from '../src/node/parley-node.js';
import { EscalationScheduler } from '../src/workflows/obligations/escalation.js';
import { openNode } from '../src/workflows/open-node.js';
import { pinPeers, startInProcessParty, virtualClock, type InProcessParty } from './support/in-process.js';
import { api, eventually, openChannel } from './support/node-process.js';

const MINUTE = 60_000;
const clock = virtualClock();
let ru: InProcessParty;
let us: InProcessParty;
let second: ParleyNode;

beforeAll(async () => {
  [ru, us] = await Promise.all([startInProcessParty('RU', clock), startInProcessParty('US', clock)]);
  await pinPeers(ru, us);
  await openChannel(ru, us, { languages: ['en'] });
  second = await openNode(ru.dataDir, { now: clock.now });
}, 240_000);

afterAll(async () => {
  await second?.close();
  await ru?.stop();
  await us?.stop();
}, 240_000);

describe('escalation with several processes', () => {
  it('signs each due step once when two schedulers race, and nothing under a stale lease', async () => {
    const sent = await api<{ id: string; party: string; seq: number }>(
      us,
      'us-head',
      'POST',
      '/api/v1/channels/intel/entries',
      { kind: 'note', precedence: 'FLASH', body: { text: 'Exercise notice' } },
    );
    expect(sent.status).toBe(201);
    await eventually(
      async () =>
        (await api(ru, 'ru-head', 'GET', `/api/v1/channels/intel/entries/US/${sent.body.seq}`)).status ===
        200,
    );
    clock.advance(11 * MINUTE);

    // A scheduler whose lease has passed to another process signs nothing.
    const stale: LeaseHolder = {
      hold: () => async () => {},
      fence: () => ({ name: 'escalation', holder: 'gone/1/00', epoch: 999 }),
    };
    expect(await new EscalationScheduler(second, 86_400_000, stale).tick()).toEqual([]);

    const unleased = new EscalationScheduler(second, 86_400_000, null);
    const [a, b] = await Promise.all([ru.server.escalations.tick(), unleased.tick()]);
    const recorded = [...a, ...b];
    expect(recorded.length).toBeGreaterThan(0);
    const steps = recorded.map((r) => `${r.about}|${r.obligation}|${r.owedBy}|${r.step}|${r.due}`);
    expect(new Set(steps).size).toBe(steps.length);

    const stored = await second.storage.listByKind('intel', 'escalation', 1000);
    const keys = stored.map((e) => {
      const body = (JSON.parse(e.canonical) as { body: Record<string, unknown> }).body;
      return JSON.stringify([body.of, body.obligation, body.owedBy, body.step, body.due]);
    });
    expect(new Set(keys).size).toBe(keys.length);
    expect(stored).toHaveLength(recorded.length);
    // Both again: everything is already there.
    expect([...(await ru.server.escalations.tick()), ...(await unleased.tick())]).toEqual([]);
  });
});
