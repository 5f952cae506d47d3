/**
 * `parley demo`: creates a node for one party of the demo scenario (scenario/scenario.json),
 * loads that party's slice of it (offices, people, channels, the entries its people wrote), and
 * serves it. Until federation lands the other party's side of the story is absent.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { API_TOKEN_PREFIX, hashSecret, newSecret } from '../../auth/tokens.js';
import type { Precedence } from '../../core/entry.js';
import { ParleyNode, type EntryView } from '../../node/parley-node.js';
import { startServer } from '../../node/run-server.js';
import { verifyStorage } from '../../node/verify-store.js';
import type { Role } from '../../storage/storage.js';
import { LOCAL_OPERATOR } from '../context.js';
import { fail } from '../output.js';
import { parsePort } from './serve.js';

interface Scenario {
  parties: Array<{ id: string; name: string; languages: string[] }>;
  offices: Array<{ party: string; id: string; name: string }>;
  principals: Array<{ id: string; office: string; title: string; role: string }>;
  channels: Array<{ id: string; name: string; offices: string[]; languages: string[]; observers?: string[] }>;
  timeline: Array<Record<string, unknown> & { channel: string; by: string; kind: string }>;
}

export const DEMO_PASSWORD = 'parley-demo-password';
const here = dirname(fileURLToPath(import.meta.url));

function scenarioPath(): string {
  // dist/src/cli/commands -> project root
  return resolve(here, '../../../../scenario/scenario.json');
}

/** The text of one timeline item as a note: what it is, and everything it says. */
function describeItem(item: Scenario['timeline'][number]): { subject: string; text: string } {
  const label = [item.kind, item.action].filter(Boolean).join(' / ');
  const title = String(item.title ?? item.what ?? item.template ?? '');
  const parts: string[] = [];
  if (typeof item.text === 'string') parts.push(item.text);
  if (Array.isArray(item.agenda)) parts.push(`Agenda: ${item.agenda.join('; ')}`);
  if (item.durationMinutes) parts.push(`Duration: ${String(item.durationMinutes)} minutes`);
  if (item.where) parts.push(`Where: ${String(item.where)}`);
  if (item.respondBy) parts.push(`Please respond by ${String(item.respondBy)}`);
  if (Array.isArray(item.applies)) parts.push(`Applies to channels: ${item.applies.join(', ')}`);
  return { subject: title ? `${label}: ${title}` : label, text: parts.join('\n') || label };
}

