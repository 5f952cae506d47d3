/**
 * Plays the scenario's timeline against the running demo nodes: every step is written by its
 * author through the API of the author's own party's node. The FLASH notification is a real
 * `notification` filled in against a published template, with the translator's `translation`;
 * the `understood` receipt carries a read-back of the text and of the structured fields, which
 * the sender confirms; the clarification request points at an exact passage of the original;
 * the joint statement is drafted with a bracket, resolved by both, approved on the same text
 * hash and released; the call is a `briefing` accepted and held with minutes, with both
 * parties' `readout`s; the invitation awaits an answer by its date; the order is a
 * `contact-order` in each channel it applies to, with the `commitment`s arising from it, each
 * accepted by the other party's owner. The observer's public remarks are a `public-statement`,
 * recorded with attribution by a member party. After each step the demo
 * waits until every other node that holds the channel has the entry, so the next step (often by
 * the other party) follows it everywhere.
 */
import { createHash } from 'node:crypto';
import type { Precedence } from '../../core/entry.js';
import type { ArgList, Response } from '../api-client.js';
import type { CliOperation } from '../api-operations.js';
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
  /** Calls the API of `party`'s node as `user`; throws unless it answers 2xx. */
  api<K extends CliOperation>(party: string, user: string, op: K, ...args: ArgList<K>): Promise<Response<K>>;
  /** Calls the API of `party`'s node as `user`, whatever the status. */
  tryApi<K extends CliOperation>(
    party: string,
    user: string,
    op: K,
    ...args: ArgList<K>
  ): Promise<{ status: number }>;
  progress(message: string): void;
}

interface Note {
  label: string;
  subject: string;
  text: string;
  precedence?: Precedence;
  lang?: string;
}

const refOf = (entry: Posted) => ({ party: entry.party, seq: entry.seq, hash: entry.hash });

/** The template of the scenario's notifications (exercise, launch or incident notices). */
const INCIDENT_TEMPLATE = (name: string) => ({
  name,
  version: 1,
  title: 'Incident or exercise notice',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['kind', 'area', 'from', 'to'],
    properties: {
      kind: { type: 'string', enum: ['exercise', 'launch', 'incident'] },
      area: { type: 'string', minLength: 1, maxLength: 500 },
      boundary: { type: 'string', maxLength: 2000 },
      from: { type: 'string', format: 'date' },
      to: { type: 'string', format: 'date' },
      directedAt: { type: 'string', maxLength: 200 },
    },
  },
});

const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

