import { scopes } from '@muster/protocol';
import { and, eq, isNull, lt } from 'drizzle-orm';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { sha256 } from '../auth/tokens.ts';
import type { Db } from '../db/client.ts';
import { type InTx, withInTx } from '../db/unit-of-work.ts';
import { AppError, ErrorCode } from '../errors.ts';
import { idempotencyKeys } from './idempotency.tables.ts';
import type { App } from './server.ts';

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const KEY_PATTERN = /^[\x21-\x7e]{1,200}$/;
/** A first attempt that has not finished after this long is presumed dead (crash) and may be retried. */
const ABANDONED_AFTER_MS = 60_000;
const KEEP_FOR_MS = 24 * 3_600_000;

interface Claim {
  owner: string;
  key: string;
  /** The route's success status: what a record written inside the business transaction says. */
  status: number;
  reply: FastifyReply;
  /** The answer was recorded from `onSend`; later transactions of this request leave it alone. */
  finished: boolean;
}

declare module 'fastify' {
  interface FastifyRequest {
    idempotency: Claim | null;
  }
  interface FastifyContextConfig {
    /**
     * The route de-duplicates `Idempotency-Key` itself, in the same transaction as its write (form
     * submissions: a burst must not cost two extra statements per request here).
     */
    ownIdempotency?: boolean;
    /**
     * The answer carries credentials (tokens, secret URLs): it is never stored nor replayed, and
     * `Idempotency-Key` is ignored. Running such a request again is safe (a new session, a new
     * secret) where replaying it would hand out the first one again.
     */
    neverReplay?: boolean;
  }
}

/**
 * `Idempotency-Key` on any write of a signed-in caller: the first successful answer is replayed
 * for a repeat with the same key from the same user and the same request (method, URL and body);
 * the same key with another request gets 409, and so does a repeat while the first is running.
 * The answer is recorded inside the request's business transaction (`withInTx`), so a crash after
 * that commit cannot let a retry run the write twice; only answers that committed are kept.
 * Anonymous callers have nothing to replay: an address is no identity (a NAT, a forged header).
 */
export function registerIdempotency(app: App, db: Db) {
  app.decorateRequest('idempotency', null);

  app.addHook('preHandler', async (request, reply) => {
    const key = request.headers['idempotency-key'];
    if (key === undefined || !WRITE_METHODS.has(request.method)) return;
    const { config } = request.routeOptions;
    if (config.ownIdempotency) return;
    if (typeof key !== 'string' || !KEY_PATTERN.test(key)) {
      throw new AppError(
        ErrorCode.validation_failed,
        'Idempotency-Key must be 1–200 visible ASCII characters',
        {
          errors: [{ field: 'headers.idempotency-key', message: 'must be 1–200 visible ASCII characters' }],
        },
      );
    }
    if (config.neverReplay || !request.actor) return;
    // Named like the caller's own scope (`user:<id>`), the form stored keys already have.
    const owner = scopes.user(request.actor.userId);
    const fingerprint = `${request.method} ${request.url} ${sha256(JSON.stringify(request.body ?? null))}`;
    const where = and(eq(idempotencyKeys.owner, owner), eq(idempotencyKeys.key, key));
    const claimed = await db
      .insert(idempotencyKeys)
      .values({ owner, key, fingerprint })
      .onConflictDoNothing()
      .returning({ key: idempotencyKeys.key });
    if (!claimed.length) {
      const [row] = await db.select().from(idempotencyKeys).where(where);
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
      await db.update(idempotencyKeys).set({ createdAt: new Date() }).where(where);
    }
    request.idempotency = { owner, key, status: successStatus(request), reply, finished: false };
  });

  // Callback-style, so that the handler and every transaction it starts run inside `withInTx`.
  app.addHook('preHandler', (request, _reply, done) => {
    const claim = request.idempotency;
    if (!claim) return done();
    withInTx(recordInTx(claim), done);
  });

  app.addHook('onSend', async (request, reply, payload) => {
    const claim = request.idempotency;
    if (!claim) return payload;
    request.idempotency = null;
    claim.finished = true;
    const where = and(eq(idempotencyKeys.owner, claim.owner), eq(idempotencyKeys.key, claim.key));
    const ok = reply.statusCode >= 200 && reply.statusCode < 300;
    if (ok && (typeof payload === 'string' || payload === undefined || payload === null)) {
      const contentType = String(reply.getHeader('content-type') ?? 'application/json');
      await db
        .update(idempotencyKeys)
        .set({ status: reply.statusCode, body: storedBody(payload, contentType), contentType })
        .where(where);
    } else {
      // Forget the key unless a business transaction committed its record: that write happened,
      // and a retry must get its answer rather than perform it again.
      await db.delete(idempotencyKeys).where(and(where, isNull(idempotencyKeys.status)));
    }
    return payload;
  });
}

/** The statement `withTx` adds to the request's transactions: the answer, as the route would send it. */
function recordInTx(claim: Claim): InTx {
  return async (tx, result) => {
    if (claim.finished) return;
    let body: unknown = null;
    try {
      const serialized = claim.reply.serializeInput(result as Record<string, unknown>, String(claim.status));
      body = storedBody(typeof serialized === 'string' ? serialized : null, 'application/json');
    } catch {
      // The use case's result is not the answer itself (the route shapes it): keep the status only.
    }
    await tx
      .update(idempotencyKeys)
      .set({ status: claim.status, body, contentType: 'application/json; charset=utf-8' })
      .where(and(eq(idempotencyKeys.owner, claim.owner), eq(idempotencyKeys.key, claim.key)));
  };
}

function successStatus(request: FastifyRequest): number {
  const response = (request.routeOptions.schema?.response ?? {}) as Record<string, unknown>;
  const status = Object.keys(response).find((code) => /^2\d\d$/.test(code));
  return status ? Number(status) : 200;
}

function storedBody(payload: string | undefined | null, contentType: string): unknown {
  if (typeof payload !== 'string') return null;
  return contentType.includes('json') && payload ? JSON.parse(payload) : payload;
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
