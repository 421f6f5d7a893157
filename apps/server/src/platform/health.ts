import { timingSafeEqual } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { sha256 } from './auth/tokens.ts';
import type { Platform } from './context.ts';
import { AppError, ErrorCode } from './errors.ts';
import type { App } from './http/server.ts';
import { loadOrCreateSecret } from './secrets.ts';

/**
 * `/healthz` says the process is up; `/readyz` that the database and the queue answer. `/metrics`
 * needs the scrape token: its labels name routes, queues and load, which is no one else's business.
 */
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
  // Like the JWT secret, generated beside the data when not configured (a Prometheus on the same
  // host reads it with `credentials_file`); only processes that serve HTTP ever create it.
  const { config } = platform;
  const scrapeToken = config.metricsToken ?? loadOrCreateSecret(config.dataDir, 'metrics-token');
  const scrapeAuthorization = Buffer.from(sha256(`Bearer ${scrapeToken}`), 'hex');
  app.get(
    '/metrics',
    { schema: { hide: true }, config: { rateLimit: false, ownAuthorization: true } },
    async (request, reply) => {
      const given = Buffer.from(sha256(request.headers.authorization ?? ''), 'hex');
      if (!timingSafeEqual(given, scrapeAuthorization))
        throw new AppError(ErrorCode.unauthorized, 'Metrics need Authorization: Bearer <METRICS_TOKEN>');
      reply.type(platform.metrics.registry.contentType);
      return platform.metrics.registry.metrics();
    },
  );
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => setTimeout(() => reject(new Error('timeout')), ms).unref()),
  ]);
}
