/**
 * Wake-ups for the live consumers of one node process (SSE streams, replication, caches), fed
 * only by storage's commit hints (storage/contract/changes.ts): on SQLite after this process's
 * commits, on PostgreSQL after any process's commits on the node's schema (LISTEN/NOTIFY). A
 * wake-up carries no data; consumers read committed entries by cursor from storage, so a client
 * of any process sees every entry of every process, in the same order, with the same cursors.
 */
import { EventEmitter } from 'node:events';
import type { ChangeFeed, CommitHint } from '../storage/storage.js';

const ANY = 'any';

export class LiveUpdates {
  private readonly emitter = new EventEmitter();
  private unsubscribe: (() => void) | null = null;

  constructor(private readonly feed: Pick<ChangeFeed, 'onCommitted'>) {
    this.emitter.setMaxListeners(0);
  }

  /** Calls `listener` when the entries or the record of `channel` may have changed. */
  onChannel(channel: string, listener: () => void): () => void {
    return this.listen(`channel:${channel}`, listener);
  }

  /** Calls `listener` after every commit of this node's storage (by any of its processes). */
  onAnyCommit(listener: (hint: CommitHint) => void): () => void {
    return this.listen(ANY, listener);
  }

  /** Stops listening to storage (the node is closing). */
  close(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.emitter.removeAllListeners();
  }

  // Storage is subscribed to on the first listener only: short-lived CLI commands that open the
  // node never open PostgreSQL's notification connection.
  private listen(event: string, listener: (hint: CommitHint) => void): () => void {
    this.unsubscribe ??= this.feed.onCommitted((hint) => this.dispatch(hint));
    this.emitter.on(event, listener);
    return () => void this.emitter.off(event, listener);
  }

  private dispatch(hint: CommitHint): void {
    if (hint.channels === null) {
      // Nothing specific (a reconnect, or a commit too large to name): every channel may have changed.
      for (const event of this.emitter.eventNames()) if (event !== ANY) this.emitter.emit(event, hint);
    } else {
      for (const channel of hint.channels) this.emitter.emit(`channel:${channel}`, hint);
    }
    this.emitter.emit(ANY, hint);
  }
}
