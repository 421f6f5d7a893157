import { withoutInTx } from '../db/unit-of-work.ts';

export type Outcome<O> = { ok: true; value: O } | { ok: false; error: unknown };

export interface KeyedBatcher<I, O> {
  /** Queues `item` under `key`; resolves with its own outcome once its batch has committed. */
  submit(key: string, item: I): Promise<O>;
  /** Resolves when nothing is queued or running. */
  idle(): Promise<void>;
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
 * per item, in order; if it throws, every item of that batch fails with that error.
 */
export function createKeyedBatcher<I, O>(options: {
  maxBatch: number;
  run(key: string, items: I[]): Promise<Outcome<O>[]>;
}): KeyedBatcher<I, O> {
  const queues = new Map<string, Pending<I, O>[]>();
  const running = new Set<string>();
  let idleWaiters: (() => void)[] = [];

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
    options
      .run(
        key,
        batch.map((p) => p.item),
      )
      .then(
        (outcomes) => {
          batch.forEach((p, i) => {
            const outcome = outcomes[i];
            if (!outcome) p.reject(new Error('batch returned no outcome for an item'));
            else if (outcome.ok) p.resolve(outcome.value);
            else p.reject(outcome.error);
          });
        },
        (error: unknown) => {
          for (const p of batch) p.reject(error);
        },
      )
      .finally(() => drain(key));
  }

  return {
    submit(key, item) {
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
  };
}
