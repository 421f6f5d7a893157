import { withoutInTx } from '../db/unit-of-work.ts';
import { AppError, ErrorCode } from '../errors.ts';

export type Outcome<O> = { ok: true; value: O } | { ok: false; error: unknown };

export interface KeyedBatcher<I, O> {
  /** Queues `item` under `key`; resolves with its own outcome once its batch has committed. */
  submit(key: string, item: I): Promise<O>;
  /** Resolves when nothing is queued or running. */
  idle(): Promise<void>;
  /**
   * Shutdown: from now on `submit` rejects with 503 `unavailable` (the client retries on another
   * node); resolves once every item already queued has been committed and answered.
   */
  drain(): Promise<void>;
}

interface Pending<I, O> {
  item: I;
  resolve(value: O): void;
  reject(error: unknown): void;
}

/**
 * Group commit for hot rows. Items for the same key (an event, a form) that arrive while a batch
 * of that key is running wait and then run together as the next batch, in arrival order, in one
 * transaction. Under no load a batch has one item and adds no delay; under a burst the number of
 * transactions stays small while every caller still gets its own answer. `run` returns one outcome
 * per item, in order. If it throws for a batch of several, each item is run again alone, in order,
 * so one item that breaks the batch (input the database refuses, a bug its data trips) fails by
 * itself and never takes other callers' items with it. `run` must therefore leave nothing behind
 * when it throws (one transaction that rolled back).
 */
export function createKeyedBatcher<I, O>(options: {
  maxBatch: number;
  run(key: string, items: I[]): Promise<Outcome<O>[]>;
}): KeyedBatcher<I, O> {
  const queues = new Map<string, Pending<I, O>[]>();
  const running = new Set<string>();
  let idleWaiters: (() => void)[] = [];
  let draining = false;

  function drain(key: string) {
    const queue = queues.get(key);
    if (!queue?.length) {
      queues.delete(key);
      running.delete(key);
      if (!running.size) {
        for (const wake of idleWaiters) wake();
        idleWaiters = [];
      }
      return;
    }
    running.add(key);
    const batch = queue.splice(0, options.maxBatch);
    runBatch(key, batch).finally(() => drain(key));
  }

  async function runBatch(key: string, batch: Pending<I, O>[]): Promise<void> {
    let outcomes: Outcome<O>[];
    try {
      outcomes = await options.run(
        key,
        batch.map((p) => p.item),
      );
    } catch (error) {
      if (batch.length === 1) return batch[0]!.reject(error);
      for (const p of batch) await runBatch(key, [p]);
      return;
    }
    batch.forEach((p, i) => {
      const outcome = outcomes[i];
      if (!outcome) p.reject(new Error('batch returned no outcome for an item'));
      else if (outcome.ok) p.resolve(outcome.value);
      else p.reject(outcome.error);
    });
  }

  return {
    submit(key, item) {
      if (draining) {
        return Promise.reject(new AppError(ErrorCode.unavailable, 'This node is shutting down; try again.'));
      }
      return new Promise<O>((resolve, reject) => {
        const queue = queues.get(key) ?? [];
        queue.push({ item, resolve, reject });
        queues.set(key, queue);
        // Let the rest of this tick's arrivals join before the first batch starts.
        if (!running.has(key)) {
          running.add(key);
          // A batch is no one caller's: their per-request transaction hooks stay out of it.
          setImmediate(() => withoutInTx(() => drain(key)));
        }
      });
    },
    idle() {
      if (!running.size) return Promise.resolve();
      return new Promise((resolve) => idleWaiters.push(resolve));
    },
    drain() {
      draining = true;
      if (!running.size) return Promise.resolve();
      return new Promise((resolve) => idleWaiters.push(resolve));
    },
  };
}
