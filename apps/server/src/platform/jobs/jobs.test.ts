import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../../../test/factories/forms.ts';
import { createTestDatabase } from '../../../test/test-database.ts';
import type { Database } from '../db/client.ts';
import { createJobs, deadLetterName, type Jobs, type LeasedJob } from './jobs.ts';
import { readDeadJobs, readQueueStats, replayDeadJob } from './queue-stats.ts';

/**
 * The queue semantics the rest of the code relies on, checked against pg-boss itself: a lease is
 * a visibility timeout, a job is received at most N times and then dead-lettered, a replay gives
 * it a fresh count, a one-job handler runs several jobs side by side (pg-boss polls every 0.5 s:
 * one job per poll was 2 jobs a second per node), and a batch handler settles each job on its own.
 */
let database: Database;
let jobs: Jobs;
const receives = new Map<string, number[]>();
let poisonFixed = false;
let running = 0;
let mostAtOnce = 0;
let finished = 0;

beforeAll(async () => {
  ({ database } = await createTestDatabase());
  jobs = await createJobs(database, pino({ level: 'silent' }), { monitorIntervalSeconds: 1 });
  const seen = (name: string, receive: number) =>
    receives.set(name, [...(receives.get(name) ?? []), receive]);
  jobs.define<{ n: number }>({
    name: 'test.poison',
    maxReceives: 5,
    retryBackoff: false,
    retryDelaySeconds: 0,
    handle: async (_data, job) => {
      seen('poison', job.receive);
      if (!poisonFixed) throw new Error('poison');
      return 'done';
    },
  });
  jobs.define<{ n: number }>({
    name: 'test.lease',
    visibilityTimeoutSeconds: 2,
    handle: async (_data, job) => {
      seen('lease', job.receive);
      return 'done';
    },
  });
  jobs.define<{ n: number }>({
    name: 'test.concurrent',
    concurrency: 3,
    handle: async () => {
      running += 1;
      mostAtOnce = Math.max(mostAtOnce, running);
      await new Promise((resolve) => setTimeout(resolve, 150));
      running -= 1;
      finished += 1;
      return 'done';
    },
  });
  jobs.define<{ n: number }>({
    name: 'test.batch',
    maxReceives: 2,
    retryBackoff: false,
    retryDelaySeconds: 0,
    batchSize: 10,
    handleBatch: async (batch: LeasedJob<{ n: number }>[]) => {
      for (const job of batch) seen(`batch:${job.data.n}`, job.receive);
      return batch.map((job) => (job.data.n === 3 ? new Error('three is poison') : 'done'));
    },
  });
  await jobs.provision();
});
afterAll(async () => {
  await jobs?.stopWorkers();
  await jobs?.stop();
  await database?.close();
});

const enqueue = (name: string, items: object[]) =>
  database.db.transaction((tx) => jobs.enqueueMany(tx, name, items));
const stats = async (name: string) => (await readQueueStats(database.db, jobs)).find((q) => q.name === name)!;

describe('queue semantics on pg-boss', () => {
  it('dead-letters a poison job after exactly maxReceives receives, and replays it with a fresh count', async () => {
    await enqueue('test.poison', [{ n: 1 }]);
    await jobs.startWorkers();
    const dead = await eventually(async () => {
      const rows = await readDeadJobs(database.db, 'test.poison', null, 10);
      return rows.length ? rows : undefined;
    });
    await new Promise((resolve) => setTimeout(resolve, 1500)); // nothing more arrives after the last
    expect(receives.get('poison')).toEqual([1, 2, 3, 4, 5]);
    expect(dead).toHaveLength(1);
    expect(dead[0]).toMatchObject({ data: { n: 1 }, receives: 5, error: { message: 'poison' } });
    expect(await stats('test.poison')).toMatchObject({ depth: 0, inFlight: 0, dead: 1, maxReceives: 5 });

    poisonFixed = true;
    expect(await replayDeadJob(jobs, 'test.poison', dead[0]!.id)).toBe(true);
    expect(await replayDeadJob(jobs, 'test.poison', dead[0]!.id)).toBe(false);
    await eventually(async () => ((receives.get('poison')?.length ?? 0) >= 6 ? true : undefined));
    expect(receives.get('poison')?.at(-1)).toBe(1);
    await eventually(async () => ((await stats('test.poison')).dead === 0 ? true : undefined));
  });

  it('gives a job leased by a worker that died to another worker after the visibility timeout', async () => {
    // A worker that fetched the job and died: it never completes or fails it.
    await jobs.stopWorkers();
    await enqueue('test.lease', [{ n: 1 }]);
    const [leased] = await jobs.boss.fetch('test.lease');
    expect(leased).toBeDefined();
    expect(await stats('test.lease')).toMatchObject({ inFlight: 1, depth: 0, visibilityTimeoutSeconds: 2 });
    await jobs.startWorkers();
    await eventually(async () => (receives.get('lease')?.length ? true : undefined), 15_000);
    expect(receives.get('lease')).toEqual([2]);
    expect(await stats('test.lease')).toMatchObject({ inFlight: 0, depth: 0 });
  });

  it('runs a one-job queue several jobs at a time, never more than its concurrency', async () => {
    await enqueue(
      'test.concurrent',
      Array.from({ length: 12 }, (_, n) => ({ n })),
    );
    await eventually(async () => (finished === 12 ? true : undefined));
    expect(mostAtOnce).toBeGreaterThan(1);
    expect(mostAtOnce).toBeLessThanOrEqual(3);
    expect(await stats('test.concurrent')).toMatchObject({ inFlight: 0, depth: 0, dead: 0 });
  });

  it('settles each job of a batch on its own: one poison job does not fail the others', async () => {
    await enqueue(
      'test.batch',
      [1, 2, 3, 4].map((n) => ({ n })),
    );
    await eventually(async () => ((await stats('test.batch')).dead === 1 ? true : undefined));
    expect(receives.get('batch:1')).toEqual([1]);
    expect(receives.get('batch:2')).toEqual([1]);
    expect(receives.get('batch:4')).toEqual([1]);
    expect(receives.get('batch:3')).toEqual([1, 2]);
    const [dead] = await readDeadJobs(database.db, 'test.batch', null, 10);
    expect(dead).toMatchObject({ data: { n: 3 }, receives: 2, error: { message: 'three is poison' } });
    expect(deadLetterName('test.batch')).toBe('test.batch.dead');
  });
});
