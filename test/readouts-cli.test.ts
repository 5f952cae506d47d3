/**
 * `parley readout` and `parley summary` as a person runs them, against two real federated node
 * processes (RU and US): each party posts its readout of a held call, lists and compares them
 * (text with the conflicting words in [[brackets]], and --json), proposes a summary point on RU
 * and signs it on US, where `--hash` of a version not current is refused with nothing written.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { arrived, holdBriefing, type Entry } from './support/held-call.js';
import { api, openChannel, peerUp, runCliAsync, startParty, type PartyNode } from './support/node-process.js';

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

const as = (node: PartyNode, user: string) => ({ PARLEY_URL: node.url, PARLEY_TOKEN: node.tokens[user]! });

async function cli(node: PartyNode, user: string, args: string[]) {
  return runCliAsync(args, as(node, user));
}

async function json<T>(node: PartyNode, user: string, args: string[]): Promise<T> {
  const result = await cli(node, user, [...args, '--json']);
  expect(result.status, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as T;
}

describe('parley readout and parley summary', () => {
  it('explain themselves', async () => {
    const help = await cli(ru, 'ru-duty', ['readout', '--help']);
    expect(help.stdout).toMatch(/list[\s\S]*post[\s\S]*compare/);
    const sign = await cli(ru, 'ru-duty', ['summary', 'sign', '--help']);
    expect(sign.stdout).toContain('--hash');
    expect(sign.stdout).toContain('--json');
  });

  it('post, list and compare readouts; propose a summary point on RU and sign it on US', async () => {
    const briefing = await holdBriefing(ru, us);

    const early = await cli(ru, 'ru-duty', ['readout', 'post', 'intel', '--text', 'x', '--of', 'RU-1']);
    expect(early.status).not.toBe(0);
    expect(early.stderr).toContain('--of must be <party>/<seq>');

    const mine = await json<Entry>(ru, 'ru-duty', [
      'readout',
      'post',
      'intel',
      '--lang',
      'en',
      '--of',
      `RU/${briefing.seq}`,
      '--text',
      'The sides reviewed the schedule. The moratorium is valid until the 18th.',
    ]);
    await arrived(us, mine);
    const theirs = await json<Entry>(us, 'us-duty', [
      'readout',
      'post',
      'intel',
      '--lang',
      'en',
      '--of',
      `RU/${briefing.seq}`,
      '--text',
      'The sides reviewed the schedule. The moratorium has no expiry.',
    ]);
    await arrived(ru, theirs);

    const listed = await json<{ readouts: Array<{ id: string }> }>(ru, 'ru-duty', [
      'readout',
      'list',
      'intel',
    ]);
    expect(listed.readouts.map((r) => r.id)).toEqual([mine.id, theirs.id]);
    const a = mine.id.split('/').slice(1).join('/');
    const b = theirs.id.split('/').slice(1).join('/');
    const text = await cli(ru, 'ru-duty', ['readout', 'compare', 'intel', a, b]);
    expect(text.status, text.stderr).toBe(0);
    expect(text.stdout).toContain('= same');
    expect(text.stdout).toContain('≠ conflict');
    expect(text.stdout).toContain('[[18th]]');
    expect(text.stdout).toContain('[[no expiry]]');
    expect(text.stdout).toContain('1 same, 0 similar, 1 conflict, 0 on one side only');
    const compared = await json<{ points: Array<{ label: string }> }>(ru, 'ru-duty', [
      'readout',
      'compare',
      'intel',
      a,
      b,
    ]);
    expect(compared.points.map((p) => p.label)).toEqual(['same', 'conflict']);

    const proposed = await json<Entry>(ru, 'ru-duty', [
      'summary',
      'propose',
      'intel',
      'call-1',
      'moratorium',
      '--status',
      'disputed',
      '--text',
      'The parties differ on how long the moratorium applies.',
      '--rest',
      `${a}=The moratorium is valid until the 18th.`,
      '--rest',
      `${b}=The moratorium has no expiry.`,
    ]);
    await arrived(us, proposed);
    const open = await cli(us, 'us-duty', ['summary', 'list', 'intel']);
    expect(open.stdout).toContain('moratorium\topen\tdisputed');
    expect(open.stdout).toContain('waiting for US');

    const signedBefore = (
      await api<{ entries: Array<{ kind: string }> }>(
        us,
        'us-duty',
        'GET',
        '/api/v1/channels/intel/entries?limit=1000',
      )
    ).body.entries.filter((e) => e.kind === 'summary-sign').length;
    const stale = await cli(us, 'us-head', [
      'summary',
      'sign',
      'intel',
      'call-1',
      'moratorium',
      '--hash',
      'ab'.repeat(32),
    ]);
    expect(stale.status).not.toBe(0);
    expect(stale.stderr).toContain('--hash');
    expect(
      (
        await api<{ entries: Array<{ kind: string }> }>(
          us,
          'us-duty',
          'GET',
          '/api/v1/channels/intel/entries?limit=1000',
        )
      ).body.entries.filter((e) => e.kind === 'summary-sign').length,
    ).toBe(signedBefore);

    const signed = await cli(us, 'us-head', [
      'summary',
      'sign',
      'intel',
      'call-1',
      'moratorium',
      '--hash',
      proposed.hash,
    ]);
    expect(signed.status, signed.stderr).toBe(0);
    expect(signed.stdout).toContain('point call-1/moratorium signed');
    const summaries = await json<{ summaries: Array<{ agreed: boolean; points: Array<{ state: string }> }> }>(
      us,
      'us-duty',
      ['summary', 'list', 'intel', '--summary', 'call-1'],
    );
    expect(summaries.summaries).toMatchObject([{ agreed: true, points: [{ state: 'agreed' }] }]);
  });
});
