// A FLASH item owed an answer, escalated when overdue, read back, corrected, confirmed and clarified.
import { describe, expect, it } from 'vitest';
import { api, eventually } from './support/node-process.js';
import type { InProcessParty } from './support/in-process.js';
import {
  arrived,
  MINUTE,
  obligations,
  post,
  ref,
  refused,
  status,
  useWorkflowPair,
  type Entry,
  type Obligation,
} from './support/intel-pair.js';

let ru: InProcessParty;
let us: InProcessParty;
const clock = useWorkflowPair((a, b) => void ([ru, us] = [a, b]));

const FLASH_TEXT =
  'Уведомляем о запланированных учениях в указанном районе с 21 по 23 февраля. Учения не направлены против какой-либо стороны.';

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
