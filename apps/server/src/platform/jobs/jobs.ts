import { fromPglite, type Job, PgBoss } from 'pg-boss';
import type { Logger } from 'pino';
import { type Database, positionalSql, queryRows, type Tx } from '../db/client.ts';

export type JobResult = 'done' | 'skipped';

export interface JobDefinition<T> {
  /** Queue name, `<module>.<verb>`. */
  name: string;
  /** Visibility timeout: a job not completed within it is given to another worker. */
  visibilityTimeoutSeconds?: number;
  /** Receives before the job moves to the dead-letter queue. */
  maxReceives?: number;
  /** Must be idempotent: a job can run more than once (crash after work, before ack). */
  handle(data: T, job: Job<T>): Promise<JobResult>;
}

// biome-ignore lint/suspicious/noExplicitAny: a registry holds definitions of many payload types
type AnyJobDefinition = JobDefinition<any>;

export interface Jobs {
  boss: PgBoss;
  define<T>(definition: JobDefinition<T>): JobDefinition<T>;
  /** Enqueues inside the caller's transaction, so the job exists exactly when the state change does. */
  enqueue<T extends object>(
    tx: Tx,
    name: string,
    data: T,
    options?: { singletonKey?: string; startAfterSeconds?: number },
  ): Promise<string | null>;
  /** Creates queues (and their dead-letter queues) for every definition; safe to run on each boot. */
  provision(): Promise<void>;
  startWorkers(): Promise<void>;
  stopWorkers(): Promise<void>;
  stop(): Promise<void>;
}

export const deadLetterName = (name: string) => `${name}.dead`;

export async function createJobs(
  database: Database,
  log: Logger,
  options: { monitorIntervalSeconds?: number } = {},
): Promise<Jobs> {
  const common = {
    schema: 'pgboss',
    monitorIntervalSeconds: options.monitorIntervalSeconds ?? 10,
    superviseIntervalSeconds: options.monitorIntervalSeconds ?? 10,
  };
  const boss =
    database.kind === 'pglite'
      ? new PgBoss({ ...common, db: fromPglite(database.pglite), backend: 'pglite' })
      : new PgBoss({ ...common, db: poolAdapter(database) });
  boss.on('error', (error: Error) => log.error({ err: error }, 'job queue error'));
  await boss.start();

  const definitions = new Map<string, AnyJobDefinition>();
  const workerIds: string[] = [];

  return {
    boss,
    define(definition) {
      definitions.set(definition.name, definition);
      return definition;
    },
    async enqueue(tx, name, data, opts = {}) {
      return boss.send(name, data, {
        db: {
          executeSql: async (text, values) => ({ rows: await queryRows(tx, positionalSql(text, values)) }),
        },
        ...(opts.singletonKey ? { singletonKey: opts.singletonKey } : {}),
        ...(opts.startAfterSeconds ? { startAfter: opts.startAfterSeconds } : {}),
      });
    },
    async provision() {
      for (const def of definitions.values()) {
        const dead = deadLetterName(def.name);
        if (!(await boss.getQueue(dead))) await boss.createQueue(dead, { retentionSeconds: 30 * 24 * 3600 });
        if (!(await boss.getQueue(def.name))) {
          await boss.createQueue(def.name, {
            expireInSeconds: def.visibilityTimeoutSeconds ?? 30,
            retryLimit: (def.maxReceives ?? 5) - 1,
            retryDelay: 1,
            retryBackoff: true,
            retryDelayMax: 300,
            deadLetter: dead,
          });
        }
        // Primes pg-boss's queue cache outside any transaction: a cache miss inside an enqueue
        // would query through the main connection, which on PGlite waits for our own transaction.
        await boss.getJobById(def.name, '00000000-0000-7000-8000-000000000000');
      }
    },
    async startWorkers() {
      for (const def of definitions.values()) {
        const id = await boss.work<unknown>(
          def.name,
          { batchSize: 1, pollingIntervalSeconds: 0.5 },
          async ([job]) => {
            if (!job) return;
            const result = await def.handle(job.data, job);
            log.debug({ job: def.name, id: job.id, result }, 'job finished');
          },
        );
        workerIds.push(id);
      }
    },
    async stopWorkers() {
      const names = [...definitions.keys()];
      workerIds.length = 0;
      await Promise.all(names.map((name) => boss.offWork(name, { wait: true }).catch(() => {})));
    },
    async stop() {
      await boss.stop({ graceful: true, close: false, timeout: 10_000 });
    },
  };
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
