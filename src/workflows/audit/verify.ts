/**
 * Verifies everything a node stores, or a channel export file, offline: every chain of every
 * channel is streamed through the core ChainVerifier, with the node's latest signed checkpoint.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { ChainVerifier, type VerifyFailure } from '../../core/verify-chain.js';
import { fingerprint } from '../../core/keys.js';
import { parseCheckpoint } from '../../core/checkpoint.js';
import { openNote } from '../../core/signed-note.js';
import type { Storage } from '../../storage/storage.js';
import { ALL_KINDS } from '../all-kinds.js';
import { EXPORT_FORMAT, type ExportLine } from './export.js';

export interface VerifyReport {
  ok: boolean;
  channels: number;
  chains: number;
  entries: number;
  failures: VerifyFailure[];
  /** Node keys the verification trusted, so an operator can compare fingerprints out of band. */
  nodeKeys: Record<string, string>;
  seconds: number;
}

const PAGE = 5000;

/** Verifies every chain in a node's storage. `onProgress` gets the running entry count. */
export async function verifyStorage(
  storage: Storage,
  onProgress: (entries: number) => void = () => {},
): Promise<VerifyReport> {
  const started = performance.now();
  const info = await storage.getNodeInfo();
  if (!info) throw new Error('storage holds no node information');
  const failures: VerifyFailure[] = [];
  let entries = 0;
  let chains = 0;
  const peerKeys = new Map((await storage.listPeers()).map((p) => [p.party, p.nodePublicKey]));
  const channels = await storage.listChannels();
  for (const channel of channels) {
    const heads = await storage.listChainHeads(channel.id);
    if (
      channel.parties[info.party] &&
      channel.state !== 'proposed' &&
      !heads.some((h) => h.party === info.party)
    ) {
      failures.push({
        entry: `${channel.id}/${info.party}`,
        rule: 'checkpoint_invalid',
        message: 'chain head is missing',
      });
    }
    for (const head of heads) {
      const nodeKey = head.party === info.party ? info.nodePublicKey : peerKeys.get(head.party);
      if (!nodeKey) {
        failures.push({
          entry: `${channel.id}/${head.party}`,
          rule: 'author_key_unknown',
          message: `no pinned node key for ${head.party}; its chain cannot be verified`,
        });
        continue;
      }
      chains += 1;
      const verifier = new ChainVerifier(
        ALL_KINDS,
        channel.id,
        head.party,
        nodeKey,
        checkpointSize(head.checkpoint),
      );
      for (let from = 0; ;) {
        const page = await storage.readChain(channel.id, head.party, from, PAGE);
        for (const record of page) verifier.push(record);
        entries += page.length;
        onProgress(entries);
        if (page.length < PAGE) break;
        from = page.at(-1)!.seq + 1;
      }
      // A replica may not have received a checkpoint yet (''); its entries are still verified.
      failures.push(...verifier.finish(head.checkpoint === '' ? null : head.checkpoint));
    }
  }
  // Evidence kept from federation: a peer that signed two histories or two entries at one position.
  for (const evidence of await storage.listEquivocations()) {
    failures.push({
      entry: `${evidence.channel}/${evidence.party}`,
      rule: 'equivocation_detected',
      message: evidence.detail,
    });
  }
  for (const fork of await storage.listForks()) {
    failures.push({
      entry: `${fork.channel}/${fork.party}/${fork.seq}`,
      rule: 'fork_detected',
      message: `${fork.party} signed a second entry at this position (reported by ${fork.reportedBy}); evidence kept`,
    });
  }
  const nodeKeys: Record<string, string> = { [info.party]: fingerprint(info.nodePublicKey) };
  for (const [party, key] of peerKeys) nodeKeys[party] = fingerprint(key);
  return {
    ok: failures.length === 0,
    channels: channels.length,
    chains,
    entries,
    failures,
    nodeKeys,
    seconds: (performance.now() - started) / 1000,
  };
}

/** The size a signed checkpoint note claims, or null when there is none or it cannot be read. */
function checkpointSize(note: string): number | null {
  if (note === '') return null;
  try {
    return parseCheckpoint(openNote(note, []).text).size;
  } catch {
    return null;
  }
}

/** Verifies a channel export file (see export-channel.ts) using only what the file contains. */
export async function verifyExportFile(
  path: string,
  onProgress: (entries: number) => void = () => {},
): Promise<VerifyReport> {
  const started = performance.now();
  const failures: VerifyFailure[] = [];
  const nodeKeys: Record<string, string> = {};
  let entries = 0;
  let chains = 0;
  let channelId: string | null = null;
  let verifier: ChainVerifier | null = null;
  let checkpoint: string | null = null;
  let lineNumber = 0;
  const finishChain = (): void => {
    if (verifier) failures.push(...verifier.finish(checkpoint));
    verifier = null;
  };
  const lines = createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity });
  for await (const text of lines) {
    lineNumber += 1;
    if (text === '') continue;
    let line: ExportLine;
    try {
      line = JSON.parse(text) as ExportLine;
    } catch {
      throw new Error(`${path}:${lineNumber}: not a JSON line`);
    }
    if (line.type === 'header') {
      if (line.format !== EXPORT_FORMAT)
        throw new Error(`${path}: format '${String(line.format)}' is not ${EXPORT_FORMAT}`);
      channelId = line.channel.id;
      for (const [party, key] of Object.entries(line.nodeKeys)) nodeKeys[party] = key;
    } else if (line.type === 'chain') {
      finishChain();
      if (channelId === null) throw new Error(`${path}:${lineNumber}: chain before header`);
      const key = nodeKeys[line.party];
      if (!key) throw new Error(`${path}:${lineNumber}: no node key for party ${line.party}`);
      chains += 1;
      checkpoint = line.checkpoint === '' ? null : line.checkpoint;
      verifier = new ChainVerifier(ALL_KINDS, channelId, line.party, key, checkpointSize(line.checkpoint));
    } else if (line.type === 'entry') {
      if (!verifier) throw new Error(`${path}:${lineNumber}: entry before its chain line`);
      const v: ChainVerifier = verifier;
      v.push({ ...line, channel: v.channel, party: v.party });
      entries += 1;
      if (entries % 1000 === 0) onProgress(entries);
    } else {
      throw new Error(`${path}:${lineNumber}: unknown line type`);
    }
  }
  finishChain();
  onProgress(entries);
  if (channelId === null) throw new Error(`${path}: no header line; is this a Parley export?`);
  return {
    ok: failures.length === 0,
    channels: 1,
    chains,
    entries,
    failures,
    nodeKeys: Object.fromEntries(Object.entries(nodeKeys).map(([p, k]) => [p, fingerprint(k)])),
    seconds: (performance.now() - started) / 1000,
  };
}
