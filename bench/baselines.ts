/**
 * Raw baselines measured in the same run as the node figures, so ratios compare like with like
 * on this machine: Ed25519 sign and verify on one core (node:crypto, cached KeyObjects,
 * 200-byte messages) and the fsync rate of the disk that holds the bench data.
 */
import { closeSync, fsyncSync, openSync, unlinkSync, writeSync } from 'node:fs';
import { generateKeyPairSync, randomBytes, sign, verify } from 'node:crypto';
import { join } from 'node:path';
import { timedLoop } from './util.js';

const MESSAGE_BYTES = 200;
const MESSAGES = 64;
const FSYNC_BLOCK = 4096;

export interface RateResult {
  ops: number;
  seconds: number;
  rate: number;
}

/** Ed25519 signatures per second on the calling thread. */
export function measureSign(seconds: number): RateResult {
  const { privateKey } = generateKeyPairSync('ed25519');
  const messages = Array.from({ length: MESSAGES }, () => randomBytes(MESSAGE_BYTES));
  // Warm up the code path before timing.
  for (const message of messages) sign(null, message, privateKey);
  return timedLoop(seconds, (i) => {
    sign(null, messages[i % MESSAGES]!, privateKey);
  });
}

/** Ed25519 verifications per second on the calling thread. */
export function measureVerify(seconds: number): RateResult {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const messages = Array.from({ length: MESSAGES }, () => randomBytes(MESSAGE_BYTES));
  const signatures = messages.map((message) => sign(null, message, privateKey));
  for (let i = 0; i < MESSAGES; i += 1) {
    if (!verify(null, messages[i]!, publicKey, signatures[i]!))
      throw new Error('baseline signature did not verify');
  }
  return timedLoop(seconds, (i) => {
    verify(null, messages[i % MESSAGES]!, publicKey, signatures[i % MESSAGES]!);
  });
}

/** Appending 4 KiB writes, each followed by fsync, to a file in `dir`: fsyncs per second. */
export function measureFsync(dir: string, seconds: number): RateResult {
  const path = join(dir, 'fsync-probe.bin');
  const block = randomBytes(FSYNC_BLOCK);
  const fd = openSync(path, 'w', 0o600);
  try {
    let offset = 0;
    return timedLoop(
      seconds,
      () => {
        writeSync(fd, block, 0, FSYNC_BLOCK, offset);
        fsyncSync(fd);
        offset += FSYNC_BLOCK;
      },
      1,
    );
  } finally {
    closeSync(fd);
    unlinkSync(path);
  }
}
