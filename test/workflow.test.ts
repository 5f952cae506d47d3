/**
 * No message misread or left unanswered, end to end on two federated nodes (RU, US) over real
 * HTTP, in virtual time: a FLASH notification, its read-back corrected then confirmed, a
 * clarification on an exact passage, deferred and declined answers, an overdue item escalating
 * to the duty officer then the head (recorded as signed entries, durable across a restart), the
 * "what do I owe / what am I owed" queries, and bad input refused with nothing written.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, eventually, runCliAsync } from './support/node-process.js';
import { pinPeers, startInProcessParty, virtualClock, type InProcessParty } from './support/in-process.js';

const MINUTE = 60_000;
const clock = virtualClock();
let ru: InProcessParty;
let us: InProcessParty;

interface Entry {
  id: string;
  party: string;
  seq: number;
  hash: string;
  kind: string;
  marking?: string;
  body: Record<string, unknown>;
}
interface Obligation {
  type: string;
  item: { id: string };
  about: { id: string };
  owedBy: string;
  owedTo: string;
  due: string;
  overdue: boolean;
  note: string | null;
}
interface Escalation {
  step: string;
  notify: string[];
  owedBy: string;
  obligation: string;
}
interface Status {
  responses: Array<{ party: string; state: string; detail: string | null }>;
  escalations: Escalation[];
  obligations: Obligation[];
  resolved: boolean;
}

const FLASH_TEXT =
  'Уведомляем о запланированных учениях в указанном районе с 21 по 23 февраля. Учения не направлены против какой-либо стороны.';

beforeAll(async () => {
  [ru, us] = await Promise.all([startInProcessParty('RU', clock), startInProcessParty('US', clock)]);
  await pinPeers(ru, us);
  const created = await api(ru, 'admin', 'POST', '/api/v1/channels', {
    id: 'intel',
    name: 'Intelligence services heads',
    offices: ['ru-ops'],
    peers: { US: ['us-ops'] },
    languages: ['ru', 'en'],
    objectives: { FLASH: { deliveryMinutes: 1, responseMinutes: 10 } },
  });
  expect(created.status).toBe(201);
  await eventually(async () => (await api(us, 'admin', 'GET', '/api/v1/channels/intel')).status === 200);
  expect((await api(us, 'admin', 'POST', '/api/v1/channels/intel/accept')).status).toBe(200);
  await eventually(
    async () =>
      (await api<{ state: string }>(ru, 'admin', 'GET', '/api/v1/channels/intel')).body.state === 'active',
  );
}, 180_000);

afterAll(async () => {
  // One at a time: each node's close waits for the other's requests in flight.
  await ru?.stop();
  await us?.stop();
}, 240_000);

async function post(
  node: InProcessParty,
  user: string,
  kind: string,
  body: unknown,
  extra = {},
): Promise<Entry> {
  const result = await api<Entry>(node, user, 'POST', '/api/v1/channels/intel/entries', {
    kind,
    body,
    ...extra,
  });
  expect(result.status, JSON.stringify(result.body)).toBe(201);
  return result.body;
}

async function arrived(node: InProcessParty, entry: Entry): Promise<void> {
  await eventually(
    async () =>
      (await api(node, head(node), 'GET', `/api/v1/channels/intel/entries/${entry.party}/${entry.seq}`))
        .status === 200,
    20_000,
    `${entry.id} at ${node.party}`,
  );
}

async function obligations(
  node: InProcessParty,
  user: string,
  direction: 'owing' | 'owed',
): Promise<Obligation[]> {
  const result = await api<{ obligations: Obligation[] }>(
    node,
    user,
    'GET',
    `/api/v1/obligations?direction=${direction}&channel=intel`,
  );
  expect(result.status).toBe(200);
  return result.body.obligations;
}

async function status(node: InProcessParty, entry: Entry): Promise<Status> {
  const result = await api<Status>(
    node,
    head(node),
    'GET',
    `/api/v1/channels/intel/entries/${entry.party}/${entry.seq}/status`,
  );
  expect(result.status).toBe(200);
  return result.body;
}

/**
 * Entries people signed on the node. (Its own `received` receipts for replicated entries keep
 * arriving in the background, so the total count is no measure of what a refused call wrote.)
 */
async function peopleEntries(node: InProcessParty): Promise<number> {
  const entries = await node.node.storage.readChannel('intel', 0, 1_000_000);
  return entries.filter((e) => e.party === node.party && e.author !== 'node').length;
}

