import { AsyncLocalStorage } from 'node:async_hooks';
import type { Change } from '@muster/protocol';
import { appendChange, appendChanges, type ChangeInput } from '../changes/change-log.ts';
import type { Publisher } from '../changes/publisher.ts';
import { enqueueReactions } from '../changes/reactors.ts';
import type { EnqueueOptions, Jobs } from '../jobs/jobs.ts';
import type { Db, Tx } from './client.ts';

/** What a service gets inside its transaction: queries, the change log and the job queue. */
export interface Work {
  tx: Tx;
  append(change: ChangeInput): Promise<Change>;
  /** Many changes in three statements (batched writers); see `appendChanges` for the lock order. */
  appendMany(changes: readonly ChangeInput[]): Promise<Change[]>;
  enqueue<T extends object>(name: string, data: T, options?: EnqueueOptions): Promise<void>;
  /** Many jobs of one queue in one statement; `optionsOf` gives each its options. */
  enqueueMany<T extends object>(
    name: string,
    items: readonly T[],
    optionsOf?: (item: T) => EnqueueOptions,
  ): Promise<void>;
}

export interface TxDeps {
  db: Db;
  jobs: Jobs;
  publisher: Publisher;
}

/**
 * A last statement the caller of a use case adds to each transaction it causes, with that
 * transaction's result: the HTTP edge records an `Idempotency-Key`'s answer there, so the record
 * commits (or rolls back) with the write it de-duplicates.
 */
export type InTx = (tx: Tx, result: unknown) => Promise<void>;
const inTxScope = new AsyncLocalStorage<InTx>();

/** Runs `fn` (and everything it awaits) with `hook` added to every `withTx` it causes. */
export function withInTx<T>(hook: InTx, fn: () => T): T {
  return inTxScope.run(hook, fn);
}

/** For work done on behalf of many callers (a micro-batch): no single caller's hook applies. */
export function withoutInTx<T>(fn: () => T): T {
  return inTxScope.exit(fn);
}

/**
 * Runs `fn` in one short transaction; state, change records, jobs and the reactions other modules
 * registered to those changes (`defineReactor`) commit together. Changes are
 * published only after commit (never from inside), so no client can see what might still roll back.
 */
export async function withTx<T>(deps: TxDeps, fn: (work: Work) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await runOnce(deps, fn);
    } catch (error) {
      // PostgreSQL aborted us to break a deadlock or a serialisation conflict: nothing was
      // committed, so running the whole use case again is safe.
      if (attempt >= 3 || !RETRYABLE.has(pgCode(error) ?? '')) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * attempt));
    }
  }
}

const RETRYABLE = new Set(['40P01', '40001']);
function pgCode(error: unknown): string | undefined {
  const e = error as { code?: string; cause?: { code?: string } } | undefined;
  return e?.code ?? e?.cause?.code;
}

async function runOnce<T>(deps: TxDeps, fn: (work: Work) => Promise<T>): Promise<T> {
  const appended: Change[] = [];
  const result = await deps.db.transaction(async (tx) => {
    appended.length = 0; // a retried callback starts clean
    const work: Work = {
      tx,
      async append(change) {
        const record = await appendChange(tx, change);
        appended.push(record);
        return record;
      },
      async appendMany(changes) {
        const records = await appendChanges(tx, changes);
        appended.push(...records);
        return records;
      },
      async enqueue(name, data, options) {
        await deps.jobs.enqueue(tx, name, data, options);
      },
      async enqueueMany(name, items, optionsOf) {
        await deps.jobs.enqueueMany(tx, name, items, optionsOf);
      },
    };
    const value = await fn(work);
    await enqueueReactions(deps.jobs, tx, appended);
    await inTxScope.getStore()?.(tx, value);
    return value;
  });
  await deps.publisher.afterCommit(appended);
  return result;
}
