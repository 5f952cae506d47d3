// Deferred and declined answers, TEST-marked drills, and the CLI answering and listing what is owed.
import { describe, expect, it } from 'vitest';
import { api, runCliAsync } from './support/node-process.js';
import type { InProcessParty } from './support/in-process.js';
import {
  arrived,
  MINUTE,
  obligations,
  post,
  ref,
  refused,
  useWorkflowPair,
  type Entry,
} from './support/intel-pair.js';

let ru: InProcessParty;
let us: InProcessParty;
const clock = useWorkflowPair((a, b) => void ([ru, us] = [a, b]));

describe('a FLASH notification answered with a read-back', () => {
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
