/**
 * `parley verify` on a node's SQLite storage names an authentic entry that a workflow's rules
 * give no effect (docs/FORMAT.md §9, "Entries without effect"): a bracket "agreed" by the party
 * that proposed it, signed with a real person's key but past the kind check (as a concurrent
 * node or a hostile peer's node could), is a warning, not a failure, and so is a joint-summary
 * point "signed" by the party that proposed it. The honest record is not.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { openNode } from '../src/workflows/open-node.js';
import { postEntry } from '../src/workflows/entries/commands.js';
import { signingKeyOf } from '../src/workflows/directory/key-custody.js';
import { join } from 'node:path';
import { exportChannel } from '../src/workflows/audit/export.js';
import { verifyExportFile, verifyStorage } from '../src/workflows/audit/verify.js';
import type { VerifyReport } from '../src/workflows/audit/report.js';
import { prepareNode, tempDir } from './support/node-process.js';
import { unlockedActor } from './support/unlocked.js';

let honest: VerifyReport;
let forged: VerifyReport;
let exported: VerifyReport;
let voidEntry: string;
let withSummary: VerifyReport;
let voidSign: string;

beforeAll(async () => {
  const { dataDir } = await prepareNode();
  const node = await openNode(dataDir);
  try {
    const head = await unlockedActor(node.storage, 'svr-head');
    const draft = await postEntry(node, head, 'intel', {
      kind: 'statement-draft',
      lang: 'en',
      body: { statement: 'talks', title: 'Talks', text: 'The parties meet in [March | April].' },
    });
    const ref = { party: draft.party, seq: draft.seq, hash: draft.hash };
    const resolution = await postEntry(node, head, 'intel', {
      kind: 'statement-resolution',
      lang: 'en',
      body: { of: ref, bracket: 0, text: 'March' },
    });
    honest = await verifyStorage(node.storage);
    // The node refuses this before signing; appended below the kind check, as another node could.
    const [appended] = await node.appender.append([
      {
        channel: 'intel',
        kind: 'statement-resolution-agree',
        precedence: 'ROUTINE',
        lang: 'en',
        body: {
          of: ref,
          resolution: { party: resolution.party, seq: resolution.seq, hash: resolution.hash },
        },
        author: head.id,
        authorKey: head.publicKey,
        signingKey: signingKeyOf(head),
      },
    ]);
    voidEntry = `intel/${appended!.stored.party}/${appended!.stored.seq}`;
    forged = await verifyStorage(node.storage);
    const file = join(tempDir(), 'intel.jsonl');
    await exportChannel(node.storage, 'intel', file);
    exported = await verifyExportFile(file);

    // A joint-summary point (RU's own position) "signed" by the party that proposed it, again
    // below the kind check.
    const readout = await postEntry(node, head, 'intel', {
      kind: 'readout',
      lang: 'en',
      body: { text: 'The parties will meet in March.' },
    });
    const point = await postEntry(node, head, 'intel', {
      kind: 'summary-point',
      lang: 'en',
      body: {
        summary: 'call',
        point: 'meeting',
        status: 'unilateral',
        party: 'RU',
        text: 'RU proposes a meeting in March.',
        rests: [
          {
            readout: { party: readout.party, seq: readout.seq, hash: readout.hash },
            quote: 'meet in March',
          },
        ],
      },
    });
    const [selfSigned] = await node.appender.append([
      {
        channel: 'intel',
        kind: 'summary-sign',
        precedence: 'ROUTINE',
        lang: 'en',
        body: { of: { party: point.party, seq: point.seq, hash: point.hash } },
        author: head.id,
        authorKey: head.publicKey,
        signingKey: signingKeyOf(head),
      },
    ]);
    voidSign = `intel/${selfSigned!.stored.party}/${selfSigned!.stored.seq}`;
    withSummary = await verifyStorage(node.storage);
  } finally {
    await node.close();
  }
}, 240_000);

describe('verify on a data directory and entries without effect', () => {
  it('gives no such warning for an honest record', () => {
    expect(honest.ok).toBe(true);
    expect(honest.warnings).toEqual([]);
  });

  it('warns about the void entry, with its id, kind and the fold’s reason, and does not fail', () => {
    expect(forged.ok).toBe(true);
    expect(forged.failures).toEqual([]);
    expect(forged.warnings).toEqual([
      {
        code: 'entry_without_effect',
        entry: voidEntry,
        message: expect.stringMatching(
          new RegExp(
            `^${voidEntry} \\(statement-resolution-agree\\) has no effect: .*not by its proposer alone`,
          ),
        ),
      },
    ]);
  });
});

describe('verify and a joint summary', () => {
  it('warns about a summary point signed by the party that proposed it', () => {
    expect(withSummary.ok).toBe(true);
    expect(withSummary.warnings).toEqual([
      ...forged.warnings,
      {
        code: 'entry_without_effect',
        entry: voidSign,
        message: expect.stringMatching(
          new RegExp(`^${voidSign} \\(summary-sign\\) has no effect: .*proposing it was its signature`),
        ),
      },
    ]);
  });
});

describe('verify --file and entries without effect', () => {
  it('warns the same for an export of the channel', () => {
    expect(exported.ok).toBe(true);
    expect(exported.warnings.filter((w) => w.code !== 'keys_not_pinned')).toEqual(forged.warnings);
  });
});
