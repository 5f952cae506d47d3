/**
 * What a node answers about a channel's notification templates: the newest version of each
 * template and every version ever published (old versions stay valid for the notifications that
 * used them). Publishing and notifying go through NodeContext.postEntry, so the kind rules in
 * workflows/templates/kinds.ts apply.
 */
import type { LoggedEntry } from '../../core/kinds.js';
import type { Principal } from '../../storage/storage.js';
import { readableChannel } from '../channels/queries.js';
import { type NodeContext } from '../context.js';
import { kindContext } from '../entries/kind-context.js';

export interface TemplateView {
  /** The template entry. */
  id: string;
  hash: string;
  name: string;
  version: number;
  title: string;
  schema: Record<string, unknown>;
  party: string;
  author: string;
  hlc: string;
}

export interface TemplatesView {
  /** The highest version of each template, by name. */
  templates: TemplateView[];
  /** Every published version, by name then version. */
  versions: TemplateView[];
}

function templateOf(entry: LoggedEntry): TemplateView {
  const body = entry.body as {
    name: string;
    version: number;
    title: string;
    schema: Record<string, unknown>;
  };
  return {
    id: entry.id,
    hash: entry.hash,
    name: body.name,
    version: body.version,
    title: body.title,
    schema: body.schema,
    party: entry.party,
    author: entry.author,
    hlc: entry.hlc,
  };
}

/** Orders as every node does: name, version, then the earliest publication first. */
function byNameVersion(a: TemplateView, b: TemplateView): number {
  if (a.name !== b.name) return a.name < b.name ? -1 : 1;
  if (a.version !== b.version) return a.version - b.version;
  if (a.hlc !== b.hlc) return a.hlc < b.hlc ? -1 : 1;
  return a.party < b.party ? -1 : a.party > b.party ? 1 : 0;
}

/** The channel's templates. Should two parties publish one version at once, the earliest counts. */
export async function channelTemplates(
  node: NodeContext,
  actor: Principal,
  channelId: string,
): Promise<TemplatesView> {
  const channel = await readableChannel(node, actor, channelId);
  const all = (await kindContext(node, actor, channel).listByKind('template'))
    .map(templateOf)
    .sort(byNameVersion);
  const versions = all.filter(
    (t, i) => i === 0 || t.name !== all[i - 1]!.name || t.version !== all[i - 1]!.version,
  );
  const newest = new Map<string, TemplateView>();
  for (const template of versions) newest.set(template.name, template);
  return { templates: [...newest.values()], versions };
}
