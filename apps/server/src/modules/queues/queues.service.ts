import type { DeadJob, DeadJobQuery, QueueInfo, ReplayResult } from '@muster/protocol';
import type { AuthedCtx, Platform } from '../../platform/context.ts';
import { notFound } from '../../platform/errors.ts';
import { readDeadJobs, readQueueStats, replayDeadJob } from '../../platform/jobs/queue-stats.ts';
import { decodeCursor, encodeCursor } from '../../platform/paging.ts';
import { requirePlatformAdmin } from '../identity/index.ts';

const REPLAY_LIMIT = { name: 'queues.replay', points: 120, durationSeconds: 60 };

/**
 * Queue inspection and replay, for instance admins over HTTP and for operators through the CLI
 * (`muster queue …`, which has database access and no actor). The `…Of(platform, …)` functions
 * authorise nothing; the `ctx` ones require an instance admin first.
 */
export async function listQueues(ctx: AuthedCtx): Promise<QueueInfo[]> {
  await requirePlatformAdmin(ctx);
  return queuesOf(ctx.platform);
}

export async function listDeadJobs(ctx: AuthedCtx, name: string, query: DeadJobQuery) {
  await requirePlatformAdmin(ctx);
  return deadJobsOf(ctx.platform, name, query);
}

export async function replay(ctx: AuthedCtx, name: string, jobId: string): Promise<ReplayResult> {
  await requirePlatformAdmin(ctx);
  await ctx.platform.limits.consume(REPLAY_LIMIT, ctx.actor.userId);
  return replayOf(ctx.platform, name, jobId);
}

export function queuesOf(platform: Platform): Promise<QueueInfo[]> {
  return readQueueStats(platform.db, platform.jobs);
}

export async function deadJobsOf(
  platform: Platform,
  name: string,
  query: DeadJobQuery,
): Promise<{ items: DeadJob[]; nextCursor: string | null }> {
  requireQueue(platform, name);
  const limit = query.limit ?? 100;
  const cursor = decodeCursor(query.cursor, ['timestamp', 'uuid'] as const);
  const rows = await readDeadJobs(
    platform.db,
    name,
    cursor ? { at: cursor[0], id: cursor[1] } : null,
    limit + 1,
  );
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return {
    items: items.map((r) => ({
      id: r.id,
      queue: name,
      data: r.data,
      receives: r.receives,
      error: r.error,
      originalJobId: r.originalJobId,
      enqueuedAt: r.enqueuedAt?.toISOString() ?? null,
      deadAt: r.deadAt.toISOString(),
    })),
    nextCursor: rows.length > limit && last ? encodeCursor([last.cursorAt, last.id]) : null,
  };
}

export async function replayOf(platform: Platform, name: string, jobId: string): Promise<ReplayResult> {
  requireQueue(platform, name);
  if (!(await replayDeadJob(platform.jobs, name, jobId.toLowerCase()))) throw notFound('Dead job');
  return { replayed: true, queue: name };
}

/** Only queues this deployment defines; pg-boss's other queues (and `.dead` ones) are not addressable. */
function requireQueue(platform: Platform, name: string) {
  if (!platform.jobs.queues().some((q) => q.name === name)) throw notFound('Queue');
}
