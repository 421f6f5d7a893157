import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';

export interface Metrics {
  registry: Registry;
  httpDuration: Histogram<'method' | 'route' | 'status'>;
  changesPublished: Counter;
  jobsProcessed: Counter<'queue' | 'result'>;
  /** Web Pushes by outcome: sent, gone (subscription removed), failed. */
  pushesSent: Counter<'outcome'>;
}

/** One registry per server instance, so tests can run several servers in one process. */
export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    httpDuration: new Histogram({
      name: 'muster_http_request_duration_seconds',
      help: 'HTTP request duration by route',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    changesPublished: new Counter({
      name: 'muster_changes_published_total',
      help: 'Change records published on the bus',
      registers: [registry],
    }),
    jobsProcessed: new Counter({
      name: 'muster_jobs_processed_total',
      help: 'Jobs handled by this worker',
      labelNames: ['queue', 'result'],
      registers: [registry],
    }),
    pushesSent: new Counter({
      name: 'muster_pushes_total',
      help: 'Web Push requests by outcome',
      labelNames: ['outcome'],
      registers: [registry],
    }),
  };
}
