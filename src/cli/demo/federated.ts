/**
 * The federated demo: one `parley serve` process per party of the scenario (RU and US, and NATO
 * as the observer of the multilateral channel) on loopback, each initialised in its own data dir
 * under the demo dir with its party's offices and people, pinned to each other by fingerprint
 * (`parley peer add`), the scenario's channels proposed by RU and accepted by US, and the
 * timeline posted by each person through the API of their own party's node, waiting for
 * replication wherever the next step depends on the last.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import {
  initDemoParty,
  isInitialised,
  reopenDemoParty,
  verifyDataDir,
  type DemoParty,
} from '../local-node.js';
import { CliError } from '../output.js';
import { parsePort } from '../commands/serve.js';
import {
  callApi,
  eventually,
  ProcessGroup,
  runCli,
  spawnNode,
  tryApi,
  type NodeProcess,
} from './processes.js';
import { loadScenario, projectRoot, ScenarioIndex, type ScenarioChannel } from './scenario.js';
import { playTimeline, type Posted } from './timeline.js';

export const DEMO_PASSWORD = 'parley-demo-password';
export const DEMO_PORTS = [7410, 7411, 7412];
/** Whose API token the demo prints per party, for trying the CLI. */
const TRY_AS: Record<string, string> = { RU: 'ru-svr-head', US: 'us-cia-head', NATO: 'nato-sg-head' };

export interface DemoOptions {
  dataDir?: string;
  host: string;
  port: string;
  parties: string;
  smoke?: boolean;
}

const startedAt = performance.now();

/** A progress line on stderr, stamped with the time since the demo started. */
export function progress(message: string): void {
  const elapsed = ((performance.now() - startedAt) / 1000).toFixed(1).padStart(4);
  process.stderr.write(`demo +${elapsed}s: ${message}\n`);
}

/** A new node for one party with its offices and people (channels come later, over the API). */
function initParty(index: ScenarioIndex, party: string, dataDir: string): Promise<DemoParty> {
  const offices = index.scenario.offices.filter((o) => o.party === party);
  const officeIds = new Set(offices.map((o) => o.id));
  return initDemoParty({
    dataDir,
    party,
    name: index.party(party).name,
    password: DEMO_PASSWORD,
    offices,
    principals: index.scenario.principals.filter((p) => officeIds.has(p.office)),
  });
}

/** Every entry of a channel as one node holds it: id, hash and signature, sorted. */
async function channelCopy(node: NodeProcess, token: string, channel: string): Promise<string[]> {
  const all: string[] = [];
  let after = 0;
  for (;;) {
    const page = await callApi(node.url, token, 'GET /api/v1/channels/{channel}/entries', {
      path: { channel },
      query: { after, limit: 1000 },
    });
    for (const e of page.entries) all.push(`${e.id} ${e.hash} ${e.sig}`);
    if (page.entries.length < 1000) break;
    after = page.next;
  }
  return all.sort();
}

