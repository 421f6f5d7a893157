import { fromPglite, PgBoss, type QueueResult } from 'pg-boss';
import type { Logger } from 'pino';
import { type Database, positionalSql, queryRows, type Tx } from '../db/client.ts';
import { startWorker } from './jobs.worker.ts';

export type JobResult = 'done' | 'skipped';

/** A job handed to a batch handler. `receive` counts deliveries, 1 on the first. */
export interface LeasedJob<T> {
  id: string;
  data: T;
  receive: number;
  /** A failure of this receive moves the job to the dead-letter queue: no retry follows. */
  lastReceive: boolean;
}

/** Per job of a batch: how it ended, or the error that fails this receive (the job is retried). */
export type BatchOutcome = JobResult | Error;

interface QueueSettings {
  /** Queue name, `<module>.<verb>`. */
  name: string;
  /** Visibility timeout: a job not completed within it is given to another worker. */
  visibilityTimeoutSeconds?: number;
  /** Receives before the job moves to the dead-letter queue. */
  maxReceives?: number;
  /** First retry delay; later ones double (exponential backoff with jitter), up to 5 minutes. */
  retryDelaySeconds?: number;
  /** Set false for a fixed `retryDelaySeconds` between receives. */
  retryBackoff?: boolean;
}

/**
 * A queue and its handler. Handlers must be idempotent: a job can run more than once (a crash
 * after the work, before the acknowledgement). `handle` takes one job, with up to `concurrency`
 * running side by side; `handleBatch` leases up to `batchSize` jobs at once and answers one
 * outcome per job, in order.
 */
export type JobDefinition<T> = QueueSettings &
  (
    | {
        handle(data: T, job: LeasedJob<T>): Promise<JobResult>;
        /** Jobs of this queue one node runs at once (default 4); each still settles on its own. */
        concurrency?: number;
        handleBatch?: never;
        batchSize?: never;
      }
    | {
        batchSize: number;
        handleBatch(jobs: LeasedJob<T>[]): Promise<BatchOutcome[]>;
        handle?: never;
        /**
         * Paced: at most one batch per this many seconds, never fetching the next at once when a
         * batch comes back full (bulk mail at N per second). Unset: 0.5 s polls, bursting while
         * batches are full (a form backlog drains as fast as it can).
         */
        pacedEverySeconds?: number;
      }
  );

// biome-ignore lint/suspicious/noExplicitAny: a registry holds definitions of many payload types
export type AnyJobDefinition = JobDefinition<any>;

/** The settings a queue runs with once deployment defaults are applied. */
export interface EffectiveQueue {
  name: string;
  visibilityTimeoutSeconds: number;
  maxReceives: number;
}

export interface JobDefaults {
  visibilityTimeoutSeconds: number;
  maxReceives: number;
}

export type SettledResult = JobResult | 'failed';

export interface Jobs {
  boss: PgBoss;
  define<T>(definition: JobDefinition<T>): JobDefinition<T>;
  /** Enqueues inside the caller's transaction, so the job exists exactly when the state change does. */
  enqueue<T extends object>(tx: Tx, name: string, data: T, options?: EnqueueOptions): Promise<string | null>;
  /**
   * Many jobs of one queue in one statement, inside the caller's transaction (batched writers);
   * `optionsOf` gives each job its own options (a job a singleton key already names is not added).
   */
  enqueueMany<T extends object>(
    tx: Tx,
    name: string,
    items: readonly T[],
    optionsOf?: (item: T) => EnqueueOptions,
  ): Promise<void>;
  /** Every defined queue with the settings it runs with. */
  queues(): EffectiveQueue[];
  /** Makes `queue` (already defined) receive a job for every committed change of `entities`. */
  reactTo(queue: string, entities: readonly string[]): void;
  /** The queues reacting to changes of `entity`, in the order they were registered. */
  reactorsOf(entity: string): readonly string[];
  /** Creates or updates queues (and their dead-letter queues) for every definition; safe on each boot. */
  provision(): Promise<void>;
  startWorkers(): Promise<void>;
  stopWorkers(): Promise<void>;
  /** Called after every job a worker of this node settled (metrics). */
  onSettled(listener: (queue: string, result: SettledResult) => void): void;
  stop(): Promise<void>;
}

