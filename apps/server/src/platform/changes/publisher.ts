import type { Change } from '@muster/protocol';
import { and, asc, eq, lt, or } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Bus } from '../bus/bus.ts';
import type { Db } from '../db/client.ts';
import { toChange } from './change-log.ts';
import { changeOutbox, changes } from './changes.tables.ts';

export interface Publisher {
  /**
   * Called after commit: publishes at once; the outbox rows are forgotten by a background flush,
   * so the request answering does not queue for another connection. A crash in between is the relay's job.
   */
  afterCommit(committed: readonly Change[]): Promise<void>;
  /** One relay pass: publishes outbox rows older than `graceMs` that no writer cleared. */
  relayOnce(graceMs?: number): Promise<number>;
  startRelay(intervalMs: number): void;
  stop(): Promise<void>;
}

export function createPublisher(db: Db, bus: Bus, log: Logger): Publisher {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> = Promise.resolve();
  let pendingClear: { scope: string; seq: number }[] = [];
  let flushing: Promise<void> = Promise.resolve();

  /** Deletes the outbox rows of published changes in bulk, one statement per 200 keys. */
  function flushCleared(): Promise<void> {
    flushing = flushing.then(async () => {
      while (pendingClear.length) {
        const batch = pendingClear.slice(0, 200);
        pendingClear = pendingClear.slice(200);
        await clearOutbox(batch).catch((error: unknown) =>
          log.warn({ err: error }, 'outbox clear failed; relay will republish'),
        );
      }
    });
    return flushing;
  }
  const flushTimer = setInterval(() => void flushCleared(), 100);
  flushTimer.unref();

  async function clearOutbox(keys: readonly { scope: string; seq: number }[]) {
    if (!keys.length) return;
    await db
      .delete(changeOutbox)
      .where(or(...keys.map((k) => and(eq(changeOutbox.scope, k.scope), eq(changeOutbox.seq, k.seq)))));
  }

  async function relayOnce(graceMs = 2000): Promise<number> {
    const cutoff = new Date(Date.now() - graceMs);
    const stale = await db
      .select({ scope: changeOutbox.scope, seq: changeOutbox.seq })
      .from(changeOutbox)
      .where(lt(changeOutbox.createdAt, cutoff))
      .orderBy(asc(changeOutbox.createdAt))
      .limit(500);
    if (!stale.length) return 0;
    const rows = await db
      .select()
      .from(changes)
      .where(or(...stale.map((k) => and(eq(changes.scope, k.scope), eq(changes.seq, k.seq)))))
      .orderBy(asc(changes.scope), asc(changes.seq));
    await bus.publish(rows.map(toChange));
    await clearOutbox(stale);
    log.info({ count: rows.length }, 'relay republished changes left unpublished');
    return rows.length;
  }

  return {
    async afterCommit(committed) {
      if (!committed.length) return;
      try {
        await bus.publish(committed);
        for (const c of committed) pendingClear.push({ scope: c.scope, seq: c.seq });
      } catch (error) {
        // The commit stands; the relay publishes these later and clients also heal through sync.
        log.warn({ err: error }, 'publish after commit failed; relay will retry');
      }
    },
    relayOnce,
    startRelay(intervalMs) {
      timer = setInterval(() => {
        running = relayOnce().catch((error: unknown) => log.warn({ err: error }, 'relay pass failed'));
      }, intervalMs);
      timer.unref();
    },
    async stop() {
      clearInterval(timer);
      clearInterval(flushTimer);
      await running;
      await flushCleared();
    },
  };
}