function str(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

export async function playTimeline(ctx: TimelineContext): Promise<Posted[]> {
  const { index } = ctx;
  const posted: Posted[] = [];
  const last = (label: string): Posted | undefined => posted.findLast((p) => p.label === label);
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
                'GET /api/v1/channels/{channel}/entries/{party}/{seq}',
                { path: { channel: entry.channel, party: entry.party, seq: entry.seq } },
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
    const entry = await ctx.api(party, by, 'POST /api/v1/channels/{channel}/entries', {
      path: { channel: item.channel },
      body: {
        kind: 'note',
        precedence: note.precedence ?? 'ROUTINE',
        lang: note.lang ?? 'en',
        body: { subject: note.subject, text: `${note.text}\n\n(Scenario time: ${item.at})` },
      },
    });
    const result: Posted = { ...entry, label: note.label, channel: item.channel };
    posted.push(result);
    await replicated(result);
    return result;
  };

  const track = async (label: string, channel: string, entry: Omit<Posted, 'label' | 'channel'>) => {
    const result: Posted = { ...entry, label, channel };
    posted.push(result);
    await replicated(result);
    return result;
  };

  /** Appends an entry of any kind as `by`, through the API of `by`'s node. */
  const postKind = async (
    item: TimelineItem,
    by: string,
    kind: string,
    body: Record<string, unknown>,
    label: string = kind,
    envelope: { precedence?: Precedence; lang?: string } = {},
  ): Promise<Posted> => {
    const entry = await ctx.api(index.partyOf(by), by, 'POST /api/v1/channels/{channel}/entries', {
      path: { channel: item.channel },
      body: {
        kind,
        precedence: envelope.precedence ?? 'ROUTINE',
        ...(envelope.lang ? { lang: envelope.lang } : {}),
        body,
      },
    });
    return track(label, item.channel, entry);
  };

  let flashText = '';
  let flashBy = '';
  /**
   * The FLASH notification: its template published first, the notification filled in against
   * it (structured fields plus the text as written), and the translator's signed translation.
   */
  const notify = async (
    item: TimelineItem,
    step: string,
    precedence: Precedence | undefined,
    lang: string | undefined,
    text: string,
  ): Promise<Posted> => {
    const name = str(item.template) || 'incident-notice';
    await postKind(item, item.by, 'template', INCIDENT_TEMPLATE(name), 'template');
    const entry = await postKind(
      item,
      item.by,
      'notification',
      {
        template: { name, version: 1 },
        fields: {
          kind: 'exercise',
          area: 'The specified exercise area',
          boundary: '54.4N 19.6E – 55.3N 19.6E – 55.3N 22.8E – 54.4N 22.8E',
          from: '2026-02-21',
          to: '2026-02-23',
          directedAt: 'none',
        },
        text,
      },
      'flash',
      { ...(precedence ? { precedence } : {}), ...(lang ? { lang } : {}) },
    );
    flashText = text;
    flashBy = item.by;
    ctx.progress(
      `${step} ${item.channel}: notification by ${item.by} (${entry.id}, ${precedence ?? 'ROUTINE'})`,
    );
    const translation = item.translation as { by: string; lang: string; text: string } | undefined;
    if (translation) {
      const translated = await postKind(
        item,
        translation.by,
        'translation',
        { of: refOf(entry), text: translation.text, translator: { type: 'person' } },
        'translation',
        { ...(precedence ? { precedence } : {}), lang: translation.lang },
      );
      ctx.progress(`${step} ${item.channel}: translation by ${translation.by} (${translated.id})`);
    }
    return entry;
  };

  // The scenario gives month-day times; the demo plays them at those dates (the call on 12
  // February) of the latest year in which they have all passed, since minutes and orders are
  // recorded once they happened, never ahead. Only an answer date must lie ahead (below).
  const onDate = (year: number, at: string): number => Date.parse(`${year}-${at.replace(/Z$/, ':00Z')}`);
  const thisYear = new Date().getUTCFullYear();
  const year = onDate(thisYear, timeline.at(-1)!.at) <= Date.now() ? thisYear : thisYear - 1;
  const when = (at: string): string => new Date(onDate(year, at)).toISOString().replace(/:00\.000Z$/, 'Z');

  for (const [i, item] of timeline.entries()) {
    const step = `${String(i + 1).padStart(2)}/${timeline.length}`;
    const precedence = (str(item.precedence) || undefined) as Precedence | undefined;
    const lang = str(item.lang) || undefined;
    const text = str(item.text);
    let entry: Posted;
    switch (`${item.kind}/${item.action ?? ''}`) {
      case 'briefing/propose':
        entry = await postKind(
          item,
          item.by,
          'briefing-proposal',
          {
            type: 'call',
            title: str(item.title),
            agenda: (item.agenda as string[] | undefined) ?? [],
            start: when(item.at),
            durationMinutes: 30,
            participants: index.scenario.channels.find((c) => c.id === item.channel)!.offices,
          },
          'briefing',
        );
        break;
      case 'briefing/accept':
        entry = await postKind(item, item.by, 'briefing-answer', {
          of: refOf(last('briefing')!),
          answer: 'accept',
        });
        break;
      case 'briefing/minutes': {
        const proposed = last('briefing')!;
        entry = await postKind(item, item.by, 'briefing-record', {
          of: refOf(proposed),
          heldAt: when(timeline.find((t) => t.kind === 'briefing' && t.action === 'propose')!.at),
          durationMinutes: Number(item.durationMinutes ?? 30),
          minutes: 'Telephone conversation held.',
          attended: index.scenario.channels.find((c) => c.id === item.channel)!.offices,
          noShows: [],
        });
        break;
      }
      case 'readout/':
        entry = await postKind(
          item,
          item.by,
          'readout',
          { of: refOf(last('briefing')!), text },
          `readout-${index.partyOf(item.by)}`,
          lang ? { lang } : {},
        );
        break;
      case 'invitation/propose':
        {
          // The answer date must be in the future when the invitation is signed: the scenario's
          // date, or two weeks from now if that has passed; the visit window two weeks later.
          const day = 86_400_000;
          const asked = Date.parse(when(`${str(item.respondBy)}T00:00Z`));
          const respondBy = Math.max(asked, Date.now() + 14 * day);
          const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);
          entry = await postKind(item, item.by, 'invitation-proposal', {
            type: 'visit',
            what: str(item.what),
            where: str(item.where),
            window: { from: iso(respondBy + 14 * day), to: iso(respondBy + 17 * day) },
            respondBy: iso(respondBy),
          });
        }
        break;
      case 'commitment/order': {
        // The order is recorded as a `contact-order` in each channel it applies to, by that
        // channel's head on the ordering side; the commitments arising from it follow, and each
        // binds the other party once its owner there accepts.
        const orderedBy = index.scenario.principals.find((p) => p.id === item.by);
        let order: Posted | undefined;
        for (const channel of index.scenario.channels.filter((c) =>
          ((item.applies as string[] | undefined) ?? []).includes(c.id),
        )) {
          const at = { ...item, channel: channel.id };
          const ownHead = (channel.commitments ?? [])
            .flatMap((k) => k.owners)
            .find((o) => index.partyOf(o) === index.partyOf(item.by));
          if (!ownHead) continue;
          const first = channel.commitments![0]!;
          order = await postKind(at, ownHead, 'contact-order', {
            order: 'keep-momentum',
            orderedBy: `${orderedBy?.title ?? item.by} (${index.partyOf(item.by)})`,
            offices: Object.fromEntries(
              ctx.parties
                .map(
                  (party) =>
                    [party, channel.offices.filter((o) => index.partyOfOffice(o) === party)] as const,
                )
                .filter(([, offices]) => offices.length > 0),
            ),
            why: text,
            what: first.what === 'briefing' ? 'briefing' : 'contact',
            every: first.every,
            given: when(item.at),
          });
          ctx.progress(`${step} ${channel.id}: order to keep contact (${order.id})`);
          for (const [n, k] of (channel.commitments ?? []).entries()) {
            const recorded = await postKind(at, ownHead, 'commitment', {
              commitment: `${k.what}-${n + 1}`,
              what: k.what === 'briefing' ? 'briefing' : 'contact',
              every: k.every,
              owners: k.owners,
              order: refOf(order),
              source: `Order of ${item.by} (${order.id})`,
              from: when(item.at),
            });
            ctx.progress(`${step} ${channel.id}: commitment ${k.what} every ${k.every} (${recorded.id})`);
            for (const owner of k.owners.filter((o) => index.partyOf(o) !== index.partyOf(ownHead))) {
              const accepted = await postKind(at, owner, 'commitment-accept', { of: refOf(recorded) });
              ctx.progress(`${step} ${channel.id}: commitment accepted by ${owner} (${accepted.id})`);
            }
          }
        }
        if (!order) continue;
        entry = order;
        break;
      }
      case 'notification/': {
        entry = await notify(item, step, precedence, lang, text);
        continue;
      }
      case 'receipt/': {
        const flash = last('flash');
        if (!flash) continue;
        const party = index.partyOf(item.by);
        const receipt = await ctx.api(
          party,
          item.by,
          'POST /api/v1/channels/{channel}/entries/{party}/{seq}/receipts',
          {
            path: { channel: flash.channel, party: flash.party, seq: flash.seq },
            body: {
              level: (str(item.level) || 'understood') as 'read' | 'understood',
              ...(item.readBack ? { readBack: str(item.readBack) } : {}),
              // The structured fields read back one by one, compared automatically.
              readBackFields: { kind: 'exercise', from: '2026-02-21', to: '2026-02-23' },
              // The read-back is in the reader's own language.
              lang: 'en',
            },
          },
        );
        entry = await track('receipt', flash.channel, receipt);
        ctx.progress(
          `${step} ${item.channel}: ${str(item.level)} receipt with read-back by ${item.by} on ${flash.id} (${entry.id})`,
        );
        // The sender checks the read-back against what was meant, and confirms it.
        const review = await postKind(item, flashBy, 'readback-review', {
          of: refOf(entry),
          outcome: 'confirmed',
        });
        ctx.progress(`${step} ${item.channel}: read-back confirmed by the sender (${review.id})`);
        continue;
      }
      case 'clarification-request/': {
        const flash = last('flash')!;
        const original = flashText;
        // The scenario quotes the passage as the reader saw it in the English translation; the
        // request points at the same passage in the authoritative original.
        const quote = original.includes(str(item.passage)) ? str(item.passage) : 'в указанном районе';
        const start = original.indexOf(quote);
        entry = await postKind(item, item.by, 'clarification-request', {
          of: refOf(flash),
          passage: { start, end: start + quote.length, quote },
          question: str(item.question),
        });
        break;
      }
      case 'clarification/':
        entry = await postKind(item, item.by, 'clarification', {
          of: refOf(last('clarification-request')!),
          text,
        });
        break;
      case 'statement/draft':
        entry = await postKind(item, item.by, 'statement-draft', {
          statement: 'joint-statement',
          title: 'Joint statement on a negotiated settlement',
          text,
        });
        break;
      case 'statement/resolve': {
        // The other party proposes the bracket's wording; the drafting party agrees to it. The
        // wording is what the resolved text has in the bracket's place.
        const draft = last('statement-draft')!;
        const drafted = str(timeline.find((t) => t.kind === 'statement' && t.action === 'draft')?.text);
        const open = drafted.indexOf('[');
        const close = drafted.indexOf(']', open);
        const after = drafted.length - close - 1;
        const wording = text.slice(open, text.length - after);
        entry = await postKind(item, item.by, 'statement-resolution', {
          of: refOf(draft),
          bracket: 0,
          text: wording,
        });
        const drafterId = timeline.find((t) => t.kind === 'statement' && t.action === 'draft')!.by;
        const agreed = await postKind(item, drafterId, 'statement-resolution-agree', {
          of: refOf(draft),
          resolution: refOf(entry),
        });
        ctx.progress(`${step} ${item.channel}: resolution agreed by ${drafterId} (${agreed.id})`);
        resolvedText = text;
        break;
      }
      case 'statement/approve':
        entry = await postKind(item, item.by, 'statement-approve', {
          of: refOf(last('statement-draft')!),
          textHash: sha256(resolvedText),
        });
        break;
      case 'statement/release':
        entry = await postKind(item, item.by, 'statement-release', {
          of: refOf(last('statement-draft')!),
          textHash: sha256(resolvedText),
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
        entry = await postKind(
          item,
          recorder,
          'public-statement',
          {
            speaker: who?.title ?? item.by,
            office: office?.name ?? item.by,
            party: office?.party ?? 'unknown',
            venue: str(item.source) || 'Public remarks',
            publishedAt: when(item.at),
            language: lang ?? 'en',
            text,
          },
          'public-statement',
        );
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
