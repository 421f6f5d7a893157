import type { JobResult as BossJobResult, Job, PgBoss } from 'pg-boss';
import type { Logger } from 'pino';
import type { AnyJobDefinition, BatchOutcome, LeasedJob, SettledResult } from './jobs.ts';

interface WorkerDeps {
  log: Logger;
  settle(queue: string, result: SettledResult): void;
}

/** Jobs of a one-job queue a node runs side by side unless its definition says otherwise. */
const DEFAULT_CONCURRENCY = 4;

/**
 * Starts this node's worker for one queue. Every queue is leased in batches: pg-boss polls a
 * worker every 0.5 s, so a worker that took one job per poll ran 2 jobs a second per node whatever
 * the backlog. A one-job handler runs `concurrency` jobs side by side; each job, in a batch or not,
 * settles on its own (pg-boss retries a failed one with backoff, then dead-letters it), so one
 * poison job fails alone.
 */
export async function startWorker(
  boss: PgBoss,
  def: AnyJobDefinition,
  maxReceives: number,
  deps: WorkerDeps,
): Promise<string> {
  const handle = def.handle;
  const handleBatch: (jobs: LeasedJob<unknown>[]) => Promise<BatchOutcome[]> = handle
    ? (jobs) => Promise.all(jobs.map((job) => handle(job.data, job).catch(asError)))
    : def.handleBatch;
  const paced = def.handleBatch ? def.pacedEverySeconds : undefined;
  return boss.work<unknown>(
    def.name,
    {
      batchSize: def.batchSize ?? def.concurrency ?? DEFAULT_CONCURRENCY,
      perJobResults: true,
      pollingIntervalSeconds: paced ?? 0.5,
      burstWhenBatchFull: paced === undefined,
    },
    async (jobs: Job<unknown>[]): Promise<BossJobResult[]> => {
      const leased = jobs.map((job) => ({
        id: job.id,
        data: job.data,
        receive: job.retryCount + 1,
        lastReceive: job.retryCount + 1 >= maxReceives,
      }));
      let outcomes: BatchOutcome[];
      try {
        outcomes = await handleBatch(leased);
      } catch (error) {
        outcomes = jobs.map(() => asError(error));
      }
      return jobs.map((job, i) => settled(def.name, job.id, outcomes[i], deps));
    },
  );
}

function settled(
  queue: string,
  id: string,
  outcome: BatchOutcome | undefined,
  deps: WorkerDeps,
): BossJobResult {
  if (outcome === 'done' || outcome === 'skipped') {
    deps.settle(queue, outcome);
    return { id, status: 'completed', output: { result: outcome } };
  }
  const error = outcome ?? new Error('the batch handler gave no outcome for this job');
  deps.settle(queue, 'failed');
  deps.log.warn({ job: queue, id, err: error }, 'job failed');
  return { id, status: 'failed', output: { message: error.message } };
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
