/**
 * `parley node-key status|encrypt|pkcs11-import|rotate`: how this node keeps its own Ed25519
 * key, and replacing it (README "Security"). Secrets come from the environment or a file, never from flags, which
 * other users can read in the process list: the passphrase from PARLEY_NODE_KEY_PASSPHRASE or
 * PARLEY_NODE_KEY_PASSPHRASE_FILE, the token PIN from PARLEY_PKCS11_PIN or PARLEY_PKCS11_PIN_FILE.
 */
import { fingerprint } from '../../core/keys.js';
import { recordSecurityEvent } from '../../workflows/audit-trail/record.js';
import type { Command } from 'commander';
import { ParleyError } from '../../core/errors.js';
import { PASSPHRASE_ENV, PASSPHRASE_FILE_ENV, passphraseFromEnv } from '../../node/node-key.js';
import {
  custodyText,
  describeNodeKey,
  encryptNodeKey,
  importNodeKeyIntoToken,
  type CustodyReport,
} from '../../node/node-key-custody.js';
import { pinFromEnv } from '../../node/node-key-pkcs11.js';
import { rotateNodeKey } from '../../node/node-key-rotation.js';
import { withNode } from '../local-node.js';
import { localCommand, run, type Local } from '../context.js';
import { print } from '../output.js';

const SECRETS_HELP = `
Secrets never go on the command line (other users see it in the process list):
  PARLEY_NODE_KEY_PASSPHRASE / PARLEY_NODE_KEY_PASSPHRASE_FILE  passphrase of a sealed node key
  PARLEY_PKCS11_PIN / PARLEY_PKCS11_PIN_FILE                    user PIN of the PKCS#11 token
A file named by a *_FILE variable must be readable by its owner only (chmod 600); its first line is used.
A running node keeps the key it loaded: restart it (with the variables set) after a change.`;

function describe(report: CustodyReport): string {
  return [
    `node key: ${report.path}`,
    `kept: ${custodyText(report.custody)}`,
    ...(report.token
      ? [`token: '${report.token.tokenLabel}', key '${report.token.keyLabel}' (${report.token.module})`]
      : []),
    `fingerprint: ${report.fingerprint}`,
  ].join('\n');
}

/** The new passphrase, from the environment only. */
export function newPassphraseFromEnv(): string {
  const passphrase = passphraseFromEnv();
  if (passphrase === null) {
    throw new ParleyError(
      'validation_failed',
      `set ${PASSPHRASE_ENV}, or ${PASSPHRASE_FILE_ENV} to a file holding the passphrase (never a flag)`,
    );
  }
  return passphrase;
}

export function registerNodeKey(program: Command): void {
  const nodeKey = program
    .command('node-key')
    .description(
      'how this node keeps its own signing key: plain, sealed under a passphrase, or in a PKCS#11 token',
    )
    .addHelpText('after', SECRETS_HELP);

  run(
    localCommand(
      nodeKey,
      'status',
      'how the node key is kept; opens it (passphrase or PIN from the environment) to prove it',
    ).addHelpText('after', SECRETS_HELP),
    async (options: Local) => {
      const report = describeNodeKey(options.dataDir);
      print(options, report, () => describe(report));
    },
  );

  run(
    localCommand(
      nodeKey,
      'encrypt',
      'seal a plain node key under a passphrase (scrypt + AES-256-GCM); the key, and so the fingerprint, stay the same',
    ).addHelpText('after', SECRETS_HELP),
    async (options: Local) => {
      const report = encryptNodeKey(options.dataDir, newPassphraseFromEnv());
      print(
        options,
        report,
        () => `${describe(report)}\nserve now needs ${PASSPHRASE_ENV} or ${PASSPHRASE_FILE_ENV}`,
      );
    },
  );

  run(
    localCommand(
      nodeKey,
      'pkcs11-import',
      'copy the node key into a PKCS#11 token (non-extractable Ed25519, CKM_EDDSA) and keep only a reference in node.key',
    )
      .requiredOption('--module <path>', 'PKCS#11 module, e.g. /usr/lib/softhsm/libsofthsm2.so')
      .requiredOption('--token-label <label>', 'label of the token to hold the key')
      .option('--key-label <label>', 'label of the key in the token', 'parley-node-key')
      .addHelpText(
        'after',
        `${SECRETS_HELP}\nA sealed key is opened with its passphrase first. Keep a backup of the plain or sealed key\n(or the token's own backup): the token will not give the key back.`,
      ),
    async (options: Local & { module: string; tokenLabel: string; keyLabel: string }) => {
      const report = importNodeKeyIntoToken(
        options.dataDir,
        { module: options.module, tokenLabel: options.tokenLabel, keyLabel: options.keyLabel },
        pinFromEnv(),
      );
      print(
        options,
        report,
        () => `${describe(report)}\nserve now needs PARLEY_PKCS11_PIN or PARLEY_PKCS11_PIN_FILE`,
      );
    },
  );

  run(
    localCommand(
      nodeKey,
      'rotate',
      'replace the node key by a new one (kept as the old one was), with a statement signed by both that peers verify and pin without a new fingerprint exchange',
    ).addHelpText(
      'after',
      `${SECRETS_HELP}
Stop the node first, then start it again: peers that still pin the old key are shown the statement
the next time this node talks to them and move their pin (a forged statement, not signed by the
pinned key, is refused). Entries and checkpoints signed before the rotation stay verifiable, here
and at peers (\`parley verify\`). Give peers the new fingerprint anyway, for their records.`,
    ),
    async (options: Local) => {
      const report = await withNode(options.dataDir, (node) =>
        rotateNodeKey(node, {
          // The trail records the hand-over signed with the old key, naming the new one.
          beforeSwitch: (rotation) =>
            recordSecurityEvent(node, {
              action: 'node_key_rotated',
              actor: 'node',
              subject: node.party,
              details: {
                newKey: rotation.newKey,
                from: fingerprint(rotation.previousKey),
                to: fingerprint(rotation.newKey),
              },
            }),
        }),
      );
      print(options, report, () =>
        [
          `node key of ${report.party} rotated`,
          `previous fingerprint: ${report.previousFingerprint}`,
          `new fingerprint:      ${report.fingerprint}`,
          'restart the node: peers move their pin when it next talks to them',
        ].join('\n'),
      );
    },
  );
}
