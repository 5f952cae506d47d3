/**
 * Plays the scenario's timeline against the running demo nodes: every step is written by its
 * author through the API of the author's own party's node. Kinds the node does not have yet
 * (briefing, readout, invitation, commitment, notification, clarification, statement, public
 * statement) are written as `note` entries with a subject saying what they are, keeping their
 * precedence and language; the `understood` receipt with read-back is a real receipt
 * (POST …/receipts). After each step the demo waits until every other node that holds the channel
 * has the entry, so the next step (often by the other party) follows it everywhere.
 */
import { createHash } from 'node:crypto';
import type { Precedence } from '../../core/entry.js';
import { eventually } from './processes.js';
import type { ScenarioIndex, TimelineItem } from './scenario.js';

export interface Posted {
  /** What the step was, for later reference (e.g. 'flash'). */
  label: string;
  id: string;
  channel: string;
  party: string;
  seq: number;
  hash: string;
}

export interface TimelineContext {
  index: ScenarioIndex;
  /** Parties whose nodes run. */
  parties: string[];
  api<T>(party: string, user: string, method: string, path: string, body?: unknown): Promise<T>;
  tryApi(party: string, user: string, method: string, path: string): Promise<{ status: number }>;
  progress(message: string): void;
}

interface Note {
  label: string;
  subject: string;
  text: string;
  precedence?: Precedence;
  lang?: string;
}

const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