export async function loadDemo(
  dataDir: string,
  partyId: string,
): Promise<{ node: ParleyNode; token: string; entries: number }> {
  const scenario = JSON.parse(readFileSync(scenarioPath(), 'utf8')) as Scenario;
  const party = scenario.parties.find((p) => p.id === partyId);
  if (!party) throw new Error(`party ${partyId} is not in the scenario`);
  const node = await ParleyNode.init({
    dataDir,
    party: party.id,
    partyName: party.name,
    adminId: 'admin',
    adminPassword: DEMO_PASSWORD,
  });
  const offices = scenario.offices.filter((o) => o.party === party.id);
  for (const office of offices) await node.addOffice(LOCAL_OPERATOR, { id: office.id, name: office.name });
  const officeIds = new Set(offices.map((o) => o.id));
  const people = scenario.principals.filter((p) => officeIds.has(p.office));
  for (const p of people) {
    await node.addPrincipal(LOCAL_OPERATOR, {
      id: p.id,
      office: p.office,
      role: p.role as Role,
      title: p.title,
      password: DEMO_PASSWORD,
    });
  }
  for (const channel of scenario.channels) {
    const mine = channel.offices.filter((o) => officeIds.has(o));
    if (mine.length === 0) continue;
    await node.createChannel(LOCAL_OPERATOR, {
      id: channel.id,
      name: channel.name,
      offices: mine,
      languages: channel.languages,
    });
  }
  let entries = 0;
  const byId = new Map((await node.storage.listPrincipals()).map((p) => [p.id, p]));
  let lastReadout: EntryView | null = null;
  for (const item of scenario.timeline) {
    const author = byId.get(item.by);
    if (!author || !(await node.storage.getChannel(item.channel))) continue;
    const { subject, text } = describeItem(item);
    const lang = typeof item.lang === 'string' ? item.lang : undefined;
    const entry = await node.postEntry(author, item.channel, {
      kind: 'note',
      precedence: (item.precedence as Precedence | undefined) ?? 'ROUTINE',
      ...(lang ? { lang } : {}),
      body: { subject, text },
    });
    entries += 1;
    if (item.kind === 'readout') lastReadout = entry;
  }
  const head = byId.get(`${partyId.toLowerCase()}-president-head`);
  if (lastReadout && head) {
    await node.acknowledge(
      head,
      lastReadout.channel,
      lastReadout.party,
      lastReadout.seq,
      'understood',
      'Our readout of the call, as agreed.',
    );
    entries += 1;
  }
  const token = newSecret(API_TOKEN_PREFIX);
  const tokenUser = byId.get(`${partyId.toLowerCase()}-svr-head`) ?? people[0];
  if (tokenUser) {
    await node.storage.createApiToken({
      tokenHash: hashSecret(token),
      principal: tokenUser.id,
      label: 'demo',
      createdAt: Date.now(),
    });
  }
  return { node, token, entries };
}

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description(
      "create a demo node for one party of the scenario, load that party's part of it and serve it",
    )
    .option('-d, --data-dir <dir>', 'where to create the demo node (default: a new temporary directory)')
    .option('--party <id>', 'which party of the scenario to run', 'RU')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--port <port>', 'port to listen on (0 picks a free one)', '7410')
    .option('--smoke', 'load, serve, check over HTTP, verify, then exit (used by the tests)')
    .action(
      async (options: { dataDir?: string; party: string; host: string; port: string; smoke?: boolean }) => {
        try {
          const dataDir = resolve(options.dataDir ?? mkdtempSync(join(tmpdir(), 'parley-demo-')));
          process.stderr.write(`loading the scenario into ${dataDir}…\n`);
          const { node, token, entries } = await loadDemo(dataDir, options.party);
          const server = await startServer(node, {
            host: options.host,
            port: parsePort(options.port),
            logLevel: 'warn',
          });
          const users = (await node.storage.listPrincipals()).map(
            (p) => `    ${p.id.padEnd(22)} ${p.role.padEnd(13)} ${p.office ?? ''}`,
          );
          process.stdout.write(
            [
              '',
              `Parley demo node for ${node.party} (${node.partyName}) — ${entries} signed entries loaded`,
              `  URL:          ${server.url}   (API description: ${server.url}/openapi.json)`,
              `  Data:         ${dataDir}`,
              `  Fingerprint:  ${node.fingerprint}`,
              `  Password of every demo user: ${DEMO_PASSWORD}`,
              ...users,
              '',
              'Try it (in another terminal, from this folder):',
              `  export PARLEY_URL=${server.url} PARLEY_TOKEN=${token}   # acts as ${options.party.toLowerCase()}-svr-head`,
              '  node bin/parley.js inbox',
              '  node bin/parley.js log intelligence',
              '  node bin/parley.js send intelligence "Test of the line" --precedence PRIORITY',
              `  node bin/parley.js verify --data-dir ${dataDir}`,
              '',
              options.smoke ? 'smoke check…' : 'Press Ctrl-C to stop.',
              '',
            ].join('\n'),
          );
          if (options.smoke) {
            const health = await fetch(`${server.url}/healthz`);
            const inbox = await fetch(`${server.url}/api/v1/inbox`, {
              headers: { authorization: `Bearer ${token}` },
            });
            const report = await verifyStorage(node.storage);
            await server.close();
            if (!health.ok || !inbox.ok || !report.ok) {
              throw new Error(
                `demo smoke check failed: health ${health.status}, inbox ${inbox.status}, verify ${report.ok}`,
              );
            }
            process.stdout.write(`demo smoke check passed: ${report.entries} entries verified\n`);
            return;
          }
          const stop = (): void => void server.close().then(() => process.exit(0));
          process.on('SIGINT', stop);
          process.on('SIGTERM', stop);
        } catch (error) {
          fail({}, error);
        }
      },
    );
}