/** Expects a refusal with the standard error shape and no entry written on the node. */
async function refused(
  node: InProcessParty,
  call: () => Promise<{ status: number; body: unknown }>,
  status: number,
  code: string,
): Promise<string> {
  const before = await peopleEntries(node);
  const result = await call();
  expect(result.status, JSON.stringify(result.body)).toBe(status);
  const error = (result.body as { error: { code: string; message: string } }).error;
  expect(error.code).toBe(code);
  expect(await peopleEntries(node)).toBe(before);
  return error.message;
}

const head = (node: InProcessParty) => `${node.party.toLowerCase()}-head`;
const ref = (e: Entry) => ({ party: e.party, seq: e.seq, hash: e.hash });

let flash: Entry;

describe('a FLASH notification answered with a read-back', () => {
  it('is owed a response by the other party, with the charter’s deadline', async () => {
    const sentAt = clock.now();
    flash = await post(
      ru,
      'ru-head',
      'note',
      { subject: 'Exercise notice', text: FLASH_TEXT },
      { precedence: 'FLASH', lang: 'ru' },
    );
    await arrived(us, flash);
    const owing = await obligations(us, 'us-head', 'owing');
    expect(owing).toEqual([
      expect.objectContaining({
        type: 'response',
        item: expect.objectContaining({ id: flash.id }),
        owedBy: 'US',
        owedTo: 'RU',
        due: new Date(sentAt + 10 * MINUTE).toISOString(),
        overdue: false,
      }),
    ]);
    // The sender is owed the same response (and nothing is owed by RU).
    await eventually(async () =>
      (await obligations(ru, 'ru-head', 'owed')).every((o) => o.type !== 'delivery'),
    );
    expect((await obligations(ru, 'ru-head', 'owed')).map((o) => o.type)).toEqual(['response']);
    expect(await obligations(ru, 'ru-head', 'owing')).toEqual([]);
    // The US duty officer's office owes it too: the query works per office.
    const perOffice = await api<{ obligations: Obligation[] }>(
      us,
      'us-duty',
      'GET',
      '/api/v1/obligations?direction=owing&office=us-ops',
    );
    expect(perOffice.body.obligations.map((o) => o.item.id)).toEqual([flash.id]);
  });

  it('refuses bad answers with a clear error and writes nothing', async () => {
    const receipts = (party: string, seq: number) =>
      `/api/v1/channels/intel/entries/${party}/${seq}/receipts`;
    await refused(
      us,
      () => api(us, 'us-head', 'POST', receipts('RU', 999), { level: 'understood' }),
      404,
      'entry_not_found',
    );
    // A read-back on an entry of one's own party: it is not addressed to the caller.
    const message = await refused(
      ru,
      () => api(ru, 'ru-duty', 'POST', receipts('RU', flash.seq), { level: 'understood', readBack: 'x' }),
      400,
      'ref_invalid',
    );
    expect(message).toMatch(/own party/);
    await refused(
      us,
      () => api(us, 'us-head', 'POST', receipts('RU', flash.seq), { level: 'read', readBack: 'x' }),
      400,
      'body_invalid',
    );
    // A reference with another entry's hash (an entry of another channel, or altered).
    await refused(
      us,
      () =>
        api(us, 'us-head', 'POST', '/api/v1/channels/intel/entries', {
          kind: 'response',
          body: { of: { ...ref(flash), seq: 0 }, response: 'declined', reason: 'no' },
        }),
      400,
      'ref_invalid',
    );
    await refused(
      us,
      () =>
        api(us, 'us-head', 'POST', '/api/v1/channels/intel/entries', {
          kind: 'response',
          body: { of: ref(flash), response: 'deferred', reason: 'later' },
        }),
      400,
      'body_invalid',
    );
    // Passages out of range, or quoted wrongly.
    for (const passage of [
      { start: 0, end: FLASH_TEXT.length + 5, quote: FLASH_TEXT },
      { start: 5, end: 3, quote: 'x' },
      { start: 0, end: 10, quote: 'not there!' },
    ]) {
      await refused(
        us,
        () =>
          api(us, 'us-head', 'POST', '/api/v1/channels/intel/entries', {
            kind: 'clarification-request',
            body: { of: ref(flash), passage, question: 'Where?' },
          }),
        400,
        'body_invalid',
      );
    }
    // Only the sender reviews a read-back; nobody reviews a receipt without one.
    const plain = await api<Entry>(us, 'us-duty', 'POST', receipts('RU', flash.seq), { level: 'read' });
    expect(plain.status).toBe(201);
    await refused(
      us,
      () =>
        api(us, 'us-head', 'POST', '/api/v1/channels/intel/entries', {
          kind: 'readback-review',
          body: { of: ref(plain.body), outcome: 'confirmed' },
        }),
      400,
      'ref_invalid',
    );
  });

  it('escalates an overdue response to the duty officers, then the head, and tells the sender', async () => {
    clock.advance(11 * MINUTE);
    const first = await us.server.escalations.tick();
    expect(first).toEqual([
      expect.objectContaining({
        about: flash.id,
        obligation: 'response',
        owedBy: 'US',
        step: 'duty-officers',
        notify: ['us-duty'],
      }),
    ]);
    expect(await us.server.escalations.tick()).toEqual([]);
    expect((await obligations(us, 'us-head', 'owing'))[0]!.overdue).toBe(true);

    // The sending side records that its item is overdue, for its author.
    const sender = await ru.server.escalations.tick();
    expect(sender).toEqual([expect.objectContaining({ step: 'overdue', notify: ['ru-head'], owedBy: 'US' })]);

    clock.advance(5 * MINUTE);
    // Steps are recorded in the log, so a restart neither loses nor repeats them.
    await us.restart();
    const second = await us.server.escalations.tick();
    expect(second.map((e) => [e.step, e.notify])).toEqual([['head', ['us-head']]]);
    expect(await us.server.escalations.tick()).toEqual([]);

    // Every step is a signed entry both parties hold.
    await eventually(
      async () => (await status(ru, flash)).escalations.length === 3,
      20_000,
      'escalations at RU',
    );
    const steps = (await status(ru, flash)).escalations.map((e) => `${e.owedBy}:${e.step}`).sort();
    expect(steps).toEqual(['US:duty-officers', 'US:head', 'US:overdue']);
  });

  it('keeps the item open while a read-back is corrected, and closes it when confirmed', async () => {
    const receipts = `/api/v1/channels/intel/entries/RU/${flash.seq}/receipts`;
    const first = await api<Entry>(us, 'us-head', 'POST', receipts, {
      level: 'understood',
      lang: 'en',
      readBack: 'You will hold an exercise in the specified area from 21 to 22 February.',
    });
    expect(first.status).toBe(201);
    await arrived(ru, first.body);
    expect((await obligations(us, 'us-head', 'owing')).length).toBe(0);
    const toReview = await obligations(ru, 'ru-head', 'owing');
    expect(toReview).toEqual([
      expect.objectContaining({
        type: 'readback-confirmation',
        about: expect.objectContaining({ id: first.body.id }),
        owedBy: 'RU',
      }),
    ]);
    // The receiving side is owed the review.
    expect((await obligations(us, 'us-head', 'owed')).map((o) => o.type)).toEqual(['readback-confirmation']);

    const correction = await post(ru, 'ru-head', 'readback-review', {
      of: ref(first.body),
      outcome: 'corrected',
      correction: 'From 21 to 23 February, not 22.',
    });
    await arrived(us, correction);
    const reopened = await obligations(us, 'us-head', 'owing');
    expect(reopened).toEqual([
      expect.objectContaining({
        type: 'response',
        note: 'read-back corrected: From 21 to 23 February, not 22.',
      }),
    ]);
    expect((await status(us, flash)).responses[0]).toMatchObject({
      party: 'US',
      state: 'readback-corrected',
    });

    const second = await api<Entry>(us, 'us-head', 'POST', receipts, {
      level: 'understood',
      lang: 'en',
      readBack:
        'You will hold an exercise in the specified area from 21 to 23 February, not directed at any party.',
    });
    await arrived(ru, second.body);
    const confirmed = await post(ru, 'ru-head', 'readback-review', {
      of: ref(second.body),
      outcome: 'confirmed',
    });
    await arrived(us, confirmed);
    expect(await obligations(us, 'us-head', 'owing')).toEqual([]);
    expect(await obligations(ru, 'ru-head', 'owing')).toEqual([]);
    const final = await status(us, flash);
    expect(final.responses[0]).toMatchObject({ party: 'US', state: 'readback-confirmed' });
    expect(final.resolved).toBe(true);
  });

  it('answers a clarification request on an exact passage, once, by the sender', async () => {
    const quote = 'в указанном районе';
    const start = FLASH_TEXT.indexOf(quote);
    const question = await post(us, 'us-head', 'clarification-request', {
      of: ref(flash),
      passage: { start, end: start + quote.length, quote },
      question: "Please give the coordinates of the area's boundary.",
    });
    await arrived(ru, question);
    const owing = await obligations(ru, 'ru-head', 'owing');
    expect(owing).toEqual([
      expect.objectContaining({ type: 'clarification', about: expect.objectContaining({ id: question.id }) }),
    ]);
    const open = await api<{ clarifications: Array<{ id: string; passage: unknown }> }>(
      ru,
      'ru-head',
      'GET',
      '/api/v1/channels/intel/clarifications',
    );
    expect(open.body.clarifications).toEqual([
      expect.objectContaining({ id: question.id, passage: { start, end: start + quote.length, quote } }),
    ]);
    // The asking party cannot answer its own question.
    await refused(
      us,
      () =>
        api(us, 'us-head', 'POST', '/api/v1/channels/intel/entries', {
          kind: 'clarification',
          body: { of: ref(question), text: 'self-answer' },
        }),
      403,
      'forbidden',
    );
    const answer = await post(ru, 'ru-head', 'clarification', {
      of: ref(question),
      text: 'The boundary coordinates are attached as a structured field of the notification.',
    });
    expect(await obligations(ru, 'ru-head', 'owing')).toEqual([]);
    await refused(
      ru,
      () =>
        api(ru, 'ru-duty', 'POST', '/api/v1/channels/intel/entries', {
          kind: 'clarification',
          body: { of: ref(question), text: 'again' },
        }),
      409,
      'already_exists',
    );
    await arrived(us, answer);
    const all = await api<{ clarifications: Array<{ answer: { id: string } | null }> }>(
      us,
      'us-head',
      'GET',
      '/api/v1/channels/intel/clarifications?state=all',
    );
    expect(all.body.clarifications.map((c) => c.answer?.id)).toEqual([answer.id]);
  });

  it('moves the deadline of a deferred item and closes a declined one', async () => {
    const invitation = await post(
      ru,
      'ru-head',
      'note',
      { text: 'Invitation to visit Moscow.' },
      { precedence: 'IMMEDIATE', lang: 'en' },
    );
    const request = await post(
      ru,
      'ru-head',
      'note',
      { text: 'Request for a second call this week.' },
      { precedence: 'PRIORITY', lang: 'en' },
    );
    await arrived(us, request);
    const until = new Date(clock.now() + 48 * 60 * MINUTE).toISOString();
    await post(us, 'us-head', 'response', {
      of: ref(invitation),
      response: 'deferred',
      reason: 'Dates under review',
      until,
    });
    await post(us, 'us-head', 'response', {
      of: ref(request),
      response: 'declined',
      reason: 'Not this week',
    });
    const owing = await obligations(us, 'us-head', 'owing');
    expect(owing).toEqual([
      expect.objectContaining({
        item: expect.objectContaining({ id: invitation.id }),
        due: until,
        note: `deferred until ${until}: Dates under review`,
      }),
    ]);
  });

  it('marks TEST entries everywhere, and their receipts and escalations with them', async () => {
    const drill = await post(
      ru,
      'ru-duty',
      'note',
      { text: 'Link test: neutral pre-agreed text.' },
      { precedence: 'FLASH', marking: 'TEST' },
    );
    expect(drill.marking).toBe('TEST');
    await arrived(us, drill);
    const copy = await api<Entry>(us, 'us-duty', 'GET', `/api/v1/channels/intel/entries/RU/${drill.seq}`);
    expect(copy.body.marking).toBe('TEST');
    const receipt = await api<Entry>(
      us,
      'us-duty',
      'POST',
      `/api/v1/channels/intel/entries/RU/${drill.seq}/receipts`,
      {
        level: 'understood',
      },
    );
    expect(receipt.body.marking).toBe('TEST');
    await refused(
      ru,
      () =>
        api(ru, 'ru-duty', 'POST', '/api/v1/channels/intel/entries', {
          kind: 'note',
          marking: 'REAL',
          body: { text: 'x' },
        }),
      400,
      'validation_failed',
    );
  });
});

