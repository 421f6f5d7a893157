import { sql } from 'drizzle-orm';
import type { Platform } from './context.ts';
import type { App } from './http/server.ts';

/** `/healthz` says the process is up; `/readyz` that the database and the queue answer. */
export function registerHealth(app: App, platform: Platform, isDraining: () => boolean) {
  app.get('/healthz', { schema: { hide: true }, config: { rateLimit: false } }, async () => ({ ok: true }));
  app.get('/readyz', { schema: { hide: true }, config: { rateLimit: false } }, async (_request, reply) => {
    if (isDraining()) return reply.status(503).send({ ok: false, reason: 'draining' });
    try {
      await withTimeout(platform.db.execute(sql`select 1`), 2000);
      await withTimeout(platform.jobs.boss.getQueues(), 2000);
      return { ok: true, database: platform.database.kind };
    } catch {
      return reply.status(503).send({ ok: false, reason: 'database unavailable' });
    }
  });
  app.get('/metrics', { schema: { hide: true }, config: { rateLimit: false } }, async (_request, reply) => {
    reply.type(platform.metrics.registry.contentType);
    return platform.metrics.registry.metrics();
  });
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => setTimeout(() => reject(new Error('timeout')), ms).unref()),
  ]);
}