export async function runDemo(options: DemoOptions): Promise<void> {
  const started = performance.now();
  const root = projectRoot();
  const cli = join(root, 'bin/parley.js');
  const index = new ScenarioIndex(loadScenario(root));
  const parties = [...new Set(options.parties.split(',').map((p) => p.trim().toUpperCase()))].filter(Boolean);
  for (const party of parties) index.party(party);
  if (!parties.includes('RU') || !parties.includes('US'))
    throw new CliError('validation_failed', '--parties must include RU and US', 2);
  const basePort = parsePort(options.port);
  if (basePort !== 0 && basePort + parties.length - 1 > 65535)
    throw new CliError(
      'validation_failed',
      `--port ${basePort} leaves no room for ${parties.length} nodes`,
      2,
    );
  const demoDir = resolve(options.dataDir ?? mkdtempSync(join(tmpdir(), 'parley-demo-')));
  const dirs = Object.fromEntries(parties.map((p) => [p, join(demoDir, p)]));
  const existing = parties.filter((p) => isInitialised(dirs[p]!));
  if (existing.length > 0 && existing.length < parties.length) {
    throw new CliError(
      'already_exists',
      `${demoDir} holds demo nodes for ${existing.join(', ')} only; choose another --data-dir`,
    );
  }
  const resume = existing.length === parties.length;

  const group = new ProcessGroup();
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    progress(`${signal}: stopping the node processes…`);
    void group.stopAll().then(() => process.exit(loaded ? 0 : 130));
  };
  let loaded = false;
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const detach = (): void => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    group.dispose();
  };

  try {
    // 1. Data dirs: each party's offices, people and API tokens.
    progress(
      resume
        ? `reopening the demo nodes of ${parties.join(', ')} in ${demoDir}…`
        : `creating nodes for ${parties.join(', ')} in ${demoDir} (offices, people, keys)…`,
    );
    const setups = await Promise.all(
      parties.map((p) =>
        resume ? reopenDemoParty(p, dirs[p]!, DEMO_PASSWORD) : initParty(index, p, dirs[p]!),
      ),
    );
    const setup = Object.fromEntries(setups.map((s) => [s.party, s]));

    // 2. One `parley serve` process per party.
    progress(`starting ${parties.length} node processes (parley serve)…`);
    const nodeList = await Promise.all(
      parties.map((party, i) =>
        spawnNode(group, {
          cli,
          party,
          dataDir: dirs[party]!,
          host: options.host,
          port: basePort === 0 ? 0 : basePort + i,
          env: {
            PARLEY_REPLICATION_POLL_MS: process.env.PARLEY_REPLICATION_POLL_MS ?? '500',
            PARLEY_RETRY_MAX_MS: process.env.PARLEY_RETRY_MAX_MS ?? '1000',
          },
        }),
      ),
    );
    const nodes = Object.fromEntries(nodeList.map((n) => [n.party, n]));
    for (const n of nodeList) progress(`${n.party} listening on ${n.url} (pid ${n.pid})`);
    // While the scenario loads, a node that dies fails the demo. Once it is loaded, the others
    // carry on, as sovereign nodes do (DESIGN.md "Principles" 1, 2): the dead one can be started
    // again with the printed command and catches up; only when none is left does the demo end.
    let running = nodeList.length;
    const watchExits = nodeList.map((n) =>
      n.exited.then(({ code, signal }) => {
        if (stopping) return;
        running -= 1;
        if (loaded && running > 0) {
          process.stderr.write(
            `demo: the ${n.party} node stopped (${code ?? signal}); the others keep running. ` +
              `Start it again with: ${cliCommand} serve --data-dir ${n.dataDir} --port ${new URL(n.url).port}\n`,
          );
          return;
        }
        stopping = true;
        process.stderr.write(
          loaded
            ? `demo: the last node (${n.party}) stopped (${code ?? signal})\n`
            : `demo: the ${n.party} node stopped unexpectedly (${code ?? signal}); stopping the others\n${n.log()}`,
        );
        void group.stopAll().then(() => process.exit(1));
      }),
    );
    void watchExits;

    // 3. Pin each pair by fingerprint, as operators do after exchanging fingerprints out of band.
    progress('pinning the nodes to each other by fingerprint (parley peer add)…');
    await Promise.all(
      parties.map(async (self) => {
        for (const other of parties.filter((p) => p !== self)) {
          await runCli(cli, [
            'peer',
            'add',
            nodes[other]!.url,
            '--party',
            other,
            '--fingerprint',
            setup[other]!.fingerprint,
            '--data-dir',
            dirs[self]!,
          ]);
        }
      }),
    );
    /** The URL of `party`'s node and its admin's token, to call that node's API as the admin. */
    const asAdmin = (party: string) => [nodes[party]!.url, setup[party]!.tokens.admin!] as const;
    await Promise.all(
      parties.map((self) =>
        eventually(
          async () => {
            const { peers } = await callApi(...asAdmin(self), 'GET /api/v1/peers');
            return parties.every(
              (p) => p === self || peers.some((peer) => peer.party === p && peer.status === 'up'),
            );
          },
          `the links of ${self} to come up`,
          20_000,
          50,
        ),
      ),
    );
    progress('links up between every pair of nodes');

    // 4. Channels: proposed by RU with the other parties' offices, accepted by them.
    const channels = index.scenario.channels.map((c) => ({
      channel: c,
      members: index.membersByParty(c),
      observers: Object.fromEntries(
        Object.entries(index.observersByParty(c)).filter(([p]) => parties.includes(p)),
      ),
    }));
    const holders = (c: ScenarioChannel): string[] =>
      parties.filter((p) => index.membersByParty(c)[p] || index.observersByParty(c)[p]);
    if (!resume) {
      progress(
        `RU proposes ${channels.length} channels (${channels.map((c) => c.channel.id).join(', ')}); US accepts them`,
      );
      await Promise.all(
        channels.map(async ({ channel, members, observers }) => {
          const proposer = index.partyOfOffice(channel.offices[0]!);
          await callApi(...asAdmin(proposer), 'POST /api/v1/channels', {
            body: {
              id: channel.id,
              name: channel.name,
              offices: members[proposer]!,
              languages: channel.languages,
              peers: Object.fromEntries(Object.entries(members).filter(([p]) => p !== proposer)),
              ...(Object.keys(observers).length > 0 ? { observers } : {}),
            },
          });
          const ofChannel = { path: { channel: channel.id } };
          /** Waits until `party`'s node holds the channel (replicated from the proposer). */
          const reaches = (party: string, what: string) =>
            eventually(
              async () =>
                (await tryApi(...asAdmin(party), 'GET /api/v1/channels/{channel}', ofChannel)).status === 200,
              what,
            );
          for (const party of Object.keys(members).filter((p) => p !== proposer)) {
            await reaches(party, `the proposal of '${channel.id}' to reach ${party}`);
            await callApi(...asAdmin(party), 'POST /api/v1/channels/{channel}/accept', ofChannel);
          }
          await eventually(
            async () =>
              (await callApi(...asAdmin(proposer), 'GET /api/v1/channels/{channel}', ofChannel)).state ===
              'active',
            `'${channel.id}' to become active at ${proposer}`,
          );
          for (const party of Object.keys(observers)) {
            await reaches(party, `'${channel.id}' to reach the observer ${party}`);
          }
        }),
      );
      progress('every channel is active');
    }

    // 5. The timeline, each step by its author through their own node's API.
    let posted: Posted[] = [];
    if (!resume) {
      posted = await playTimeline({
        index,
        parties,
        api: (party, user, op, ...args) =>
          callApi(nodes[party]!.url, setup[party]!.tokens[user]!, op, ...args),
        tryApi: (party, user, op, ...args) =>
          tryApi(nodes[party]!.url, setup[party]!.tokens[user]!, op, ...args),
        progress,
      });
    }

    // 6. Every node that holds a channel holds the same copy of it.
    progress('waiting until every node holds identical copies of every channel…');
    const copies = await Promise.all(
      channels.map(async ({ channel }) => {
        const where = holders(channel);
        const copy = await eventually(
          async () => {
            const each = await Promise.all(
              where.map((p) =>
                channelCopy(nodes[p]!, setup[p]!.tokens[index.readersOf(channel, p)[0]!]!, channel.id),
              ),
            );
            const first = each[0]!.join('\n');
            return each.every((c) => c.join('\n') === first) ? each[0]! : undefined;
          },
          `identical copies of '${channel.id}' on ${where.join(', ')}`,
          20_000,
          100,
        );
        return { channel, where, entries: copy.length };
      }),
    );
    loaded = true;

    // 7. What to try.
    const here = relative(process.cwd(), cli) || cli;
    const cliCommand = here.startsWith('..') || here.startsWith('/') ? `node ${cli}` : `node ${here}`;
    const lines: string[] = [''];
    for (const party of parties) {
      const s = setup[party]!;
      const n = nodes[party]!;
      const observer = index.party(party).observer ? ', observer' : '';
      lines.push(
        `Parley demo node for ${party} (${s.name}${observer})`,
        `  URL:          ${n.url}   (API description: ${n.url}/openapi.json)`,
        `  Data:         ${s.dataDir}`,
        `  Fingerprint:  ${s.fingerprint}`,
        `  Users:        admin, ${index.scenario.principals
          .filter((p) => index.partyOfOffice(p.office) === party)
          .map((p) => `${p.id} (${p.role})`)
          .join(', ')}`,
        `  Token:        ${s.tokens[TRY_AS[party] ?? 'admin']}   (acts as ${TRY_AS[party] ?? 'admin'})`,
        '',
      );
    }
    const flash = posted.find((p) => p.label === 'flash');
    lines.push(
      `Password of every demo user: ${DEMO_PASSWORD}`,
      `Channels (proposed by RU, accepted by US${parties.includes('NATO') ? '; NATO observes ukraine-settlement' : ''}):`,
      ...copies.map(
        ({ channel, where, entries }) =>
          `  ${channel.id.padEnd(20)} ${String(entries).padStart(4)} signed entries, identical on ${where.join(', ')}`,
      ),
      '',
      `In a browser: ${nodes.RU!.url}/ (RU) and ${nodes.US!.url}/ (US); sign in as ${TRY_AS.RU!} / ${TRY_AS.US!} with the password above.`,
      '',
      'Try it (in another terminal, from this folder), e.g. as the US intelligence head:',
      `  export PARLEY_URL=${nodes.US!.url} PARLEY_TOKEN=${setup.US!.tokens[TRY_AS.US!]}`,
      `  ${cliCommand} log intelligence`,
      `  ${cliCommand} inbox`,
      `  ${cliCommand} inbox --owing             # what US owes, soonest deadline first`,
      ...(flash
        ? [`  ${cliCommand} status ${flash.id}   # delivery, read-back, clarification, deadlines`]
        : []),
      `  ${cliCommand} clarify list intelligence --all`,
      `  ${cliCommand} send intelligence "Test of the line" --precedence PRIORITY --lang en`,
      ...(flash ? [`  ${cliCommand} ack ${flash.id} --level read`] : []),
      `  ${cliCommand} peer status`,
      `then as RU (export PARLEY_URL=${nodes.RU!.url} PARLEY_TOKEN=${setup.RU!.tokens[TRY_AS.RU!]}):`,
      `  ${cliCommand} log intelligence        # the US entries arrive at RU within milliseconds`,
      `  ${cliCommand} verify --data-dir ${dirs.RU}`,
      '',
    );
    lines.push(options.smoke ? 'smoke check…' : 'Press Ctrl-C to stop all nodes.', '');
    process.stdout.write(lines.join('\n'));
    progress(`loaded in ${((performance.now() - started) / 1000).toFixed(1)} s`);

    if (options.smoke) {
      stopping = true;
      await group.stopAll();
      let total = 0;
      const problems: string[] = [];
      for (const party of parties) {
        const report = await verifyDataDir(dirs[party]!);
        total += report.entries;
        if (!report.ok)
          problems.push(
            `${party}: ${report.failures.length} failures, first: ${JSON.stringify(report.failures[0])}`,
          );
        progress(
          `verify ${party}: ${report.ok ? 'ok' : 'FAILED'}, ${report.entries} entries in ${report.chains} chains of ${report.channels} channels`,
        );
      }
      if (problems.length > 0) throw new Error(`demo smoke check failed: ${problems.join('; ')}`);
      process.stdout.write(
        `demo smoke check passed: ${total} entries verified on ${parties.length} nodes, identical copies of ${copies.length} channels\n`,
      );
      detach();
      return;
    }
    for (const n of nodeList) n.onLine((line) => process.stderr.write(`[${n.party}] ${line}\n`));
  } catch (error) {
    stopping = true;
    await group.stopAll();
    detach();
    throw error;
  }
}