describe('the CLI', () => {
  /** Runs `parley` as the given user of a node; the in-process nodes keep serving meanwhile. */
  const cli = async (node: InProcessParty, user: string, args: string[]) => {
    const { status, stdout, stderr } = await runCliAsync([...args, '--url', node.url], {
      PARLEY_TOKEN: node.tokens[user]!,
    });
    return { code: status, stdout, stderr };
  };

  it('asks, lists, answers, responds and shows what is owed, soonest first', async () => {
    const sent = await cli(ru, 'ru-head', [
      'send',
      'intel',
      'Second exercise 1–3 March in the northern area.',
      '--precedence',
      'IMMEDIATE',
      '--lang',
      'en',
      '--json',
    ]);
    expect(sent.code, sent.stderr).toBe(0);
    const item = JSON.parse(sent.stdout) as Entry;
    await arrived(us, item);

    const owing = await cli(us, 'us-head', ['inbox', '--owing', '--channel', 'intel']);
    expect(owing.stdout).toContain(`response\t${item.id}\tUS → RU`);
    // Deferred earlier (2 days out) sorts after this one (30 minutes).
    expect(owing.stdout.split('\n')[0]).toContain(item.id);

    const bad = await cli(us, 'us-head', [
      'clarify',
      'ask',
      item.id,
      '--quote',
      'southern area',
      '--question',
      'Which?',
    ]);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('is not in the original text');
    const asked = await cli(us, 'us-head', [
      'clarify',
      'ask',
      item.id,
      '--quote',
      'northern area',
      '--question',
      'Which boundary?',
      '--json',
    ]);
    expect(asked.code, asked.stderr).toBe(0);
    const question = JSON.parse(asked.stdout) as Entry;
    await arrived(ru, question);
    const open = await cli(ru, 'ru-head', ['clarify', 'list', 'intel']);
    expect(open.stdout).toContain(`${question.id}\ton ${item.id}\t“northern area”\tWhich boundary?`);
    const answered = await cli(ru, 'ru-head', [
      'clarify',
      'answer',
      question.id,
      '--text',
      'North of the 55th parallel.',
    ]);
    expect(answered.code, answered.stderr).toBe(0);

    const declined = await cli(us, 'us-head', [
      'respond',
      item.id,
      '--decline',
      '--reason',
      'Outside our remit',
    ]);
    expect(declined.code, declined.stderr).toBe(0);
    const status = await cli(us, 'us-head', ['status', item.id]);
    expect(status.stdout).toContain('US answer: declined — Outside our remit');
    expect(status.stdout).toContain(`question ${question.id}: answered`);

    const neither = await cli(us, 'us-head', ['respond', item.id, '--reason', 'x']);
    expect(neither.code).toBe(2);
  });
});

