import { and, eq, lt } from 'drizzle-orm';
import type { FastifyReply } from 'fastify';
import type { Db } from '../db/client.ts';
import { AppError, ErrorCode } from '../errors.ts';
import { idempotencyKeys } from './idempotency.tables.ts';
import type { App } from './server.ts';

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const KEY_PATTERN = /^[\x21-\x7e]{1,200}$/;
/** A first attempt that has not finished after this long is presumed dead (crash) and may be retried. */
const ABANDONED_AFTER_MS = 60_000;
const KEEP_FOR_MS = 24 * 3_600_000;

declare module 'fastify' {
  interface FastifyRequest {
    idempotency: { owner: string; key: string } | null;
  }
  interface FastifyContextConfig {
    /**
     * The route de-duplicates `Idempotency-Key` itself, in the same transaction as its write (form
     * submissions: a burst must not cost two extra statements per request here).
     */
    ownIdempotency?: boolean;
  }
}

/**
 * `Idempotency-Key` on any write: the first successful answer is stored and replayed for a repeat
 * with the same key from the same caller; a repeat while the first is running gets 409. Only 2xx
 * answers are kept, so a retry after an error (or a crash mid-request) runs again.
 */
export function registerIdempotency(app: App, db: Db) {
  app.decorateRequest('idempotency', null);

  app.addHook('preHandler', async (request, reply) => {
    const key = request.headers['idempotency-key'];
    if (key === undefined || !WRITE_METHODS.has(request.method)) return;
    if (request.routeOptions.config.ownIdempotency) return;
    if (typeof key !== 'string' || !KEY_PATTERN.test(key)) {
      throw new AppError(
        ErrorCode.validation_failed,
        'Idempotency-Key must be 1–200 visible ASCII characters',
        {
          errors: [{ field: 'headers.idempotency-key', message: 'must be 1–200 visible ASCII characters' }],
        },
      );
    }
    const owner = request.actor ? `user:${request.actor.userId}` : `ip:${request.ip}`;
    const fingerprint = `${request.method} ${request.url}`;
    const claimed = await db
      .insert(idempotencyKeys)
      .values({ owner, key, fingerprint })
      .onConflictDoNothing()
      .returning({ key: idempotencyKeys.key });
    if (claimed.length) {
      request.idempotency = { owner, key };
      return;
    }
    const [row] = await db
      .select()
      .from(idempotencyKeys)
      .where(and(eq(idempotencyKeys.owner, owner), eq(idempotencyKeys.key, key)));
    if (!row) throw new AppError(ErrorCode.conflict, 'Idempotency-Key is being reused concurrently; retry');
    if (row.fingerprint !== fingerprint) {
      throw new AppError(ErrorCode.conflict, 'This Idempotency-Key was used for a different request');
    }
    if (row.status !== null) return replay(reply, row.status, row.body, row.contentType);
    if (Date.now() - row.createdAt.getTime() < ABANDONED_AFTER_MS) {
      throw new AppError(ErrorCode.conflict, 'A request with this Idempotency-Key is still in progress', {
        retryAfterSeconds: 1,
      });
    }
    await db
      .update(idempotencyKeys)
      .set({ createdAt: new Date() })
      .where(and(eq(idempotencyKeys.owner, owner), eq(idempotencyKeys.key, key)));
    request.idempotency = { owner, key };
  });

  app.addHook('onSend', async (request, reply, payload) => {
    const claim = request.idempotency;
    if (!claim) return payload;
    request.idempotency = null;
    const where = and(eq(idempotencyKeys.owner, claim.owner), eq(idempotencyKeys.key, claim.key));
    const ok = reply.statusCode >= 200 && reply.statusCode < 300;
    if (ok && (typeof payload === 'string' || payload === undefined || payload === null)) {
      const contentType = String(reply.getHeader('content-type') ?? 'application/json');
      const body =
        typeof payload === 'string'
          ? contentType.includes('json') && payload
            ? JSON.parse(payload)
            : payload
          : null;
      await db.update(idempotencyKeys).set({ status: reply.statusCode, body, contentType }).where(where);
    } else {
      await db.delete(idempotencyKeys).where(where);
    }
    return payload;
  });
}

function replay(reply: FastifyReply, status: number, body: unknown, contentType: string | null) {
  reply.header('idempotent-replayed', 'true');
  if (contentType) reply.type(contentType);
  return reply
    .status(status)
    .send(typeof body === 'string' || body === null ? (body ?? undefined) : JSON.stringify(body));
}

/** Forgets keys older than a day; safe to run from every node. */
export async function purgeIdempotencyKeys(db: Db): Promise<void> {
  await db.delete(idempotencyKeys).where(lt(idempotencyKeys.createdAt, new Date(Date.now() - KEEP_FOR_MS)));
}
