import { eq, sql } from 'drizzle-orm';
import type { Platform } from '../context.ts';
import { type Work, withTx } from '../db/unit-of-work.ts';
import { perNode } from '../node-state.ts';
import { publishMarks } from './live.tables.ts';

export interface ThrottledPublisher {
  /**
   * Says that `key`'s state changed and committed. A publication that reads the state after this
   * call follows within `intervalMs` (sooner when none went out lately), however many calls come
   * in between: N votes cost at most one record per interval, never one per vote.
   */
  touch(key: string): void;
}

/**
 * Live state published at most once per `intervalMs` per key across every node, with the trailing
 * edge kept: a node that changed a key publishes after its change unless someone else already
 * published later. The claim is one statement on `publish_marks` (insert, or move the mark forward
 * only if it is older than the interval), in the same transaction as `publish`, so two nodes never
 * both publish inside one interval and a publication always reads state committed before its claim.
 * A node whose claim loses waits until the winner's mark plus the interval and tries again, because
 * the winner may have read the state before this node's change committed.
 *
 * What a crash between a commit and its trailing publication loses is one record; the next change
 * or the poll's close publishes the exact state again, and a REST read always derives it.
 */
export function throttledPublisher(options: {
  /** Names the publisher in marks and logs, e.g. `polls.results`. */
  name: string;
  intervalMs: number;
  /** Reads `key`'s committed state and appends its change record. */
  publish(work: Work, key: string): Promise<void>;
}): (platform: Platform) => ThrottledPublisher & { drain(): Promise<void> } {
  return perNode((platform) => {
    const timers = new Map<string, NodeJS.Timeout>();
    const running = new Set<Promise<void>>();
    let draining = false;

    const schedule = (key: string, delayMs: number) => {
      if (timers.has(key)) return;
      timers.set(
        key,
        setTimeout(
          () => {
            timers.delete(key);
            const run = attempt(key).finally(() => running.delete(run));
            running.add(run);
          },
          Math.max(0, delayMs),
        ),
      );
    };

    async function attempt(key: string): Promise<void> {
      const markKey = `${options.name}:${key}`;
      try {
        const retryAt = await withTx(platform, async (work) => {
          const interval = sql`${options.intervalMs} * interval '1 millisecond'`;
          const claimed = await work.tx
            .insert(publishMarks)
            .values({ key: markKey, publishedAt: sql`now()` })
            .onConflictDoUpdate({
              target: publishMarks.key,
              set: { publishedAt: sql`now()` },
              setWhere: sql`${publishMarks.publishedAt} <= now() - ${interval}`,
            })
            .returning({ key: publishMarks.key });
          if (claimed.length) {
            await options.publish(work, key);
            return null;
          }
          const [mark] = await work.tx
            .select({
              waitMs: sql<number>`greatest(0, extract(epoch from (${publishMarks.publishedAt} + ${interval} - now())) * 1000)::float8`,
            })
            .from(publishMarks)
            .where(eq(publishMarks.key, markKey));
          return Number(mark?.waitMs ?? options.intervalMs);
        });
        if (retryAt !== null) schedule(key, retryAt + 1);
      } catch (error) {
        // Nothing was published; try again rather than leave the last change unannounced.
        platform.log.warn(
          { err: error, publisher: options.name, key },
          'throttled publication failed; retrying',
        );
        if (!draining) schedule(key, options.intervalMs);
      }
    }

    return {
      touch(key) {
        if (!draining) schedule(key, 0);
      },
      /** On shutdown: publish what is pending now instead of waiting out the interval. */
      async drain() {
        draining = true;
        const pending = [...timers.keys()];
        for (const timer of timers.values()) clearTimeout(timer);
        timers.clear();
        await Promise.allSettled([...running, ...pending.map((key) => forcePublish(key))]);
      },
    };

    async function forcePublish(key: string) {
      await withTx(platform, (work) => options.publish(work, key));
    }
  });
}