describe('a joint statement', () => {
  interface Statement {
    state: string;
    current: string;
    textHash: string;
    versions: Array<{ id: string; textHash: string; brackets: unknown[] }>;
    approvals: Array<{ party: string }>;
    waitingFor: string[];
    released: { id: string } | null;
  }
  const statementOf = async (node: InProcessParty) =>
    (await api<{ statements: Statement[] }>(node, head(node), 'GET', '/api/v1/channels/intel/statements'))
      .body.statements[0]!;
  const entries = (node: InProcessParty, user: string, kind: string, body: unknown) =>
    api<Entry>(node, user, 'POST', '/api/v1/channels/intel/entries', { kind, body });

  it('is drafted with brackets, resolved by both, approved by both on one text hash, then released', async () => {
    const draft = await post(ru, 'ru-duty', 'statement-draft', {
      statement: 'settlement',
      title: 'Joint statement',
      text: 'The parties confirm their commitment to a negotiated settlement and [agree to begin talks without delay | agree to prepare the ground for talks].',
    });
    const bracketed = await statementOf(ru);
    expect(bracketed).toMatchObject({ state: 'bracketed', current: draft.id });
    expect(bracketed.versions[0]!.brackets).toHaveLength(1);
    const hashOf = (s: Statement) => s.textHash;
    await refused(
      ru,
      () => entries(ru, 'ru-head', 'statement-approve', { of: ref(draft), textHash: hashOf(bracketed) }),
      409,
      'state_conflict',
    );

    await arrived(us, draft);
    // US may not remove the bracket alone by revising it away.
    await refused(
      us,
      () =>
        entries(us, 'us-duty', 'statement-draft', {
          statement: 'settlement',
          title: 'Joint statement',
          text: 'The parties confirm their commitment to a negotiated settlement and agree to prepare the ground for talks without delay.',
          revises: ref(draft),
        }),
      409,
      'state_conflict',
    );
    const proposal = await post(us, 'us-duty', 'statement-resolution', {
      of: ref(draft),
      bracket: 0,
      text: 'agree to prepare the ground for talks without delay',
    });
    expect((await statementOf(us)).state).toBe('bracketed');
    await arrived(ru, proposal);
    const agreement = await post(ru, 'ru-duty', 'statement-resolution-agree', {
      of: ref(draft),
      resolution: ref(proposal),
    });
    await arrived(us, agreement);
    const resolved = draft;
    const current = await statementOf(us);
    expect(current.state).toBe('approving');
    expect(hashOf(current)).not.toBe(hashOf(bracketed));
    // Only heads approve, only the exact text as resolved.
    await refused(
      us,
      () => entries(us, 'us-duty', 'statement-approve', { of: ref(resolved), textHash: hashOf(current) }),
      403,
      'forbidden',
    );
    await refused(
      us,
      () => entries(us, 'us-head', 'statement-approve', { of: ref(resolved), textHash: '0'.repeat(64) }),
      400,
      'body_invalid',
    );
    await refused(
      us,
      () => entries(us, 'us-head', 'statement-approve', { of: ref(draft), textHash: hashOf(bracketed) }),
      400,
      'body_invalid',
    );
    await post(us, 'us-head', 'statement-approve', { of: ref(resolved), textHash: hashOf(current) });
    // Nothing is released that a party has not approved word for word.
    const early = await refused(
      us,
      () => entries(us, 'us-duty', 'statement-release', { of: ref(resolved), textHash: hashOf(current) }),
      409,
      'state_conflict',
    );
    expect(early).toContain('not approved yet by RU');

    await arrived(ru, resolved);
    const approval = await post(ru, 'ru-head', 'statement-approve', {
      of: ref(resolved),
      textHash: hashOf(current),
    });
    await arrived(us, approval);
    await post(us, 'us-duty', 'statement-release', { of: ref(resolved), textHash: hashOf(current) });
    await refused(
      us,
      () => entries(us, 'us-duty', 'statement-release', { of: ref(resolved), textHash: hashOf(current) }),
      409,
      'already_exists',
    );
    await refused(
      us,
      () =>
        entries(us, 'us-duty', 'statement-draft', {
          statement: 'settlement',
          title: 'Joint statement',
          text: 'Changed after release.',
          revises: ref(resolved),
        }),
      409,
      'state_conflict',
    );
    const released = await statementOf(us);
    expect(released).toMatchObject({ state: 'released', waitingFor: [] });
    expect(released.approvals.map((a) => a.party).sort()).toEqual(['RU', 'US']);
  });
});