function str(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

export async function playTimeline(ctx: TimelineContext): Promise<Posted[]> {
  const { index } = ctx;
  const posted: Posted[] = [];
  const last = (label: string): Posted | undefined => posted.findLast((p) => p.label === label);
  const ref = (label: string): string => last(label)?.id ?? '(not in this run)';
  let resolvedText = '';
  const timeline = index.scenario.timeline;

  /** Waits until every other node holding the channel has the entry. */
  const replicated = async (entry: Posted): Promise<void> => {
    const channel = index.scenario.channels.find((c) => c.id === entry.channel)!;
    const others = ctx.parties.filter((p) => p !== entry.party && index.readersOf(channel, p).length > 0);
    await Promise.all(
      others.map((party) =>
        eventually(
          async () =>
            (
              await ctx.tryApi(
                party,
                index.readersOf(channel, party)[0]!,
                'GET',
                `/api/v1/channels/${entry.channel}/entries/${entry.party}/${entry.seq}`,
              )
            ).status === 200,
          `${entry.id} to reach ${party}`,
          20_000,
          10,
        ),
      ),
    );
  };

  const post = async (item: TimelineItem, by: string, note: Note): Promise<Posted> => {
    const party = index.partyOf(by);
    const entry = await ctx.api<{ id: string; party: string; seq: number; hash: string }>(
      party,
      by,
      'POST',
      `/api/v1/channels/${item.channel}/entries`,
      {
        kind: 'note',
        precedence: note.precedence ?? 'ROUTINE',
        lang: note.lang ?? 'en',
        body: { subject: note.subject, text: `${note.text}\n\n(Scenario time: ${item.at})` },
      },
    );
    const result: Posted = { label: note.label, channel: item.channel, ...entry };
    posted.push(result);
    await replicated(result);
    return result;
  };

  for (const [i, item] of timeline.entries()) {
    const step = `${String(i + 1).padStart(2)}/${timeline.length}`;
    const precedence = (str(item.precedence) || undefined) as Precedence | undefined;
    const lang = str(item.lang) || undefined;
    const text = str(item.text);
    let entry: Posted;
    switch (`${item.kind}/${item.action ?? ''}`) {
      case 'briefing/propose':
        entry = await post(item, item.by, {
          label: 'briefing',
          subject: `Briefing proposed: ${str(item.title)}`,
          text: `Agenda:\n${(item.agenda as string[] | undefined)?.map((a) => `- ${a}`).join('\n') ?? '-'}`,
        });
        break;
      case 'briefing/accept':
        entry = await post(item, item.by, {
          label: 'briefing-accept',
          subject: 'Briefing accepted',
          text: `Accepts the briefing proposed in ${ref('briefing')}.`,
        });
        break;
      case 'briefing/minutes':
        entry = await post(item, item.by, {
          label: 'minutes',
          subject: 'Briefing minutes: the call took place',
          text: `Minutes of the briefing ${ref('briefing')}: telephone conversation held, duration ${String(item.durationMinutes ?? '?')} minutes.`,
        });
        break;
      case 'readout/':
        entry = await post(item, item.by, {
          label: `readout-${index.partyOf(item.by)}`,
          subject: `Readout of the call (${index.partyOf(item.by)})`,
          text,
          lang,
        });
        break;
      case 'invitation/propose':
        entry = await post(item, item.by, {
          label: 'invitation',
          subject: `Invitation: ${str(item.what)}`,
          text: `Where: ${str(item.where)}\nPending an answer; please respond by ${str(item.respondBy)}.`,
        });
        break;
      case 'commitment/order': {
        const applies = (item.applies as string[] | undefined) ?? [];
        const commitments = index.scenario.channels
          .filter((c) => applies.includes(c.id))
          .flatMap((c) =>
            (c.commitments ?? []).map(
              (k) => `- ${c.id}: ${k.what} every ${k.every} (owners: ${k.owners.join(', ')})`,
            ),
          );
        entry = await post(item, item.by, {
          label: 'order',
          subject: 'Order: keep the momentum of high-level contact',
          text: `${text}\nCommitments that follow:\n${commitments.join('\n')}`,
        });
        break;
      }
      case 'notification/': {
        entry = await post(item, item.by, {
          label: 'flash',
          subject: `Notification (${str(item.template) || 'notice'})`,
          text,
          precedence,
          lang,
        });
        ctx.progress(
          `${step} ${item.channel}: notification by ${item.by} (${entry.id}, ${precedence ?? 'ROUTINE'})`,
        );
        const translation = item.translation as { by: string; lang: string; text: string } | undefined;
        if (translation) {
          const translated = await post(item, translation.by, {
            label: 'translation',
            subject: `Translation (${translation.lang}) of ${entry.id}`,
            text: translation.text,
            precedence,
            lang: translation.lang,
          });
          ctx.progress(`${step} ${item.channel}: translation by ${translation.by} (${translated.id})`);
        }
        continue;
      }
      case 'receipt/': {
        const flash = last('flash');
        if (!flash) continue;
        const party = index.partyOf(item.by);
        const receipt = await ctx.api<{ id: string; party: string; seq: number; hash: string }>(
          party,
          item.by,
          'POST',
          `/api/v1/channels/${flash.channel}/entries/${flash.party}/${flash.seq}/receipts`,
          {
            level: str(item.level) || 'understood',
            ...(item.readBack ? { readBack: str(item.readBack) } : {}),
            // The read-back is in the reader's own language.
            lang: 'en',
          },
        );
        entry = { label: 'receipt', channel: flash.channel, ...receipt };
        posted.push(entry);
        await replicated(entry);
        ctx.progress(
          `${step} ${item.channel}: ${str(item.level)} receipt with read-back by ${item.by} on ${flash.id} (${entry.id})`,
        );
        continue;
      }
      case 'clarification-request/':
        entry = await post(item, item.by, {
          label: 'clarification-request',
          subject: `Clarification request on ${ref('flash')}: “${str(item.passage)}”`,
          text: `Passage: “${str(item.passage)}”\nQuestion: ${str(item.question)}`,
        });
        break;
      case 'clarification/':
        entry = await post(item, item.by, {
          label: 'clarification',
          subject: `Clarification (answers ${ref('clarification-request')})`,
          text,
        });
        break;
      case 'statement/draft':
        entry = await post(item, item.by, {
          label: 'statement-draft',
          subject: 'Joint statement: draft with one disputed (bracketed) passage',
          text,
        });
        break;
      case 'statement/resolve':
        resolvedText = text;
        entry = await post(item, item.by, {
          label: 'statement-resolved',
          subject: `Joint statement: bracket of ${ref('statement-draft')} resolved`,
          text: `${text}\nText hash: sha256:${sha256(text)}`,
        });
        break;
      case 'statement/approve':
        entry = await post(item, item.by, {
          label: 'statement-approve',
          subject: `Joint statement approved by ${index.partyOf(item.by)}`,
          text: `Approves the text of ${ref('statement-resolved')}, sha256:${sha256(resolvedText)}.`,
        });
        break;
      case 'statement/release':
        entry = await post(item, item.by, {
          label: 'statement-release',
          subject: 'Joint statement released',
          text: `Released as approved by both parties on the same text, sha256:${sha256(resolvedText)}.`,
        });
        break;
      case 'public-statement/': {
        // The organisation observes read-only: a member party records its statement, attributed.
        const channel = index.scenario.channels.find((c) => c.id === item.channel)!;
        const recorder = index.scenario.principals.find(
          (p) => p.office === channel.offices[0] && p.role === 'duty-officer',
        )!.id;
        const who = index.scenario.principals.find((p) => p.id === item.by);
        const office = index.scenario.offices.find((o) => o.id === who?.office);
        entry = await post(item, recorder, {
          label: 'public-statement',
          subject: `Public statement of the ${who?.title ?? item.by} (${office?.party ?? ''}), recorded with attribution`,
          text: `Source: ${str(item.source)}; attributed to ${item.by} (${office?.name ?? ''}, ${office?.party ?? ''}).\n${text}`,
          lang,
        });
        break;
      }
      default:
        entry = await post(item, item.by, {
          label: item.kind,
          subject: [item.kind, item.action].filter(Boolean).join(' / '),
          text: text || JSON.stringify(item),
          precedence,
          lang,
        });
    }
    ctx.progress(
      `${step} ${item.channel}: ${[item.kind, item.action].filter(Boolean).join('/')} by ${item.by} (${entry.id}${precedence ? `, ${precedence}` : ''})`,
    );
  }
  return posted;
}
