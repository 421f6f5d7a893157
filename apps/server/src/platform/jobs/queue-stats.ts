import { sql } from 'drizzle-orm';
import { type Queryable, queryRows } from '../db/client.ts';
import { deadLetterName, type Jobs } from './jobs.ts';

export interface QueueStats {
  name: string;
  /** Jobs waiting: created, or waiting out a retry backoff. */
  depth: number;
  /** Jobs leased by a worker and not yet settled. */
  inFlight: number;
  /** Age of the oldest job not yet finished (waiting or in flight); 0 when there is none. */
  oldestAgeSeconds: number;
  /** Jobs in `<name>.dead` waiting for a replay. */
  dead: number;
  visibilityTimeoutSeconds: number;
  maxReceives: number;
}

export interface DeadJobRow {
  id: string;
  data: unknown;
  /** Receives the job had before it was dead-lettered. */
  receives: number;
  error: unknown;
  originalJobId: string | null;
  enqueuedAt: Date | null;
  deadAt: Date;
  /** `dead_at` with microseconds, the keyset cursor's first half. */
  cursorAt: string;
}

interface CountRow {
  name: string;
  depth: number;
  in_flight: number;
  oldest: number | string | null;
}

/**
 * Live counts read from pg-boss's job table (its cached counters lag by a monitor pass). One
 * indexed aggregate over the defined queues and their dead-letter queues.
 */
export async function readQueueStats(db: Queryable, jobs: Jobs): Promise<QueueStats[]> {
  const queues = jobs.queues().sort((a, b) => a.name.localeCompare(b.name));
  const names = queues.flatMap((q) => [q.name, deadLetterName(q.name)]);
  if (!names.length) return [];
  const rows = await queryRows<CountRow>(
    db,
    sql`SELECT name,
          count(*) FILTER (WHERE state IN ('created', 'retry'))::int AS depth,
          count(*) FILTER (WHERE state = 'active')::int AS in_flight,
          extract(epoch FROM now() - min(created_on))::float8 AS oldest
        FROM pgboss.job
        WHERE name IN (${sql.join(
          names.map((n) => sql`${n}`),
          sql`, `,
        )}) AND state < 'completed'
        GROUP BY name`,
  );
  const byName = new Map(rows.map((r) => [r.name, r]));
  return queues.map((q) => {
    const row = byName.get(q.name);
    return {
      name: q.name,
      depth: row?.depth ?? 0,
      inFlight: row?.in_flight ?? 0,
      oldestAgeSeconds: Math.max(0, Math.round(Number(row?.oldest ?? 0) * 10) / 10),
      dead: byName.get(deadLetterName(q.name))?.depth ?? 0,
      visibilityTimeoutSeconds: q.visibilityTimeoutSeconds,
      maxReceives: q.maxReceives,
    };
  });
}

/** Dead letters of `queue`, oldest first, after the keyset `(deadAt, id)`. */
export async function readDeadJobs(
  db: Queryable,
  queue: string,
  after: { at: string; id: string } | null,
  limit: number,
): Promise<DeadJobRow[]> {
  const rows = await queryRows<{
    id: string;
    data: unknown;
    created_on: Date | string;
    cursor_at: string;
    source_id: string | null;
    source_retry_count: number | null;
    source_output: unknown;
    source_created_on: Date | string | null;
  }>(
    db,
    sql`SELECT id, data, created_on, source_id, source_retry_count, source_output, source_created_on,
          to_char(created_on AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS cursor_at
        FROM pgboss.job
        WHERE name = ${deadLetterName(queue)} AND state IN ('created', 'retry')
          ${after ? sql`AND (created_on, id) > (${after.at}::timestamptz, ${after.id}::uuid)` : sql``}
        ORDER BY created_on, id
        LIMIT ${limit}`,
  );
  return rows.map((r) => ({
    id: r.id,
    data: r.data,
    receives: (r.source_retry_count ?? 0) + 1,
    error: r.source_output ?? null,
    originalJobId: r.source_id,
    enqueuedAt: r.source_created_on ? new Date(r.source_created_on) : null,
    deadAt: new Date(r.created_on),
    cursorAt: r.cursor_at,
  }));
}

/**
 * Moves one dead letter back to its queue as a new job with a fresh receive count (pg-boss
 * `redrive`). False when `jobId` is not waiting in that dead-letter queue.
 */
export async function replayDeadJob(jobs: Jobs, queue: string, jobId: string): Promise<boolean> {
  const moved = await jobs.boss.redrive(deadLetterName(queue), { ids: [jobId], limit: 1 });
  return moved === 1;
}