describe('a charter amendment', () => {
  it('changes languages and deadlines only once every party has signed it', async () => {
    const proposal = await post(ru, 'ru-head', 'channel-change', {
      change: 'amend',
      reason: 'French added for the observer; faster FLASH answers',
      charter: {
        languages: ['ru', 'en', 'fr'],
        objectives: { FLASH: { deliveryMinutes: 1, responseMinutes: 5 } },
      },
    });
    // One party alone changes nothing: not on its own node, not on the other.
    const objectives = async (node: InProcessParty) =>
      (
        await api<Record<string, { responseMinutes: number }>>(
          node,
          head(node),
          'GET',
          '/api/v1/channels/intel/objectives',
        )
      ).body.FLASH!.responseMinutes;
    expect(await objectives(ru)).toBe(10);
    await refused(
      ru,
      () =>
        api(ru, 'ru-head', 'POST', '/api/v1/channels/intel/entries', {
          kind: 'note',
          lang: 'fr',
          body: { text: 'Bonjour' },
        }),
      400,
      'language_invalid',
    );
    // Only heads agree, and never to their own party's proposal.
    await refused(
      ru,
      () =>
        api(ru, 'ru-head', 'POST', '/api/v1/channels/intel/entries', {
          kind: 'channel-change-agree',
          body: { of: ref(proposal) },
        }),
      400,
      'ref_invalid',
    );
    await arrived(us, proposal);
    const state = await api<{ amendments: Array<{ id: string; waitingFor: string[] }> }>(
      us,
      'us-head',
      'GET',
      '/api/v1/channels/intel/state',
    );
    expect(state.body.amendments).toEqual([expect.objectContaining({ id: proposal.id, waitingFor: ['US'] })]);
    const agreement = await post(us, 'us-head', 'channel-change-agree', { of: ref(proposal) });
    expect(await objectives(us)).toBe(5);
    await arrived(ru, agreement);
    await eventually(async () => (await objectives(ru)) === 5, 10_000, 'amendment in effect at RU');
    const french = await post(ru, 'ru-head', 'note', { text: 'Bonjour' }, { lang: 'fr' });
    await arrived(us, french);
    expect(
      (await api<{ languages: string[] }>(us, 'admin', 'GET', '/api/v1/channels/intel')).body.languages,
    ).toEqual(['ru', 'en', 'fr']);
  });
});

