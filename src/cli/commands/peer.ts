/**
 * `parley peer self|add|list|status`: pinning other parties' nodes. A peer's key is never
 * trusted on first use: `peer add` fetches the node's identity and refuses it unless its key
 * matches the fingerprint exchanged out of band.
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { Response } from '../api-client.js';
import { client, localCommand, remoteCommand, run, type Local, type Remote } from '../context.js';
import { listPeersLocally, nodeIdentityLocally, pinPeerLocally } from '../local-node.js';
import { print, printLines } from '../output.js';

type LinkTest = Response<'GET /api/v1/peers'>['peers'][number]['lastLinkTest'];

function describeTest(test: LinkTest): string {
  if (!test) return 'no link test yet';
  const when = new Date(test.at).toISOString();
  return test.ok
    ? `link test ok at ${when} (${test.rttMs?.toFixed(1)} ms)`
    : `link test FAILED at ${when}: ${test.error}`;
}

export function registerPeer(program: Command): void {
  const peer = program.command('peer').description("pin and inspect other parties' nodes");

  run(
    localCommand(peer, 'self', "this node's party and key fingerprint, to give to peers out of band"),
    async (options: Local) => {
      const self = await nodeIdentityLocally(options.dataDir);
      print(options, self, () => `${self.party} (${self.name})\nfingerprint: ${self.fingerprint}`);
    },
  );

  run(
    localCommand(
      peer,
      'add <url>',
      'pin a peer node: its key must match the fingerprint its operators gave you',
    )
      .requiredOption('--party <id>', 'the peer party id (e.g. US)')
      .requiredOption('--fingerprint <fp>', 'the peer node key fingerprint (SHA256:…), exchanged out of band')
      .option(
        '--tls-ca <pem-file>',
        "for https peers: the peer's TLS certificate (or its CA), the only one trusted for it",
      )
      .option(
        '--insecure-peer',
        'allow a plain http:// URL that is not on loopback (traffic unencrypted; loopback http is allowed with a warning)',
      ),
    async (
      url: string,
      options: Local & { party: string; fingerprint: string; tlsCa?: string; insecurePeer?: boolean },
    ) => {
      const tlsCa = options.tlsCa ? readFileSync(options.tlsCa, 'utf8') : null;
      const added = await pinPeerLocally(options.dataDir, {
        url,
        party: options.party,
        fingerprint: options.fingerprint,
        tlsCa,
        allowInsecureHttp: options.insecurePeer === true,
      });
      if (added.warning) process.stderr.write(`parley: warning: ${added.warning}\n`);
      print(
        options,
        added,
        () => `peer ${added.party} (${added.name}) pinned at ${url}, ${added.fingerprint}`,
      );
    },
  );

  run(localCommand(peer, 'list', 'pinned peers'), async (options: Local) => {
    const peers = await listPeersLocally(options.dataDir);
    printLines(
      options,
      peers,
      peers.map((p) => `${p.party}\t${p.url}\t${p.fingerprint}\t${p.name}`),
      '(no peers)',
    );
  });

  run(
    remoteCommand(peer, 'status', 'link health of each peer, as the running node sees it'),
    async (options: Remote) => {
      const { peers } = await client(options).get('/api/v1/peers');
      printLines(
        options,
        { peers },
        peers.map(
          (p) =>
            `${p.party}\t${p.status} since ${new Date(p.since).toISOString()}\trtt ${p.rttMs === null ? '—' : `${p.rttMs.toFixed(1)} ms`}\tpushed ${p.pushed} pulled ${p.pulled}\t${describeTest(p.lastLinkTest)}${p.lastError && p.status !== 'up' ? `\tlast error: ${p.lastError}` : ''}`,
        ),
        '(no peers)',
      );
    },
  );
}
