/**
 * `parley peer self|add|list|status`: pinning other parties' nodes. A peer's key is never
 * trusted on first use: `peer add` fetches the node's identity and refuses it unless its key
 * matches the fingerprint exchanged out of band.
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { federationContextOf } from '../../federation/node-context.js';
import { pinPeer } from '../../federation/pin-peer.js';
import { fingerprint } from '../../core/keys.js';
import { dataDirOption, client, remoteOptions, type Remote, withNode } from '../context.js';
import { fail, print } from '../output.js';

interface Common {
  dataDir: string;
  json?: boolean;
}

interface LinkView {
  party: string;
  url: string;
  status: string;
  since: number;
  rttMs: number | null;
  lastError: string | null;
  pushed: number;
  pulled: number;
  lastLinkTest: { at: number; ok: boolean; rttMs: number | null; error: string | null } | null;
}

function describeTest(test: LinkView['lastLinkTest']): string {
  if (!test) return 'no link test yet';
  const when = new Date(test.at).toISOString();
  return test.ok
    ? `link test ok at ${when} (${test.rttMs?.toFixed(1)} ms)`
    : `link test FAILED at ${when}: ${test.error}`;
}

export function registerPeer(program: Command): void {
  const peer = program.command('peer').description("pin and inspect other parties' nodes");

  dataDirOption(peer.command('self'))
    .description("this node's party and key fingerprint, to give to peers out of band")
    .option('--json', 'print JSON')
    .action(async (options: Common) => {
      try {
        const self = await withNode(options.dataDir, async (node) => ({
          party: node.party,
          name: node.partyName,
          fingerprint: node.fingerprint,
          nodePublicKey: node.nodePublicKey,
        }));
        print(options, self, () => `${self.party} (${self.name})\nfingerprint: ${self.fingerprint}`);
      } catch (error) {
        fail(options, error);
      }
    });

  dataDirOption(peer.command('add <url>'))
    .description('pin a peer node: its key must match the fingerprint its operators gave you')
    .requiredOption('--party <id>', 'the peer party id (e.g. US)')
    .requiredOption('--fingerprint <fp>', 'the peer node key fingerprint (SHA256:…), exchanged out of band')
    .option(
      '--tls-ca <pem-file>',
      "for https peers: the peer's TLS certificate (or its CA), the only one trusted for it",
    )
    .option('--json', 'print JSON')
    .action(async (url: string, options: Common & { party: string; fingerprint: string; tlsCa?: string }) => {
      try {
        const tlsCa = options.tlsCa ? readFileSync(options.tlsCa, 'utf8') : null;
        const added = await withNode(options.dataDir, (node) =>
          pinPeer(federationContextOf(node), {
            url,
            party: options.party,
            fingerprint: options.fingerprint,
            tlsCa,
            by: null,
            ip: null,
          }),
        );
        print(
          options,
          added,
          () => `peer ${added.party} (${added.name}) pinned at ${url}, ${added.fingerprint}`,
        );
      } catch (error) {
        fail(options, error);
      }
    });

  dataDirOption(peer.command('list'))
    .description('pinned peers')
    .option('--json', 'print JSON')
    .action(async (options: Common) => {
      try {
        const peers = await withNode(options.dataDir, (node) => node.storage.listPeers());
        const shown = peers.map((p) => ({
          party: p.party,
          name: p.name,
          url: p.url,
          fingerprint: fingerprint(p.nodePublicKey),
        }));
        print(
          options,
          shown,
          () =>
            shown.map((p) => `${p.party}\t${p.url}\t${p.fingerprint}\t${p.name}`).join('\n') || '(no peers)',
        );
      } catch (error) {
        fail(options, error);
      }
    });

  remoteOptions(peer.command('status'))
    .description('link health of each peer, as the running node sees it')
    .option('--json', 'print JSON')
    .action(async (options: Remote) => {
      try {
        const api = client(options);
        const { peers } = await api.request<{ peers: LinkView[] }>('GET', '/api/v1/peers');
        print(
          options,
          { peers },
          () =>
            peers
              .map(
                (p) =>
                  `${p.party}\t${p.status} since ${new Date(p.since).toISOString()}\trtt ${p.rttMs === null ? '—' : `${p.rttMs.toFixed(1)} ms`}\tpushed ${p.pushed} pulled ${p.pulled}\t${describeTest(p.lastLinkTest)}${p.lastError && p.status !== 'up' ? `\tlast error: ${p.lastError}` : ''}`,
              )
              .join('\n') || '(no peers)',
        );
      } catch (error) {
        fail(options, error);
      }
    });
}
