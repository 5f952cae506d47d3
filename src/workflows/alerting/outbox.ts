/**
 * The alert outbox (issue 15, "Escalation that reaches people"): every escalation entry this node
 * signs — whatever caused it, an overdue answer or a lapsed commitment — is delivered by e-mail to
 * each person it names who has an address, and by a signed webhook to each office concerned that
 * has one. It keys on the entry, not on its cause, and keeps no state but the database's.
 *
 * Protocol. Each pass (a timer, or `tick()` in tests with virtual time):
 * 1. Plan: for each channel, read this node's chain from the channel's alert cursor; for each
 *    `escalation` entry, insert one delivery per (transport, target) and move the cursor, in one
 *    transaction. A delivery's id is derived from (entry, transport, target), so planning twice
 *    (two processes, a crash between) inserts nothing new. Entries older than STALE_AFTER_MS when
 *    first seen (a node that gained mail settings after months) are not delivered.
 * 2. Send: claim each due delivery (pending → sending, counting the attempt), send it, and record
 *    the outcome: sent; pending again after an exponential backoff with jitter; or failed for good
 *    after MAX_ATTEMPTS. Addresses and URLs are read at send time, so a fixed address applies to
 *    deliveries still waiting.
 * Appends never wait for any of this: the outbox reads what the appender committed.
 *
 * Several processes. The outbox runs in the one process holding the ALERT_LEASE; plans and claims
 * carry the lease's fence, so a process that lost its lease cannot claim anything. A clean stop
 * waits for the send in flight before the lease is given back: nothing is sent twice across a
 * restart. A process killed in the middle of a send leaves its delivery `sending`; once the claim
 * has run out (CLAIM_MS) it is sent again: at least once, never silently lost. Receivers drop the
 * copy by its delivery id (the Parley-Delivery header, the e-mail's Message-ID).
 *
 * Failure paths: a failing SMTP server or receiver fails that attempt only; a deleted address or
 * webhook fails the delivery (recorded); the database unreachable fails the pass, logged, and the
 * next pass carries on. Error texts are scrubbed of the SMTP password and webhook URLs.
 */
import { createHash } from 'node:crypto';
import { parseHlc } from '../../core/hlc.js';
import type { Channel } from '../../core/model.js';
import type { LeaseHolder } from '../../node/leases.js';
import {
  LeaseLostError,
  type AlertDelivery,
  type AlertTransport,
  type LeaseFence,
  type StoredEntry,
} from '../../storage/storage.js';
import type { NodeContext } from '../context.js';
import { toLogged } from '../entries/present.js';
import { Mailer, mailSecrets, postWebhook, scrub, type MailSettings } from './transports.js';

/** The lease of the outbox when several processes share the node. */
export const ALERT_LEASE = 'alert-delivery';
/** Escalations older than this when first planned are recorded as seen but not delivered. */
export const STALE_AFTER_MS = 24 * 3600_000;
/** Attempts before a delivery is given up. */
export const MAX_ATTEMPTS = 10;
/** First retry after this; doubling up to MAX_BACKOFF_MS. */
export const BASE_BACKOFF_MS = 30_000;
const MAX_BACKOFF_MS = 3600_000;
/** How long a claim lasts: longer than any attempt (transports time out in 10 s). */
const CLAIM_MS = 120_000;
/** Own entries read per channel per pass, and deliveries sent per pass. */
const READ_BATCH = 500;
const SEND_BATCH = 100;

export interface PassReport {
  planned: number;
  sent: number;
  retried: number;
  failed: number;
}

/** The delay before attempt `attempts + 1`, with up to 10% jitter so retries spread out. */
export function backoffMs(attempts: number, random = Math.random): number {
  const base = Math.min(BASE_BACKOFF_MS * 2 ** Math.max(0, attempts - 1), MAX_BACKOFF_MS);
  return Math.round(base * (1 + random() / 10));
}

export function deliveryId(
  channel: string,
  party: string,
  seq: number,
  transport: string,
  target: string,
): string {
  return createHash('sha256')
    .update(`${channel}/${party}/${seq}|${transport}|${target}`)
    .digest('hex')
    .slice(0, 32);
}

interface EscalationFacts {
  notify: string[];
  step: string;
  obligation: string;
  due: string;
  summary: string;
}

export class AlertOutbox {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<PassReport> | null = null;
  private release: (() => Promise<void>) | null = null;
  private readonly mailer: Mailer;
  private readonly secrets: string[];
  log: (level: 'info' | 'warn', message: string, detail: Record<string, unknown>) => void = () => {};

  constructor(
    private readonly node: NodeContext,
    mail: MailSettings,
    private readonly intervalMs: number,
    /** Runs the outbox only while this process holds ALERT_LEASE. */
    private readonly leases: LeaseHolder | null = null,
  ) {
    this.mailer = new Mailer(mail);
    this.secrets = mailSecrets(mail);
  }

