import type { JobResult as BossJobResult, Job, PgBoss } from 'pg-boss';
import type { Logger } from 'pino';
import type { AnyJobDefinition, BatchOutcome, SettledResult } from './jobs.ts';

interface WorkerDeps {
  log: Logger;
  settle(queue: string, result: SettledResult): void;
}

/**
 * Starts this node's worker for one queue. A single-job handler that throws fails its receive
 * (pg-boss retries it with backoff, then dead-letters it). A batch handler answers per job, so one
 * poison job fails alone while the rest of its batch completes.
 */
export async function startWorker(
  boss: PgBoss,
  def: AnyJobDefinition,
  maxReceives: number,
  deps: WorkerDeps,
): Promise<string> {
  if (def.handleBatch) {
    const handleBatch = def.handleBatch;
    return boss.work<unknown>(
      def.name,
      {
        batchSize: def.batchSize,
        perJobResults: true,
        pollingIntervalSeconds: def.pacedEverySeconds ?? 0.5,
        burstWhenBatchFull: def.pacedEverySeconds === undefined,
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
  const handle = def.handle;
  return boss.work<unknown>(def.name, { batchSize: 1, pollingIntervalSeconds: 0.5 }, async ([job]) => {
    if (!job) return;
    try {
      const result = await handle(job.data, job);
      deps.settle(def.name, result);
      deps.log.debug({ job: def.name, id: job.id, result }, 'job finished');
    } catch (error) {
      deps.settle(def.name, 'failed');
      deps.log.warn({ job: def.name, id: job.id, err: error }, 'job failed');
      throw error;
    }
  });
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