describe('a formatted notification', () => {
  it('is read back field by field, compared automatically, and a mismatch is corrected', async () => {
    await post(ru, 'ru-head', 'template', {
      name: 'exercise-notice',
      version: 1,
      title: 'Exercise notice',
      schema: {
        type: 'object',
        additionalProperties: false,
        required: ['area', 'from', 'to'],
        properties: {
          area: { type: 'string' },
          from: { type: 'string', format: 'date' },
          to: { type: 'string', format: 'date' },
        },
      },
    });
    const notice = await post(
      ru,
      'ru-head',
      'notification',
      {
        template: { name: 'exercise-notice', version: 1 },
        fields: { area: 'Kaliningrad region', from: '2026-02-21', to: '2026-02-23' },
        text: 'Учения в Калининградской области с 21 по 23 февраля.',
      },
      { precedence: 'FLASH', lang: 'ru' },
    );
    await arrived(us, notice);
    const receipt = await api<Entry>(
      us,
      'us-head',
      'POST',
      `/api/v1/channels/intel/entries/RU/${notice.seq}/receipts`,
      {
        level: 'understood',
        lang: 'en',
        readBackFields: { area: 'kaliningrad  region', from: '2026-02-21', to: '2026-02-22' },
      },
    );
    expect(receipt.status).toBe(201);
    await arrived(ru, receipt.body);
    const compared = (await status(ru, notice)).responses[0] as unknown as {
      state: string;
      fields: Array<{ field: string; match: boolean }>;
    };
    expect(compared.state).toBe('readback-pending');
    expect(compared.fields.map((f) => [f.field, f.match])).toEqual([
      ['area', true],
      ['from', true],
      ['to', false],
    ]);
    const owing = await obligations(ru, 'ru-head', 'owing');
    expect(owing).toEqual([
      expect.objectContaining({
        type: 'readback-confirmation',
        item: expect.objectContaining({ id: notice.id }),
      }),
    ]);
    // A differing read-back is never confirmed by one click: only "despite differences", naming
    // exactly the fields that differ, with a reason kept in the log.
    const review = (body: Record<string, unknown>) =>
      api(ru, 'ru-head', 'POST', '/api/v1/channels/intel/entries', {
        kind: 'readback-review',
        body: { of: ref(receipt.body), ...body },
      });
    const oneClick = await refused(ru, () => review({ outcome: 'confirmed' }), 409, 'state_conflict');
    expect(oneClick).toContain('differs from the original in to');
    const wrongFields = await refused(
      ru,
      () =>
        review({ outcome: 'confirmed', despiteDifferences: { fields: ['area'], reason: 'close enough' } }),
      400,
      'body_invalid',
    );
    expect(wrongFields).toContain('despiteDifferences.fields');
    const despite = await review({
      outcome: 'confirmed',
      despiteDifferences: { fields: ['to'], reason: 'The end date is confirmed by telephone.' },
    });
    expect(despite.status).toBe(201);
    const confirmed = (await status(ru, notice)).responses[0] as unknown as { state: string; detail: string };
    expect(confirmed).toMatchObject({
      state: 'readback-confirmed',
      detail: 'despite differences in to: The end date is confirmed by telephone.',
    });
    await post(ru, 'ru-head', 'readback-review', {
      of: ref(receipt.body),
      outcome: 'corrected',
      correction: 'to: 2026-02-23',
    });
    expect((await status(ru, notice)).responses[0]!.state).toBe('readback-corrected');
  });
});