  start(): void {
    if (this.leases) {
      this.release ??= this.leases.hold(ALERT_LEASE, {
        start: () => this.startTimer(),
        stop: () => this.stopTimer(),
      });
      return;
    }
    this.startTimer();
  }

  /** Stops the timer and waits for the pass in flight (its sends finish and are recorded). */
  async stop(): Promise<void> {
    const release = this.release;
    this.release = null;
    await release?.();
    await this.stopTimer();
    this.mailer.close();
  }

  private startTimer(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.tick(), this.intervalMs);
    this.timer.unref();
  }

  private async stopTimer(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running?.catch(() => {});
  }

  /** One pass; concurrent calls share the pass in progress. `now` is a parameter for virtual time. */
  tick(now = this.node.now()): Promise<PassReport> {
    this.running ??= this.pass(now)
      .catch((error: unknown) => {
        if (!(error instanceof LeaseLostError))
          this.log('warn', 'alert outbox pass failed', { error: scrub(String(error), this.secrets) });
        return { planned: 0, sent: 0, retried: 0, failed: 0 };
      })
      .finally(() => (this.running = null));
    return this.running;
  }

  private async pass(now: number): Promise<PassReport> {
    const report: PassReport = { planned: 0, sent: 0, retried: 0, failed: 0 };
    const fence = this.leases?.fence(ALERT_LEASE) ?? undefined;
    // Another process holds the lease: delivering is its work.
    if (this.leases && !fence) return report;
    await this.node.storage.reclaimStaleDeliveries(now, fence);
    for (const channel of await this.node.storage.listChannels()) {
      if (!channel.parties[this.node.party]) continue;
      report.planned += await this.plan(channel, now, fence);
    }
    for (const delivery of await this.node.storage.listDueDeliveries(now, SEND_BATCH)) {
      if (this.leases && !this.leases.fence(ALERT_LEASE)) break;
      await this.attempt(delivery, now, fence, report);
    }
    return report;
  }

  /** Plans the deliveries of this node's escalation entries past the channel's cursor. */
  private async plan(channel: Channel, now: number, fence: LeaseFence | undefined): Promise<number> {
    const storage = this.node.storage;
    const head = await storage.getChainHead(channel.id, this.node.party);
    let cursor = await storage.alertCursor(channel.id);
    let planned = 0;
    while (head && cursor < head.size) {
      const entries = await storage.readChain(channel.id, this.node.party, cursor, READ_BATCH);
      if (entries.length === 0) break;
      const deliveries: AlertDelivery[] = [];
      for (const entry of entries) {
        if (entry.kind === 'escalation') deliveries.push(...(await this.deliveriesOf(channel, entry, now)));
      }
      cursor = entries.at(-1)!.seq + 1;
      await storage.planDeliveries(channel.id, cursor, deliveries, fence);
      planned += deliveries.length;
    }
    return planned;
  }

  private async deliveriesOf(channel: Channel, entry: StoredEntry, now: number): Promise<AlertDelivery[]> {
    const facts = this.factsOf(entry);
    const wall = parseHlc(entry.hlc)?.wall ?? now;
    if (!facts || wall < now - STALE_AFTER_MS) return [];
    const storage = this.node.storage;
    const targets: Array<[AlertTransport, string]> = [];
    if (this.mailer.enabled) {
      for (const id of facts.notify) {
        if ((await storage.getAlertPerson(id))?.email) targets.push(['email', id]);
      }
    }
    const offices = new Set(channel.parties[this.node.party] ?? []);
    for (const id of facts.notify) {
      const office = (await storage.getPrincipal(id))?.office;
      if (office) offices.add(office);
    }
    for (const office of [...offices].sort()) {
      if ((await storage.getAlertOffice(office))?.webhookUrl) targets.push(['webhook', office]);
    }
    return targets.map(([transport, target]) => ({
      id: deliveryId(entry.channel, entry.party, entry.seq, transport, target),
      channel: entry.channel,
      party: entry.party,
      seq: entry.seq,
      transport,
      target,
      state: 'pending',
      attempts: 0,
      nextAttemptAt: now,
      claimedUntil: null,
      lastError: null,
      createdAt: now,
      sentAt: null,
      updatedAt: now,
    }));
  }

  /** What any escalation entry says, read generically (commitment lapses add their own fields). */
  private factsOf(entry: StoredEntry): EscalationFacts | null {
    const logged = toLogged(entry);
    const body = logged.body;
    const notify = Array.isArray(body.notify)
      ? body.notify.filter((n): n is string => typeof n === 'string')
      : [];
    let summary: string;
    try {
      summary = this.node.kinds.get(entry.kind)?.summary(body) ?? entry.kind;
    } catch {
      summary = entry.kind;
    }
    const text = (value: unknown) => (typeof value === 'string' ? value : '');
    return { notify, step: text(body.step), obligation: text(body.obligation), due: text(body.due), summary };
  }

  private async attempt(
    delivery: AlertDelivery,
    now: number,
    fence: LeaseFence | undefined,
    report: PassReport,
  ): Promise<void> {
    const storage = this.node.storage;
    if (!(await storage.claimDelivery(delivery.id, now, now + CLAIM_MS, fence))) return;
    const attempts = delivery.attempts + 1;
    try {
      await this.send(delivery, now);
    } catch (error) {
      const message = scrub(error instanceof Error ? error.message : String(error), [
        ...this.secrets,
        ...(await this.webhookUrls()),
      ]);
      const at = this.node.now();
      if (attempts >= MAX_ATTEMPTS || error instanceof Undeliverable) {
        await storage.finishDelivery(delivery.id, { state: 'failed', at, error: message });
        report.failed++;
        this.log('warn', 'alert delivery given up', {
          delivery: delivery.id,
          transport: delivery.transport,
          target: delivery.target,
          attempts,
          error: message,
        });
      } else {
        const retryAt = at + backoffMs(attempts);
        await storage.finishDelivery(delivery.id, { state: 'pending', at, retryAt, error: message });
        report.retried++;
        this.log('warn', 'alert delivery failed; will retry', {
          delivery: delivery.id,
          transport: delivery.transport,
          target: delivery.target,
          attempts,
          retryAt: new Date(retryAt).toISOString(),
          error: message,
        });
      }
      return;
    }
    await storage.finishDelivery(delivery.id, { state: 'sent', at: this.node.now() });
    report.sent++;
    this.log('info', 'alert delivered', {
      delivery: delivery.id,
      transport: delivery.transport,
      target: delivery.target,
      attempts,
    });
  }

  private async webhookUrls(): Promise<string[]> {
    return (await this.node.storage.listAlertOffices()).flatMap((o) => (o.webhookUrl ? [o.webhookUrl] : []));
  }

  private async send(delivery: AlertDelivery, now: number): Promise<void> {
    const storage = this.node.storage;
    const entry = await storage.getEntry(delivery.channel, delivery.party, delivery.seq);
    if (!entry) throw new Undeliverable('the escalation entry is no longer stored');
    const facts = this.factsOf(entry)!;
    const logged = toLogged(entry);
    const entryId = `${delivery.channel}/${delivery.party}/${delivery.seq}`;
    const about =
      typeof logged.body.of === 'object' && logged.body.of !== null && !Array.isArray(logged.body.of)
        ? logged.body.of
        : null;
    const label = [logged.marking, logged.precedence].filter(Boolean).join(' ');
    if (delivery.transport === 'email') {
      const email = (await storage.getAlertPerson(delivery.target))?.email;
      if (!email) throw new Undeliverable(`${delivery.target} has no e-mail address any more`);
      await this.mailer.send({
        to: email,
        subject: `[${label}] Parley ${this.node.party}: ${facts.summary}`.slice(0, 200),
        messageId: `<${delivery.id}@parley.${this.node.party.toLowerCase()}>`,
        text: [
          `Parley (${this.node.party}) escalation${facts.step ? `, step ${facts.step}` : ''}`,
          '',
          `Channel:   ${delivery.channel}`,
          `What:      ${facts.summary}`,
          ...(facts.due ? [`Due:       ${facts.due}`] : []),
          `Told:      ${facts.notify.join(', ') || '(nobody named)'}`,
          `Recorded:  ${entryId} (${label}), signed by this node (${this.node.fingerprint})`,
          '',
          'Open the channel in Parley to answer. This message is sent once per person and step.',
        ].join('\n'),
      });
      return;
    }
    const url = (await storage.getAlertOffice(delivery.target))?.webhookUrl;
    if (!url) throw new Undeliverable(`office ${delivery.target} has no webhook any more`);
    const body = JSON.stringify({
      type: 'parley.escalation',
      delivery: delivery.id,
      party: this.node.party,
      node: this.node.fingerprint,
      office: delivery.target,
      channel: delivery.channel,
      entry: { id: entryId, party: logged.party, seq: logged.seq, hash: logged.hash, hlc: logged.hlc },
      precedence: logged.precedence,
      ...(logged.marking ? { marking: logged.marking } : {}),
      about,
      step: facts.step,
      obligation: facts.obligation,
      due: facts.due,
      notify: facts.notify,
      summary: facts.summary,
      escalation: logged.body,
    });
    await postWebhook(url, body, delivery.id, Math.floor(now / 1000), this.node);
  }
}

/** A delivery that no retry can help: recorded as failed at once. */
class Undeliverable extends Error {
  override readonly name = 'Undeliverable';
}
