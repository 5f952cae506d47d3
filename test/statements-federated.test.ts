/**
 * Joint statements as negotiated, and the public record, as people use them: two real
 * `parley serve` processes (RU, US) federated over real HTTP, driven through `parley statement`
 * and `parley public-statement`. A bracket is resolved only when both parties agreed to one
 * wording; an agreed resolution is reopened and settled again; a stale hash, a release before
 * every approval or before its embargo, and any change after the release are refused with the
 * rule named and nothing written. A public statement is listed apart, referred to by a note,
 * and creates no duty.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  api,
  eventually,
  openChannel,
  peerUp,
  runCli,
  startParty,
  type PartyNode,
} from './support/node-process.js';

let ru: PartyNode;
let us: PartyNode;

beforeAll(async () => {
  [ru, us] = await Promise.all([startParty('RU'), startParty('US')]);
  peerUp(ru, us);
  await openChannel(ru, us);
}, 120_000);

afterAll(async () => {
  await ru?.serve.stop();
  await us?.serve.stop();
}, 240_000);

function cli(node: PartyNode, user: string, args: string[]) {
  return runCli([...args, '--url', node.url], { PARLEY_TOKEN: node.tokens[user]! });
}
function ok<T = Record<string, unknown>>(node: PartyNode, user: string, args: string[]): T {
  const result = cli(node, user, [...args, '--json']);
  expect(result.stderr, args.join(' ')).toBe('');
  expect(result.status).toBe(0);
  return JSON.parse(result.stdout) as T;
}
/** The command fails with exit 1 and its message contains `words`; nothing of `kind` is written. */
async function refused(node: PartyNode, user: string, args: string[], words: string, kind: string) {
  const before = await count(node, kind);
  const result = cli(node, user, args);
  expect(result.status, result.stdout).toBe(1);
  expect(result.stderr).toContain(words);
  expect(await count(node, kind)).toBe(before);
  return result.stderr;
}

async function count(node: PartyNode, kind: string): Promise<number> {
  const { body } = await api<{ entries: Array<{ kind: string }> }>(
    node,
    `${node.party.toLowerCase()}-duty`,
    'GET',
    '/api/v1/channels/intel/entries?limit=1000',
  );
  return body.entries.filter((e) => e.kind === kind).length;
}

interface Statement {
  state: string;
  text: string;
  textHash: string;
  open: number;
  brackets: Array<{ index: number; resolved: boolean; resolution: string | null }>;
  resolutions: Array<{ id: string; state: string; agreedBy: string[] }>;
  approvals: Array<{ party: string }>;
  released: { embargoUntil: string | null } | null;
}
const show = (node: PartyNode, user = `${node.party.toLowerCase()}-duty`) =>
  ok<Statement>(node, user, ['statement', 'show', 'intel', 'talks']);
const until = (node: PartyNode, test: (s: Statement) => boolean, what: string) =>
  eventually(async () => test(show(node)), 20_000, `${what} at ${node.party}`);

const DRAFT =
  'The parties [agree to begin talks | agree to prepare the ground for talks] and will meet in [March | April].';