export interface EnqueueOptions {
  singletonKey?: string;
  startAfterSeconds?: number;
  /** Higher first within one queue (pg-boss fetches by priority, then age); default 0. */
  priority?: number;
}

/** Our options in pg-boss's terms (a `startAfter` number is seconds from now for send and insert alike). */
function bossOptions(opts: EnqueueOptions): {
  singletonKey?: string;
  startAfter?: number;
  priority?: number;
} {
  return {
    ...(opts.singletonKey ? { singletonKey: opts.singletonKey } : {}),
    ...(opts.startAfterSeconds ? { startAfter: opts.startAfterSeconds } : {}),
    ...(opts.priority ? { priority: opts.priority } : {}),
  };
}

export const deadLetterName = (name: string) => `${name}.dead`;
/** Completed jobs are deleted this long after success (SQS deletes on success; a minute helps debugging). */
const COMPLETED_RETENTION_SECONDS = 60;
const DEAD_RETENTION_SECONDS = 30 * 24 * 3600;

export async function createJobs(
  database: Database,
  log: Logger,
  options: { monitorIntervalSeconds?: number; defaults?: Partial<JobDefaults> } = {},
): Promise<Jobs> {
  const defaults: JobDefaults = {
    visibilityTimeoutSeconds: options.defaults?.visibilityTimeoutSeconds ?? 30,
    maxReceives: options.defaults?.maxReceives ?? 5,
  };
  // Expiry runs only in pg-boss's monitor pass: it must run often enough to honour the timeout.
  const monitor =
    options.monitorIntervalSeconds ??
    Math.max(1, Math.min(10, Math.floor(defaults.visibilityTimeoutSeconds / 3)));
  const common = {
    schema: 'pgboss',
    monitorIntervalSeconds: monitor,
    superviseIntervalSeconds: monitor,
    // Deletes completed jobs (and expired dead letters) every two minutes rather than once a day.
    maintenanceIntervalSeconds: 120,
  };
  const boss =
    database.kind === 'pglite'
      ? new PgBoss({ ...common, db: fromPglite(database.pglite), backend: 'pglite' })
      : new PgBoss({ ...common, db: poolAdapter(database) });
  boss.on('error', (error: Error) => log.error({ err: error }, 'job queue error'));
  await boss.start();

  const definitions = new Map<string, AnyJobDefinition>();
  const reactors = new Map<string, string[]>();
  const listeners: ((queue: string, result: SettledResult) => void)[] = [];
  const settle = (queue: string, result: SettledResult) => {
    for (const listener of listeners) listener(queue, result);
  };
  const effective = (def: AnyJobDefinition): EffectiveQueue => ({
    name: def.name,
    visibilityTimeoutSeconds: def.visibilityTimeoutSeconds ?? defaults.visibilityTimeoutSeconds,
    maxReceives: def.maxReceives ?? defaults.maxReceives,
  });
  const inTx = (tx: Tx) => ({
    executeSql: async (text: string, values?: unknown[]) => ({
      rows: await queryRows(tx, positionalSql(text, values)),
    }),
  });

  return {
    boss,
    define(definition) {
      if (!definition.handle === !definition.handleBatch)
        throw new Error(`job ${definition.name} needs exactly one of handle and handleBatch`);
      definitions.set(definition.name, definition);
      return definition;
    },
    async enqueue(tx, name, data, opts = {}) {
      return boss.send(name, data, { db: inTx(tx), ...bossOptions(opts) });
    },
    async enqueueMany(tx, name, items, optionsOf) {
      if (!items.length) return;
      await boss.insert(
        name,
        items.map((data) => ({ data, ...(optionsOf ? bossOptions(optionsOf(data)) : {}) })),
        { db: inTx(tx) },
      );
    },
    queues: () => [...definitions.values()].map(effective),
    reactTo(queue, entities) {
      if (!definitions.has(queue)) throw new Error(`reactor ${queue} is not a defined queue`);
      for (const entity of entities) {
        const queues = reactors.get(entity) ?? [];
        if (!queues.includes(queue)) reactors.set(entity, [...queues, queue]);
      }
    },
    reactorsOf: (entity) => reactors.get(entity) ?? [],
    async provision() {
      // One read of every queue instead of two per queue: a warm start finds them all in place.
      const queues = new Map((await boss.getQueues()).map((queue) => [queue.name, queue]));
      for (const def of definitions.values()) await provisionQueue(boss, def, effective(def), queues);
    },
    async startWorkers() {
      for (const def of definitions.values())
        await startWorker(boss, def, effective(def).maxReceives, { log, settle });
    },
    async stopWorkers() {
      const names = [...definitions.keys()];
      await Promise.all(names.map((name) => boss.offWork(name, { wait: true }).catch(() => {})));
    },
    onSettled(listener) {
      listeners.push(listener);
    },
    async stop() {
      await boss.stop({ graceful: true, close: false, timeout: 10_000 });
    },
  };
}

