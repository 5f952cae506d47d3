/**
 * Offices belong to parties (core/policy.ts). A received entry counts only if its author's
 * office, as the sender's party published it with the author's key (`principal-key`), is a
 * member office of the sender's party in the charter in force; and a key publication must name
 * a member or observer office of the publishing party. Otherwise a node could create a local
 * office named like another party's office (`us-cia` on RU's node) and write as that office.
 *
 * The charter in force is the channel's record, which the node keeps in line with the folded
 * charter (channels' refreshChannelState over core/charter-changes.ts): a party's offices are
 * fixed when it joins, and a party added by an amendment is in the record before its chain is
 * accepted (the receiver refuses the chain of a party that is not).
 */
import { parseCanonical } from '../core/canonical-json.js';
import { NODE_AUTHOR, entryId, type EntryContent } from '../core/entry.js';
import { ParleyError } from '../core/errors.js';
import { authorOfficeProblem, publicationOfficeProblem } from '../core/policy.js';
import type { Channel, StoredEntry } from '../storage/storage.js';
import type { ReceiverContext } from './context.js';

/** Key publications read at once; a chain publishes one per person. */
const PUBLICATIONS_LIMIT = 100_000;

interface Publication {
  principal?: unknown;
  publicKey?: unknown;
  office?: unknown;
}

/** The offices the sender's chain published with each of its people's keys, checked entry by entry. */
export class OfficeCheck {
  /** `<principal>\0<key>` → office, for the sender's chain; loaded on first use. */
  private offices: Map<string, string | null> | null = null;

  constructor(
    private readonly context: Pick<ReceiverContext, 'chains'>,
    private readonly channel: Channel,
    private readonly party: string,
  ) {}

  /**
   * Refuses `record` (already verified by the chain verifier, so canonical and of a known
   * kind) when its office rules fail; otherwise remembers what it publishes.
   */
  async check(record: StoredEntry): Promise<void> {
    const content = parseCanonical(record.canonical) as unknown as EntryContent;
    const id = entryId(record.channel, record.party, record.seq);
    if (content.kind === 'principal-key') {
      const body = content.body as Publication;
      const office = typeof body.office === 'string' ? body.office : null;
      const problem = publicationOfficeProblem(this.channel, this.party, office);
      if (problem) throw new ParleyError('entry_invalid', `${id}: office_not_in_charter: ${problem}`);
      (await this.load()).set(`${String(body.principal)}\u0000${String(body.publicKey)}`, office);
      return;
    }
    if (content.author === NODE_AUTHOR) return;
    const office = (await this.load()).get(`${content.author}\u0000${content.authorKey}`) ?? null;
    const problem = authorOfficeProblem(this.channel, this.party, office);
    if (problem) throw new ParleyError('entry_invalid', `${id}: office_not_in_charter: ${problem}`);
  }

  private async load(): Promise<Map<string, string | null>> {
    if (this.offices) return this.offices;
    const offices = new Map<string, string | null>();
    const publications = await this.context.chains.listByKind(
      this.channel.id,
      'principal-key',
      PUBLICATIONS_LIMIT,
    );
    for (const entry of publications) {
      if (entry.party !== this.party) continue;
      const body = (parseCanonical(entry.canonical) as unknown as EntryContent).body as Publication;
      offices.set(
        `${String(body.principal)}\u0000${String(body.publicKey)}`,
        typeof body.office === 'string' ? body.office : null,
      );
    }
    this.offices = offices;
    return offices;
  }
}