describe('parley statement across two nodes', { timeout: 240_000 }, () => {
  it('documents every subcommand in --help', () => {
    const help = runCli(['statement', '--help']).stdout;
    for (const sub of ['draft', 'revise', 'resolve', 'agree', 'reopen', 'approve', 'release', 'list', 'show'])
      expect(help).toContain(sub);
    expect(runCli(['statement', 'approve', '--help']).stdout).toContain('--hash <sha256>');
    expect(runCli(['statement', 'release', '--help']).stdout).toContain('--embargo <time>');
    const pub = runCli(['public-statement', '--help']).stdout;
    for (const sub of ['add', 'list', 'show']) expect(pub).toContain(sub);
  });

  it('resolves each bracket only with both parties, reopens, approves the exact hash and releases under embargo', async () => {
    ok(ru, 'ru-duty', [
      'statement',
      'draft',
      'intel',
      'talks',
      '--title',
      'Joint statement',
      '--text',
      DRAFT,
    ]);
    await until(us, (s) => s.open === 2, 'the draft');

    // No party removes a bracket alone: not by revising it away, not by agreeing to itself.
    await refused(
      ru,
      'ru-duty',
      [
        'statement',
        'revise',
        'intel',
        'talks',
        '--text',
        'The parties agree to begin talks and will meet in March.',
      ],
      'no party resolves a bracket alone',
      'statement-draft',
    );
    ok(us, 'us-duty', [
      'statement',
      'resolve',
      'intel',
      'talks',
      '--bracket',
      '0',
      '--text',
      'agree to prepare talks',
    ]);
    await refused(
      us,
      'us-duty',
      ['statement', 'agree', 'intel', 'talks', '--bracket', '0'],
      'not by its proposer alone',
      'statement-resolution-agree',
    );
    const bracketed = show(us);
    expect(bracketed).toMatchObject({ state: 'bracketed', open: 2 });
    await refused(
      us,
      'us-head',
      ['statement', 'approve', 'intel', 'talks', '--hash', bracketed.textHash],
      'disputed passage(s) in brackets not resolved by every party',
      'statement-approve',
    );
    const badBracket = cli(us, 'us-duty', [
      'statement',
      'resolve',
      'intel',
      'talks',
      '--bracket',
      '7',
      '--text',
      'x',
    ]);
    expect(badBracket.status).toBe(2);
    expect(badBracket.stderr).toContain('--bracket');

    // RU agrees to US's wording of the first bracket, then US agrees to RU's of the second.
    await until(ru, (s) => s.brackets[0]!.resolution !== null, 'the proposal');
    ok(ru, 'ru-duty', ['statement', 'agree', 'intel', 'talks', '--bracket', '0']);
    ok(ru, 'ru-duty', ['statement', 'resolve', 'intel', 'talks', '--bracket', '1', '--text', 'March']);
    await until(us, (s) => s.brackets[0]!.resolved && s.brackets[1]!.resolution !== null, 'the agreement');
    ok(us, 'us-duty', ['statement', 'agree', 'intel', 'talks', '--bracket', '1']);
    const settled = show(us);
    expect(settled).toMatchObject({
      state: 'approving',
      open: 0,
      text: 'The parties agree to prepare talks and will meet in March.',
    });

    // Nothing is agreed until everything is agreed: US reopens the month; RU proposes April.
    ok(us, 'us-duty', [
      'statement',
      'reopen',
      'intel',
      'talks',
      '--bracket',
      '1',
      '--reason',
      'March is too soon',
    ]);
    await until(ru, (s) => s.open === 1, 'the reopening');
    expect(show(ru).resolutions.map((r) => r.state)).toEqual(['agreed', 'reopened']);
    ok(ru, 'ru-duty', ['statement', 'resolve', 'intel', 'talks', '--bracket', '1', '--text', 'April']);
    await until(us, (s) => s.brackets[1]!.resolution !== null && s.open === 1, 'the new proposal');
    ok(us, 'us-duty', ['statement', 'agree', 'intel', 'talks', '--bracket', '1']);
    const current = show(us);
    expect(current.text).toBe('The parties agree to prepare talks and will meet in April.');

    // The hash of the text before the reopening is stale; the current one is approved.
    const stale = await refused(
      us,
      'us-head',
      ['statement', 'approve', 'intel', 'talks', '--hash', settled.textHash],
      'is stale or wrong',
      'statement-approve',
    );
    expect(stale).toContain(current.textHash);
    ok(us, 'us-head', ['statement', 'approve', 'intel', 'talks', '--hash', current.textHash]);
    await refused(
      us,
      'us-duty',
      ['statement', 'release', 'intel', 'talks'],
      'not approved yet by RU',
      'statement-release',
    );

    await until(ru, (s) => s.approvals.length === 1 && s.open === 0, 'the approval');
    ok(ru, 'ru-head', ['statement', 'approve', 'intel', 'talks', '--hash', current.textHash]);
    await until(us, (s) => s.approvals.length === 2, 'both approvals');
    // Once both approved the whole text, nothing is reopened.
    await refused(
      us,
      'us-duty',
      ['statement', 'reopen', 'intel', 'talks', '--bracket', '1', '--reason', 'second thoughts'],
      'approved by every party; nothing can be reopened',
      'statement-reopen',
    );

    // An embargo lies in the future; under it the statement shows as embargoed on both nodes.
    await refused(
      us,
      'us-duty',
      ['statement', 'release', 'intel', 'talks', '--embargo', '2020-01-01T00:00Z'],
      'embargoUntil',
      'statement-release',
    );
    const embargo = new Date(Date.now() + 40_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    ok(us, 'us-duty', ['statement', 'release', 'intel', 'talks', '--embargo', embargo]);
    expect(show(us)).toMatchObject({ state: 'embargoed', released: { embargoUntil: embargo } });
    await until(ru, (s) => s.state === 'embargoed', 'the embargoed release');
    expect(cli(ru, 'ru-duty', ['statement', 'list', 'intel']).stdout).toContain(
      `embargoed (embargoed until ${embargo})`,
    );
    await refused(
      ru,
      'ru-duty',
      ['statement', 'release', 'intel', 'talks'],
      'nor earlier than its embargo',
      'statement-release',
    );

    // Frozen: no revision, resolution or reopening after the release.
    await refused(
      ru,
      'ru-duty',
      ['statement', 'revise', 'intel', 'talks', '--text', DRAFT],
      'can no longer change',
      'statement-draft',
    );
    await refused(
      ru,
      'ru-duty',
      ['statement', 'resolve', 'intel', 'talks', '--bracket', '0', '--text', 'x'],
      'its text is frozen',
      'statement-resolution',
    );
    await eventually(async () => show(us).state === 'released', 60_000, 'the embargo to pass');
    await until(ru, (s) => s.state === 'released', 'the release after the embargo');
  });
});

describe('parley public-statement across two nodes', { timeout: 120_000 }, () => {
  interface PublicStatement {
    id: string;
    speaker: string;
    referredBy: Array<{ id: string }>;
  }
  const add = (extra: string[]) => [
    'public-statement',
    'add',
    'intel',
    '--speaker',
    'Secretary General',
    '--office',
    'NATO Secretary General',
    '--party',
    'NATO',
    '--venue',
    'Press conference, Brussels',
    '--language',
    'en',
    '--text',
    'The Secretary General voiced support for peace negotiations.',
    ...extra,
  ];

  it('records a public statement apart, with attribution, referred to by a note, creating no duty', async () => {
    const future = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    await refused(
      ru,
      'ru-duty',
      add(['--published-at', `${future}T10:00Z`]),
      'publishedAt',
      'public-statement',
    );
    await refused(
      ru,
      'ru-duty',
      add(['--published-at', '2026-02-22', '--source-url', 'ftp://nato.int/x']),
      'url',
      'public-statement',
    );
    const entry = ok<{ id: string; party: string; seq: number }>(
      ru,
      'ru-duty',
      add([
        '--published-at',
        '2026-02-22T09:00Z',
        '--source-url',
        'https://www.nato.int/remarks',
        '--relayed-by',
        'TASS',
      ]),
    );
    const ref = `${entry.party}/${entry.seq}`;
    await eventually(
      async () =>
        ok<{ publicStatements: PublicStatement[] }>(us, 'us-duty', [
          'public-statement',
          'list',
          'intel',
        ]).publicStatements.some((s) => s.id === entry.id),
      20_000,
      'the public statement at US',
    );
    expect(cli(us, 'us-duty', ['public-statement', 'list', 'intel']).stdout).toContain(
      'Secretary General (NATO Secretary General, NATO)',
    );

    // A note may refer only to a public statement; one that does is listed with it.
    const draft = await api<{ entries: Array<{ kind: string; party: string; seq: number }> }>(
      ru,
      'ru-duty',
      'GET',
      '/api/v1/channels/intel/entries?limit=1000',
    );
    const other = draft.body.entries.find((e) => e.kind === 'statement-draft')!;
    await refused(
      ru,
      'ru-duty',
      ['send', 'intel', 'See the draft', '--refers-to', `${other.party}/${other.seq}`],
      'refersTo',
      'note',
    );
    const note = ok<{ id: string }>(ru, 'ru-duty', [
      'send',
      'intel',
      "Our position follows the Secretary General's remarks.",
      '--refers-to',
      ref,
    ]);
    await eventually(
      async () =>
        ok<PublicStatement>(us, 'us-duty', ['public-statement', 'show', 'intel', ref]).referredBy.some(
          (r) => r.id === note.id,
        ),
      20_000,
      'the note referring to it at US',
    );

    // What US owes: the note, never the public statement.
    const { body } = await api<{ obligations: Array<{ item: { id: string } }> }>(
      us,
      'us-duty',
      'GET',
      '/api/v1/obligations?direction=owing&channel=intel',
    );
    const owed = body.obligations.map((o) => o.item.id);
    expect(owed).toContain(note.id);
    expect(owed).not.toContain(entry.id);
    expect(cli(us, 'us-duty', ['public-statement', 'show', 'intel', 'RU/99999']).status).toBe(1);
  });
});
