/**
 * `parley verify` and `parley prove`: offline checks of everything a node or an export (`parley
 * export`, commands/export.ts) holds, and Merkle proofs of a chain (docs/FORMAT.md). `verify` exits 1 when anything
 * fails and 2 when it cannot run; an export checked without pinned keys says so loudly.
 */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { proveChainConsistency, proveEntryInclusion, verifyNode } from '../../workflows/audit/node-audit.js';
import { parsePinOptions, readTrustFile } from '../../workflows/audit/pins.js';
import { checkConsistencyView, checkInclusionView } from '../../workflows/audit/proofs.js';
import { verifyExportFile, type VerifyReport } from '../../workflows/audit/verify.js';
import { verifySecurityTrail, type TrailReport } from '../../workflows/audit-trail/queries.js';
import { dataDirOption } from '../context.js';
import { withNode } from '../local-node.js';
import { CliError, fail, print, Progress } from '../output.js';

const collect = (value: string, previous: string[]): string[] => [...previous, value];

/** What `verify` reports: the log's checks and, for a data directory, the security audit trail's. */
type NodeVerifyReport = VerifyReport & { auditTrail?: TrailReport };

function describe(report: NodeVerifyReport): string {
  const lines = [
    `${report.ok ? 'OK' : 'FAILED'}: ${report.entries.toLocaleString('en')} entries in ${report.chains} chain(s) of ${report.channels} channel(s) checked in ${report.seconds.toFixed(2)} s`,
  ];
  const trail = report.auditTrail;
  if (trail) {
    lines.push(
      `audit trail: ${trail.ok ? 'OK' : 'FAILED'}: ${trail.events.toLocaleString('en')} event(s), signed head at ${trail.headSeq}`,
    );
    for (const warning of trail.warnings) lines.push(`WARNING: audit trail: ${warning}`);
    for (const failure of trail.failures)
      lines.push(`  audit event ${failure.seq}: ${failure.rule}: ${failure.message}`);
  }
  for (const [party, fp] of Object.entries(report.nodeKeys)) {
    const pinned = report.pins ? (report.pins.pinned.includes(party) ? ' (pinned)' : ' (NOT PINNED)') : '';
    lines.push(`trusted node key of ${party}: ${fp}${pinned}`);
  }
  for (const warning of report.warnings) lines.push(`WARNING: ${warning.code}: ${warning.message}`);
  for (const failure of report.failures)
    lines.push(`  ${failure.entry}: ${failure.rule}: ${failure.message}`);
  return lines.join('\n');
}

interface VerifyOptions {
  dataDir: string;
  file?: string;
  json?: boolean;
  pin: string[];
  trust?: string;
  requirePins?: boolean;
}

export function registerVerify(program: Command): void {
  dataDirOption(program.command('verify'))
    .description(
      'check every signature, chain link, Merkle root and checkpoint, and the security audit trail ' +
        '(its chain, node signatures, no gaps); exit status 1 when anything fails. Authentic entries ' +
        "that a workflow's rules give no effect are listed as WARNING entry_without_effect, not failures",
    )
    .option('--file <path>', 'verify a channel export file instead of the data directory')
    .option(
      '--pin <party=fingerprint>',
      'with --file: the node key fingerprint of a party, obtained out of band (repeatable)',
      collect,
      [],
    )
    .option('--trust <file>', "with --file: pins from a file of 'PARTY FINGERPRINT' lines")
    .option('--require-pins', 'with --file: fail unless every node key in the file is pinned')
    .option('--json', 'print JSON')
    .action(async (options: VerifyOptions) => {
      try {
        let report: NodeVerifyReport;
        if (options.file) {
          const pins = parsePinOptions(options.pin);
          if (options.trust) readTrustFile(resolve(options.trust), pins);
          const progress = new Progress('verifying', 0);
          report = await verifyExportFile(resolve(options.file), {
            pins,
            requirePins: options.requirePins === true,
            onProgress: (n) => progress.update(n),
          });
          progress.done();
          // Loud even with --json: an unpinned audit proves only that the file agrees with itself.
          for (const warning of report.warnings.filter((w) => w.code === 'keys_not_pinned')) {
            process.stderr.write(`parley: WARNING: ${warning.message}\n`);
          }
        } else {
          if (options.pin.length > 0 || options.trust || options.requirePins) {
            throw new CliError('bad_request', '--pin, --trust and --require-pins apply to --file only');
          }
          report = await withNode(options.dataDir, async (node) => {
            let progress: Progress | null = null;
            const result = await verifyNode(node, (done, total) => {
              progress ??= new Progress('verifying', total);
              progress.update(done);
            });
            progress ??= new Progress('verifying', 0);
            progress.done();
            const auditTrail = await verifySecurityTrail(node);
            return { ...result, ok: result.ok && auditTrail.ok, auditTrail };
          });
        }
        print(options, report, () => describe(report));
        if (!report.ok) process.exitCode = 1;
      } catch (error) {
        fail(options, error);
        process.exitCode = 2;
      }
    });

  registerProve(program);
}