/**
 * SQS semantics on pg-boss: expiry is the visibility timeout, `retryLimit = receives - 1`, then the
 * job moves to `<name>.dead`. Settings are re-applied on every boot, so a changed definition (or
 * deployment default) takes effect for new jobs; jobs already queued keep the settings they got.
 */
async function provisionQueue(
  boss: PgBoss,
  def: AnyJobDefinition,
  queue: EffectiveQueue,
  queues: ReadonlyMap<string, QueueResult>,
) {
  const dead = deadLetterName(def.name);
  let changed = false;
  if (!queues.has(dead)) {
    await boss.createQueue(dead, {
      retentionSeconds: DEAD_RETENTION_SECONDS,
      deleteAfterSeconds: COMPLETED_RETENTION_SECONDS,
    });
    changed = true;
  }
  const backoff = def.retryBackoff ?? true;
  const settings = {
    expireInSeconds: queue.visibilityTimeoutSeconds,
    retryLimit: queue.maxReceives - 1,
    retryDelay: def.retryDelaySeconds ?? 1,
    retryBackoff: backoff,
    ...(backoff ? { retryDelayMax: 300 } : {}),
    deleteAfterSeconds: COMPLETED_RETENTION_SECONDS,
  };
  const existing = queues.get(def.name);
  if (!existing) {
    await boss.createQueue(def.name, { ...settings, deadLetter: dead });
    changed = true;
  } else if (
    existing.expireInSeconds !== settings.expireInSeconds ||
    existing.retryLimit !== settings.retryLimit ||
    existing.retryDelay !== settings.retryDelay ||
    existing.retryBackoff !== settings.retryBackoff ||
    existing.deleteAfterSeconds !== settings.deleteAfterSeconds ||
    existing.deadLetter !== dead
  ) {
    await boss.updateQueue(def.name, { ...settings, retryDelayMax: backoff ? 300 : null, deadLetter: dead });
    changed = true;
  }
  // Primes pg-boss's queue cache outside any transaction: a cache miss inside an enqueue would
  // query through the main connection, which on PGlite waits for our own transaction. Queues that
  // were already in place are in the cache since `boss.start()`; creating or updating evicts one.
  if (changed) await boss.getJobById(def.name, '00000000-0000-7000-8000-000000000000');
}

/** pg-boss on our own pool, so that it honours the same connection settings and limits. */
function poolAdapter(database: Extract<Database, { kind: 'postgres' }>) {
  return {
    executeSql: async (text: string, values?: unknown[]) => {
      const result = await database.pool.query(text, values as unknown[] | undefined);
      // Multi-statement text returns one result per statement; pg-boss wants the rows of all.
      return Array.isArray(result)
        ? { rows: result.flatMap((r: { rows: unknown[] }) => r.rows) }
        : { rows: result.rows };
    },
  };
}
