/**
 * Exports a channel as a self-contained JSON Lines file that `parley verify --file` checks
 * offline: a header (channel, node keys), then per chain a `chain` line with its latest signed
 * checkpoint followed by every entry's canonical text, hash and signature. Written to a temporary
 * file and renamed, so an interrupted export never leaves a half-written file under the name.
 */
import { once } from 'node:events';
import { createWriteStream, renameSync, rmSync } from 'node:fs';
import type { EntryRecord } from '../../core/verify-chain.js';
import type { Channel, Storage } from '../../storage/storage.js';

export const EXPORT_FORMAT = 'parley-export/1';

export type ExportLine =
  | { type: 'header'; format: string; exportedAt: number; channel: Channel; nodeKeys: Record<string, string> }
  | { type: 'chain'; party: string; size: number; checkpoint: string }
  | ({ type: 'entry' } & Pick<EntryRecord, 'seq' | 'hash' | 'canonical' | 'sig' | 'kind' | 'author'>);

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
  try {
    await write({
      type: 'header',
      format: EXPORT_FORMAT,
      exportedAt: Date.now(),
      channel,
      nodeKeys,
    });
    for (const head of heads) {
      await write({ type: 'chain', party: head.party, size: head.size, checkpoint: head.checkpoint });
      for (let from = 0; from < head.size;) {
        // Stop at the checkpointed size: entries appended during the export are not covered by it.
        const page = await storage.readChain(channelId, head.party, from, Math.min(5000, head.size - from));
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