/** Parses `CHANNEL/PARTY` or `CHANNEL/PARTY/SEQ`; the channel id itself holds no '/'. */
function parseTarget(target: string, withSeq: boolean): { channel: string; party: string; seq: number } {
  const parts = target.split('/');
  const seq = withSeq ? Number(parts[2]) : 0;
  if (parts.length !== (withSeq ? 3 : 2) || !parts[0] || !parts[1] || !Number.isSafeInteger(seq) || seq < 0) {
    throw new CliError(
      'bad_request',
      withSeq ? `'${target}' is not CHANNEL/PARTY/SEQ` : `'${target}' is not CHANNEL/PARTY`,
    );
  }
  return { channel: parts[0], party: parts[1], seq };
}

function parseSize(text: string | undefined, name: string): number {
  const size = Number(text);
  if (text === undefined || !/^[0-9]+$/.test(text) || !Number.isSafeInteger(size)) {
    throw new CliError('bad_request', `${name} must be a tree size (a non-negative integer)`);
  }
  return size;
}

function registerProve(program: Command): void {
  dataDirOption(program.command('prove <target> [sizes...]'))
    .description(
      "print the inclusion proof of CHANNEL/PARTY/SEQ at its chain's latest checkpoint, or with --consistency the consistency proof of CHANNEL/PARTY from OLD to NEW entries",
    )
    .option('--consistency', 'prove that the chain at NEW entries extends the chain at OLD entries')
    .option('--json', 'print JSON')
    .action(
      async (
        target: string,
        sizes: string[],
        options: { dataDir: string; consistency?: boolean; json?: boolean },
      ) => {
        try {
          if (options.consistency) {
            const { channel, party } = parseTarget(target, false);
            if (sizes.length !== 2)
              throw new CliError('bad_request', '--consistency takes OLD and NEW sizes');
            const oldSize = parseSize(sizes[0], 'OLD');
            const newSize = parseSize(sizes[1], 'NEW');
            const proof = await withNode(options.dataDir, (node) =>
              proveChainConsistency(node, null, channel, party, oldSize, newSize),
            );
            if (!checkConsistencyView(proof)) throw new Error('the consistency proof built does not verify');
            print(options, proof, () =>
              [
                `consistency of ${channel}/${party} from ${oldSize} to ${newSize} entries (RFC 9162 §2.1.4)`,
                `old root: ${proof.oldRoot}`,
                `new root: ${proof.newRoot}`,
                ...proof.proof.map((h, i) => `  ${i}: ${h}`),
              ].join('\n'),
            );
          } else {
            if (sizes.length > 0) throw new CliError('bad_request', 'sizes are for --consistency only');
            const { channel, party, seq } = parseTarget(target, true);
            const proof = await withNode(options.dataDir, (node) =>
              proveEntryInclusion(node, null, channel, party, seq),
            );
            if (!checkInclusionView(proof)) throw new Error('the inclusion proof built does not verify');
            print(options, proof, () =>
              [
                `inclusion of ${proof.entry} in a tree of ${proof.size} entries (RFC 9162 §2.1.3)`,
                `entry hash: ${proof.hash}`,
                `leaf hash: ${proof.leafHash}`,
                `root: ${proof.rootHash}`,
                ...proof.proof.map((h, i) => `  ${i}: ${h}`),
                'checkpoint:',
                proof.checkpoint.trimEnd(),
              ].join('\n'),
            );
          }
        } catch (error) {
          fail(options, error);
        }
      },
    );
}
