/**
 * Exports a channel as a self-contained JSON Lines file that `parley verify --file` checks
 * offline (layout and rules: docs/FORMAT.md, "Export file"). Format 2:
 *
 * - a `header` line: the channel as this node stores it (informational, unsigned), the exporting
 *   party and the node keys this node has pinned;
 * - per chain a `chain` line: its latest signed checkpoint, the witness cosignatures this node
 *   holds, the checkpoint history (every distinct signed checkpoint known, oldest first) and an
 *   RFC 9162 consistency proof between each consecutive pair; then every entry up to the
 *   checkpointed size (canonical text, hash, signature).
 *
 * The storage contract gives the latest checkpoint and the newest cosigned note per witness, so
 * the history holds those; every checkpoint this node signed, and every cosignature rather than
 * the newest per witness, would need storage methods that list them.
 * Written to a temporary file and renamed, so an interrupted export never leaves a half-written
 * file under the name.
 */
import { once } from 'node:events';
import { createWriteStream, renameSync, rmSync } from 'node:fs';
import type { EntryRecord } from '../../core/verify-chain.js';
import type { Channel, ChainHead, Storage } from '../../storage/storage.js';
import { checkpointHistory, consistencyProofs, readLeafHashes, type ConsistencyStep } from './proofs.js';

export const EXPORT_FORMAT = 'parley-export/2';
/** Older formats `verify --file` still reads, reporting what they lack. */
export const EXPORT_FORMAT_V1 = 'parley-export/1';

export interface ExportHeader {
  type: 'header';
  format: string;
  exportedAt: number;
  /** Party of the node that wrote the file (format 2). */
  exportedBy?: string;
  channel: Channel;
  /** Node public keys (raw Ed25519, base64) per party, as the exporting node pinned them. */
  nodeKeys: Record<string, string>;
}

export interface ExportCosignature {
  /** Party whose node cosigned, as a witness. */
  witness: string;
  size: number;
  /** The checkpoint note with the witness's tlog-cosignature line. */
  note: string;
}

export interface ExportChain {
  type: 'chain';
  party: string;
  size: number;
  /** Latest signed checkpoint (C2SP signed note) covering `size` entries; '' when none. */
  checkpoint: string;
  /** Format 2: cosigned checkpoint notes, newest per witness. */
  cosignatures?: ExportCosignature[];
  /** Format 2: distinct signed checkpoints known for this chain, by size, oldest first. */
  checkpoints?: Array<{ size: number; note: string }>;
  /** Format 2: RFC 9162 consistency proof between each consecutive pair of `checkpoints`. */
  consistency?: ConsistencyStep[];
}

export type ExportEntry = { type: 'entry' } & Pick<
  EntryRecord,
  'seq' | 'hash' | 'canonical' | 'sig' | 'kind' | 'author'
>;

export type ExportLine = ExportHeader | ExportChain | ExportEntry;

/** The exact field sets of each line type: anything else is reported (docs/FORMAT.md). */
export const EXPORT_LINE_FIELDS: Record<ExportLine['type'], readonly string[]> = {
  header: ['type', 'format', 'exportedAt', 'exportedBy', 'channel', 'nodeKeys'],
  chain: ['type', 'party', 'size', 'checkpoint', 'cosignatures', 'checkpoints', 'consistency'],
  entry: ['type', 'seq', 'hash', 'canonical', 'sig', 'kind', 'author'],
};

const PAGE = 5000;

export async function exportChannel(
  storage: Storage,
  channelId: string,
  path: string,
  onProgress: (entries: number) => void = () => {},
): Promise<{ entries: number; chains: number }> {
  const info = await storage.getNodeInfo();
  const channel = await storage.getChannel(channelId);
  if (!info || !channel) throw new Error(`channel '${channelId}' does not exist`);
  const temporary = `${path}.partial-${process.pid}`;
  const out = createWriteStream(temporary, { encoding: 'utf8', mode: 0o600 });
  const write = async (line: ExportLine): Promise<void> => {
    if (!out.write(`${JSON.stringify(line)}\n`)) await once(out, 'drain');
  };
  let entries = 0;
  const peers = new Map((await storage.listPeers()).map((p) => [p.party, p.nodePublicKey]));
  const nodeKeys: Record<string, string> = { [info.party]: info.nodePublicKey };
  // Every chain whose node key this node has pinned goes into the file, with that key.
  const heads = (await storage.listChainHeads(channelId)).filter((h) => {
    const key = h.party === info.party ? info.nodePublicKey : peers.get(h.party);
    if (key) nodeKeys[h.party] = key;
    return key !== undefined;
  });
  // And the keys of the channel's other parties, which witness these chains even before (or
  // without) writing a chain of their own.
  for (const party of Object.keys(channel.parties)) {
    const key = peers.get(party);
    if (key && !nodeKeys[party]) nodeKeys[party] = key;
  }
  try {
    await write({
      type: 'header',
      format: EXPORT_FORMAT,
      exportedAt: Date.now(),
      exportedBy: info.party,
      channel,
      nodeKeys,
    });
    for (const head of heads) {
      await write(await chainLine(storage, channelId, head));
      for (let from = 0; from < head.size;) {
        // Stop at the checkpointed size: entries appended during the export are not covered by it.
        const page = await storage.readChain(channelId, head.party, from, Math.min(PAGE, head.size - from));
        if (page.length === 0) break;
        for (const e of page) {
          await write({
            type: 'entry',
            seq: e.seq,
            hash: e.hash,
            canonical: e.canonical,
            sig: e.sig,
            kind: e.kind,
            author: e.author,
          });
        }
        entries += page.length;
        onProgress(entries);
        from = page.at(-1)!.seq + 1;
      }
    }
    out.end();
    await once(out, 'finish');
    renameSync(temporary, path);
  } catch (error) {
    out.destroy();
    rmSync(temporary, { force: true });
    throw error;
  }
  return { entries, chains: heads.length };
}

/** The chain line: checkpoint, cosignatures, history and the proofs linking the history. */
async function chainLine(storage: Storage, channelId: string, head: ChainHead): Promise<ExportChain> {
  const cosignatures = (await storage.latestCosignatures(channelId, head.party))
    .filter((c) => c.size <= head.size)
    .map((c) => ({ witness: c.witness, size: c.size, note: c.note }));
  const checkpoints = checkpointHistory([head.checkpoint, ...cosignatures.map((c) => c.note)]);
  const leaves = await readLeafHashes(storage, channelId, head.party, head.size);
  return {
    type: 'chain',
    party: head.party,
    size: head.size,
    checkpoint: head.checkpoint,
    cosignatures,
    checkpoints,
    consistency: consistencyProofs(leaves, checkpoints),
  };
}