describe('keeping contact', () => {
  it('holds a briefing only once accepted, keeps both readouts, answers an invitation, and tracks a commitment', async () => {
    const briefing = await post(ru, 'ru-duty', 'briefing-proposal', {
      type: 'call',
      title: 'Call between the services heads',
      agenda: ['Exercise notifications'],
      start: new Date(clock.now()).toISOString(),
      durationMinutes: 30,
      participants: ['ru-ops', 'us-ops'],
    });
    const minutes = {
      of: ref(briefing),
      heldAt: new Date(clock.now()).toISOString(),
      durationMinutes: 28,
      minutes: 'Held.',
      attended: ['ru-ops', 'us-ops'],
      noShows: [],
    };
    const early = await refused(
      ru,
      () =>
        api(ru, 'ru-duty', 'POST', '/api/v1/channels/intel/entries', {
          kind: 'briefing-record',
          body: minutes,
        }),
      409,
      'state_conflict',
    );
    expect(early).toContain('not accepted yet by US');
    await refused(
      ru,
      () =>
        api(ru, 'ru-duty', 'POST', '/api/v1/channels/intel/entries', {
          kind: 'briefing-answer',
          body: { of: ref(briefing), answer: 'accept' },
        }),
      400,
      'ref_invalid',
    );
    await arrived(us, briefing);
    const accept = await post(us, 'us-duty', 'briefing-answer', { of: ref(briefing), answer: 'accept' });
    await arrived(ru, accept);
    clock.advance(MINUTE);
    await post(ru, 'ru-duty', 'briefing-record', minutes);
    await post(
      ru,
      'ru-duty',
      'readout',
      { of: ref(briefing), text: 'The sides agreed to stay in contact.' },
      { lang: 'en' },
    );
    const theirs = await post(
      us,
      'us-duty',
      'readout',
      { of: ref(briefing), text: 'The sides agreed to stay in contact. No date was set.' },
      { lang: 'en' },
    );
    await arrived(ru, theirs);
    const listed = await api<{
      briefings: Array<{
        occurrences: Array<{ minutes: { durationMinutes: number } | null; waitingFor: string[] }>;
        readouts: Array<{ party: string }>;
      }>;
    }>(ru, 'ru-head', 'GET', '/api/v1/channels/intel/briefings');
    expect(listed.body.briefings[0]!.occurrences).toEqual([
      expect.objectContaining({ waitingFor: [], minutes: expect.objectContaining({ durationMinutes: 28 }) }),
    ]);
    expect(listed.body.briefings[0]!.readouts.map((r) => r.party)).toEqual(['RU', 'US']);

    const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
    const invitation = await post(ru, 'ru-head', 'invitation-proposal', {
      type: 'visit',
      what: 'Visit to Moscow',
      where: 'Moscow',
      window: { from: day(clock.now() + 30 * 86_400_000), to: day(clock.now() + 32 * 86_400_000) },
      respondBy: day(clock.now() + 10 * 86_400_000),
    });
    await arrived(us, invitation);
    const pending = async () =>
      (
        await api<{ invitations: Array<{ state: string }> }>(
          us,
          'us-head',
          'GET',
          '/api/v1/channels/intel/invitations',
        )
      ).body.invitations[0]!.state;
    expect(await pending()).toBe('open');
    await post(us, 'us-head', 'invitation-response', {
      of: ref(invitation),
      to: ref(invitation),
      answer: 'decline',
      note: 'Dates under review',
    });
    expect(await pending()).toBe('declined');

    const from = new Date(clock.now() - 20 * 86_400_000).toISOString();
    await refused(
      ru,
      () =>
        api(ru, 'ru-duty', 'POST', '/api/v1/channels/intel/entries', {
          kind: 'commitment',
          body: { commitment: 'monthly-briefing', what: 'briefing', every: 'P1M', owners: ['ru-head'], from },
        }),
      403,
      'forbidden',
    );
    await post(ru, 'ru-head', 'commitment', {
      commitment: 'contact',
      what: 'contact',
      every: 'P14D',
      owners: ['ru-head', 'us-head'],
      source: 'Order to keep momentum',
      from,
    });
    const { body } = await api<{
      commitments: Array<{
        commitment: string;
        state: string;
        awaiting: string[];
        cadence: { periods: Array<{ kept: boolean }>; kept: boolean | null };
      }>;
    }>(ru, 'ru-head', 'GET', '/api/v1/commitments?channel=intel');
    // It binds RU, who proposed it, from the period it was made in (period one, 20 to 6 days ago,
    // bound nobody and is not listed); US only once US accepts it. The period now has both parties.
    expect(body.commitments[0]).toMatchObject({ state: 'proposed', awaiting: ['US'] });
    expect(body.commitments[0]!.cadence.periods.map((p) => p.kept)).toEqual([true]);
    expect(body.commitments[0]!.cadence.kept).toBeNull();
  });
});
