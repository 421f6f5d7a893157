import type { Change } from '@muster/protocol';

/** What the tracker needs from the store: cursors, and applying records that are next in line. */
export interface CursorStore {
  cursor(scope: string): number | undefined;
  applyInOrder(changes: readonly Change[]): void;
}

/** Records held per scope while waiting for a missing one; beyond this the highest are dropped. */
export const MAX_BUFFERED_PER_SCOPE = 1000;

/**
 * The delivery rule on the client: a record is applied only when its seq is the scope's cursor + 1,
 * which makes application exactly-once whether a record arrives by socket, by sync, or both. Records
 * ahead of the cursor wait in a bounded buffer and report a gap (the caller then syncs); records at
 * or below the cursor are duplicates and are ignored.
 */
export class ScopeTracker {
  private readonly buffers = new Map<string, Map<number, Change>>();
  private readonly store: CursorStore;
  private readonly isFollowed: (scope: string) => boolean;
  private readonly maxBuffered: number;

  constructor(
    store: CursorStore,
    isFollowed: (scope: string) => boolean,
    maxBuffered = MAX_BUFFERED_PER_SCOPE,
  ) {
    this.store = store;
    this.isFollowed = isFollowed;
    this.maxBuffered = maxBuffered;
  }

  /** A pushed record. Returns true when it revealed a gap (a sync is needed). */
  push(change: Change): boolean {
    if (!this.isFollowed(change.scope)) return false;
    const cursor = this.store.cursor(change.scope);
    // Still loading the scope's snapshot: hold the record until the cursor is known.
    if (cursor === undefined) {
      this.hold(change);
      return false;
    }
    if (change.seq <= cursor) return false;
    if (change.seq === cursor + 1) {
      this.store.applyInOrder([change]);
      this.settle(change.scope);
      return false;
    }
    this.hold(change);
    return true;
  }

  /** A `heads` beat or subscribe ack: true when any scope's head is past what we hold. */
  behind(heads: Record<string, number>): boolean {
    return Object.entries(heads).some(([scope, head]) => {
      const cursor = this.store.cursor(scope);
      return cursor !== undefined && this.isFollowed(scope) && head > cursor;
    });
  }

  /** Records read from the log (consecutive, in order): applies those next in line. */
  fromLog(scope: string, changes: readonly Change[]): void {
    let cursor = this.store.cursor(scope);
    if (cursor === undefined) return;
    const next: Change[] = [];
    for (const change of changes) {
      if (change.seq !== cursor + 1) continue;
      next.push(change);
      cursor = change.seq;
    }
    this.store.applyInOrder(next);
    this.settle(scope);
  }

  /** Applies what the buffer holds right after the cursor; drops what the cursor has passed. */
  settle(scope: string): void {
    const buffer = this.buffers.get(scope);
    let cursor = this.store.cursor(scope);
    if (!buffer || cursor === undefined) return;
    const next: Change[] = [];
    for (let change = buffer.get(cursor + 1); change; change = buffer.get(cursor + 1)) {
      next.push(change);
      cursor = change.seq;
    }
    this.store.applyInOrder(next);
    for (const seq of buffer.keys()) if (seq <= cursor) buffer.delete(seq);
    if (!buffer.size) this.buffers.delete(scope);
  }

  /** Whether records are waiting for a missing one. */
  hasGap(scope?: string): boolean {
    return scope === undefined ? this.buffers.size > 0 : this.buffers.has(scope);
  }

  forget(scope: string): void {
    this.buffers.delete(scope);
  }

  private hold(change: Change) {
    const buffer = this.buffers.get(change.scope) ?? new Map<number, Change>();
    this.buffers.set(change.scope, buffer);
    buffer.set(change.seq, change);
    if (buffer.size <= this.maxBuffered) return;
    // Keep the records nearest the cursor: the sync that heals the gap brings the rest.
    const highest = Math.max(...buffer.keys());
    buffer.delete(highest);
  }
}
