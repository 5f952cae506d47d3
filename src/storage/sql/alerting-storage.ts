/**
 * Alerting in shared SQL (contract/alerting.ts): who is told how, the watch shifts, and the
 * deliveries planned from escalation entries, claimed, retried and counted. Planning a batch and
 * moving the alert cursor is one transaction, so a delivery is planned once.
 */
import type {
  AlertDelivery,
  AlertOffice,
  AlertPerson,
  DeliveryCount,
  DeliveryOutcome,
  WatchShift,
} from '../contract/alerting.js';
import type { LeaseFence } from '../storage.js';
import {
  AQ,
  deliveryValues,
  shiftValues,
  toAlertDelivery,
  toAlertOffice,
  toAlertPerson,
  toWatchShift,
  type AlertDeliveryRow,
  type AlertOfficeRow,
  type AlertPersonRow,
  type WatchShiftRow,
} from './alerting-statements.js';
import { SqlSecurityTrailStorage } from './security-trail-storage.js';

/** Alert addresses, watch shifts and deliveries. */
export abstract class SqlAlertingStorage extends SqlSecurityTrailStorage {
  async putAlertPerson(p: AlertPerson): Promise<void> {
    await this.run(AQ.putPerson, [p.principal, p.email, JSON.stringify(p.alternates), p.updatedAt]);
  }

  async getAlertPerson(principal: string): Promise<AlertPerson | null> {
    const row = await this.one<AlertPersonRow>(AQ.getPerson, [principal]);
    return row ? toAlertPerson(row) : null;
  }

  async listAlertPeople(): Promise<AlertPerson[]> {
    return (await this.rows<AlertPersonRow>(AQ.listPeople)).map(toAlertPerson);
  }

  async putAlertOffice(o: AlertOffice): Promise<void> {
    await this.run(AQ.putOffice, [o.office, o.webhookUrl, o.updatedAt]);
  }

  async getAlertOffice(office: string): Promise<AlertOffice | null> {
    const row = await this.one<AlertOfficeRow>(AQ.getOffice, [office]);
    return row ? toAlertOffice(row) : null;
  }

  async listAlertOffices(): Promise<AlertOffice[]> {
    return (await this.rows<AlertOfficeRow>(AQ.listOffices)).map(toAlertOffice);
  }

  async addWatchShift(shift: WatchShift): Promise<void> {
    await this.insertUnique('watch shift', shift.id, AQ.addShift, shiftValues(shift));
  }

  async listWatchShifts(office: string | null): Promise<WatchShift[]> {
    return (await this.rowsOf<WatchShiftRow>(office, AQ.listShifts, AQ.listShiftsOf)).map(toWatchShift);
  }

  async deleteWatchShift(office: string, id: string): Promise<boolean> {
    return (await this.run(AQ.deleteShift, [office, id])) > 0;
  }

  async alertCursor(channel: string): Promise<number> {
    const row = await this.one<{ next_seq: number }>(AQ.getCursor, [channel]);
    return row ? Number(row.next_seq) : 0;
  }

  async planDeliveries(
    channel: string,
    nextSeq: number,
    deliveries: AlertDelivery[],
    fence?: LeaseFence,
  ): Promise<void> {
    await this.runAll(
      [
        ...deliveries.map((d) => [AQ.insertDelivery, deliveryValues(d)] as const),
        [AQ.moveCursor, [channel, nextSeq]] as const,
      ],
      fence,
    );
  }

  async listDueDeliveries(now: number, limit: number): Promise<AlertDelivery[]> {
    return (await this.rows<AlertDeliveryRow>(AQ.listDue, [now, limit])).map(toAlertDelivery);
  }

  async claimDelivery(id: string, now: number, until: number, fence?: LeaseFence): Promise<boolean> {
    return (await this.write(AQ.claim, [until, now, id, now], fence)) > 0;
  }

  async finishDelivery(id: string, outcome: DeliveryOutcome): Promise<void> {
    if (outcome.state === 'sent') await this.run(AQ.sent, [outcome.at, outcome.at, id]);
    else if (outcome.state === 'pending')
      await this.run(AQ.retry, [outcome.retryAt, outcome.error, outcome.at, id]);
    else await this.run(AQ.failed, [outcome.error, outcome.at, id]);
  }

  async reclaimStaleDeliveries(now: number, fence?: LeaseFence): Promise<number> {
    return this.write(AQ.reclaim, [now, now], fence);
  }

  async listDeliveries(
    limit: number,
    entry?: { channel: string; party: string; seq: number },
  ): Promise<AlertDelivery[]> {
    const rows = entry
      ? await this.rows<AlertDeliveryRow>(AQ.listDeliveriesOf, [entry.channel, entry.party, entry.seq, limit])
      : await this.rows<AlertDeliveryRow>(AQ.listDeliveries, [limit]);
    return rows.map(toAlertDelivery);
  }

  async countDeliveries(): Promise<DeliveryCount[]> {
    const rows = await this.rows<{
      transport: DeliveryCount['transport'];
      state: DeliveryCount['state'];
      n: number;
    }>(AQ.countDeliveries);
    return rows.map((r) => ({ transport: r.transport, state: r.state, count: Number(r.n) }));
  }
}
