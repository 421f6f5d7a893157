import type { Logger } from 'pino';
import type { Config } from './config.ts';
import { deadJobsOf, queuesOf, replayOf } from './modules/queues/index.ts';
import { defineModuleJobs } from './modules/registry.ts';
import { AppError } from './platform/errors.ts';
import { openPlatform } from './platform/runtime.ts';
import { startServer } from './server.ts';

const queueUsage = `Usage:
  muster queue ls                      depth, in flight, oldest age and dead letters of every queue
  muster queue dead <name>             the jobs in <name>'s dead-letter queue
  muster queue replay <name> <jobId>   move one dead job back to <name> with a fresh receive count
`;

/** `muster queue …`: the same inspection and replay as the admin API, for whoever has the database. */
export async function queueCommand(args: string[], config: Config, log: Logger): Promise<number> {
  const [action, name, jobId] = args;
  const valid =
    (action === 'ls' && args.length === 1) ||
    (action === 'dead' && args.length === 2) ||
    (action === 'replay' && args.length === 3);
  if (!valid) {
    process.stderr.write(queueUsage);
    return 2;
  }
  const opened = await openPlatform(config, log);
  const { platform } = opened;
  try {
    defineModuleJobs(platform.jobs, platform);
    if (action === 'ls') printQueues(await queuesOf(platform));
    else if (action === 'dead') await printDead(platform, name!);
    else {
      await replayOf(platform, name!, jobId!);
      process.stdout.write(`Replayed ${jobId} into ${name}.\n`);
    }
    return 0;
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    process.stderr.write(`${error.message}\n`);
    return 1;
  } finally {
    await opened.close();
  }
}

function printQueues(queues: Awaited<ReturnType<typeof queuesOf>>) {
  const width = Math.max(5, ...queues.map((q) => q.name.length));
  const line = (cells: (string | number)[]) =>
    `${String(cells[0]).padEnd(width)}${cells
      .slice(1)
      .map((c) => String(c).padStart(11))
      .join('')}\n`;
  process.stdout.write(line(['queue', 'depth', 'in flight', 'oldest s', 'dead', 'visibility', 'receives']));
  for (const q of queues)
    process.stdout.write(
      line([
        q.name,
        q.depth,
        q.inFlight,
        q.oldestAgeSeconds,
        q.dead,
        q.visibilityTimeoutSeconds,
        q.maxReceives,
      ]),
    );
}

async function printDead(platform: Parameters<typeof deadJobsOf>[0], name: string) {
  let cursor: string | undefined;
  let shown = 0;
  do {
    const page = await deadJobsOf(platform, name, { limit: 200, ...(cursor ? { cursor } : {}) });
    for (const job of page.items) {
      const error = (job.error as { message?: unknown } | null)?.message ?? JSON.stringify(job.error);
      process.stdout.write(
        `${job.id}  dead ${job.deadAt}  receives ${job.receives}  error ${String(error)}\n    data ${JSON.stringify(job.data)}\n`,
      );
    }
    shown += page.items.length;
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  if (!shown) process.stdout.write(`No dead jobs in ${name}.\n`);
}

/** `muster worker`: this process only works jobs (plus /healthz, /readyz and /metrics on PORT). */
export async function runWorker(config: Config, log: Logger, waitForSignal: () => Promise<void>) {
  const server = await startServer({ ...config, roles: new Set(['worker']) }, log);
  log.info({ url: server.url, database: server.platform.database.kind }, 'Muster worker is ready');
  await waitForSignal();
  log.info('draining: finishing leased jobs');
  await server.stop();
  return 0;
}
