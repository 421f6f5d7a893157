import { Gauge } from 'prom-client';
import type { Platform } from '../context.ts';
import { type QueueStats, readQueueStats } from './queue-stats.ts';

/**
 * Queue gauges for `/metrics`, read from the database when scraped (so every node reports the
 * same numbers, whichever node a scrape hits), and this node's settled jobs by result. The four
 * gauges share one query per scrape.
 */
export function registerQueueMetrics(platform: Platform): void {
  const { registry, jobsProcessed } = platform.metrics;
  platform.jobs.onSettled((queue, result) => jobsProcessed.labels(queue, result).inc());

  let pending: { at: number; stats: Promise<QueueStats[]> } | null = null;
  const stats = () => {
    if (!pending || Date.now() - pending.at > 1000)
      pending = { at: Date.now(), stats: readQueueStats(platform.db, platform.jobs).catch(() => []) };
    return pending.stats;
  };
  const gauge = (name: string, help: string, pick: (s: QueueStats) => number) =>
    new Gauge({
      name,
      help,
      labelNames: ['queue'],
      registers: [registry],
      async collect() {
        this.reset();
        for (const s of await stats()) this.labels(s.name).set(pick(s));
      },
    });
  gauge('muster_queue_depth', 'Jobs waiting in the queue (created or in retry backoff)', (s) => s.depth);
  gauge('muster_queue_in_flight', 'Jobs leased by a worker and not yet settled', (s) => s.inFlight);
  gauge(
    'muster_queue_oldest_age_seconds',
    'Age of the oldest unfinished job in the queue',
    (s) => s.oldestAgeSeconds,
  );
  gauge('muster_queue_dead', 'Jobs in the dead-letter queue waiting for a replay', (s) => s.dead);
}
