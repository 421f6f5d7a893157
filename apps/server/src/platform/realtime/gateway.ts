import type { Server as HttpServer } from 'node:http';
import {
  type Change,
  type DrainingEvent,
  HEADS_INTERVAL_MS,
  MAX_SUBSCRIBE_SCOPES,
  MIN_SUPPORTED_PROTOCOL_VERSION,
  type SocketAckError,
  SubscribeRequest,
  TOO_MANY_SOCKETS,
  TypingRequest,
  UnsubscribeRequest,
} from '@muster/protocol';
import { createAdapter } from '@socket.io/redis-adapter';
import { Server, type Socket } from 'socket.io';
import type { TSchema } from 'typebox';
import { InvalidTokenError } from '../auth/tokens.ts';
import { createKeyedBatcher } from '../batching/keyed-batcher.ts';
import { readHeads } from '../changes/change-log.ts';
import type { Actor, AuthedCtx, Platform } from '../context.ts';
import { AppError, ErrorCode } from '../errors.ts';
import { clientAddress, compileTrust } from '../http/client-address.ts';
import { toAppError } from '../http/problem.ts';
import { compilePayloadSchema } from '../http/validation.ts';
import { createAccessKeeper, endSocket, type SocketAccess } from './access-keeper.ts';
import { createHeadsReader } from './heads.ts';
import { createPresence, startPresenceTicker } from './presence.ts';
import { createTokenBucket } from './socket-rate-limit.ts';
import { createUserSockets } from './user-sockets.ts';

export type { AccessChange, ScopeAuthorizer, SocketAccess } from './access-keeper.ts';

export interface SocketHandler<T> {
  event: string;
  schema: TSchema;
  /** Returns the ack payload (without `ok`); throw AppError to refuse. */
  handle(ctx: AuthedCtx, payload: T, socket: Socket): Promise<object | undefined>;
  /** Runs even after the socket's access token expired (only `auth`, which renews it). */
  allowExpiredToken?: boolean;
}

export interface Gateway {
  io: Server;
  handle<T>(handler: SocketHandler<T>): void;
  /** Tells every socket on this node to reconnect elsewhere and closes their connections. */
  drain(): Promise<void>;
  /** Resolves when no access re-check is queued or running (tests). */
  accessSettled(): Promise<void>;
  /** Re-checks every subscription and session on this node now (what the periodic sweep does). */
  sweepAccess(): Promise<void>;
  close(): Promise<void>;
}

interface SocketData {
  actor: Actor;
  /** The client's address by the same rule as HTTP's `request.ip` (TRUST_PROXY), for per-address limits. */
  address: string;
  expiresAt: number;
  bucket: ReturnType<typeof createTokenBucket>;
  /** Disconnects the socket when its token runs out without `auth` renewing it. */
  expiryTimer?: NodeJS.Timeout;
}

export const MAX_FRAME_BYTES = 64 * 1024;

/**
 * Whether a browser from `origin` may open a socket: no Origin (native apps, scripts), an origin
 * in `allowed` (PUBLIC_URL's and ALLOWED_ORIGINS), or the page's own origin — its host:port
 * equals the request's Host header, so the page was served from the address it now connects to.
 */
export function isAllowedOrigin(
  origin: string | undefined,
  host: string | undefined,
  allowed: ReadonlySet<string>,
): boolean {
  if (!origin) return true;
  if (allowed.has(origin)) return true;
  if (!host) return false;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
  return url.host.toLowerCase() === host.toLowerCase();
}

/** Logs a refused origin once (bounded), with the setting that would let it in. */
export function createRefusedOriginLog(limit = 100) {
  const seen = new Set<string>();
  return {
    note(origin: string, log: { warn: (obj: object, msg: string) => void }) {
      if (seen.has(origin) || seen.size >= limit) return;
      seen.add(origin);
      log.warn(
        { origin: origin.slice(0, 200) },
        'socket handshake refused: browser origin not allowed; to allow it set ALLOWED_ORIGINS (comma-separated) or PUBLIC_URL to that origin',
      );
    },
  };
}
const isScopeRoom = (room: string) => room.includes(':');

/**
 * The real-time gateway on the API's HTTP server. Changes reach sockets only from the bus (every
 * node hears every committed change and emits to its own sockets), never from Socket.IO's
 * adapter, so delivery rests on the change log: a socket that misses anything learns it from the
 * seqs, from the `heads` heartbeat or on reconnection, and pulls `/api/v1/sync`.
 */
export interface GatewayOptions {
  /** How often `heads` is sent; tests shorten it. */
  headsIntervalMs?: number;
}

/** setTimeout's longest delay (~24.8 days); a longer-lived token is simply checked again then. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export async function createGateway(
  httpServer: HttpServer,
  platform: Platform,
  access: SocketAccess,
  options: GatewayOptions = {},
): Promise<Gateway> {
  const { config, log } = platform;
  const refusedOrigins = createRefusedOriginLog();
  const authorizeScope = access.authorize;
  const io = new Server(httpServer, {
    path: '/socket.io',
    maxHttpBufferSize: MAX_FRAME_BYTES,
    pingInterval: 20_000,
    pingTimeout: 20_000,
    connectTimeout: 10_000,
    // Browsers must come from our own origins; native apps and scripts send no Origin. A page
    // served by this server is same-origin with the request's Host, whichever address it used
    // (127.0.0.1, a LAN address): that is allowed without configuration.
    allowRequest: (req, callback) => {
      const origin = req.headers.origin;
      const allowed = isAllowedOrigin(origin, req.headers.host, config.allowedOrigins);
      if (!allowed && origin) refusedOrigins.note(origin, log);
      callback(null, allowed);
    },
    cors: { origin: [...config.allowedOrigins], credentials: false },
  });
  if (platform.redis) {
    const pub = platform.redis.duplicate();
    const sub = platform.redis.duplicate();
    io.adapter(createAdapter(pub, sub, { key: 'muster:io' }));
  }
  const presence = createPresence(platform.redis);
  const headsReader = createHeadsReader(platform.db);
  // Coalesced: a mass connect would otherwise send N presence events to N sockets.
  const presenceTicker = startPresenceTicker(
    presence,
    (scope, online) => io.local.to(scope).emit('presence', { scope, online }),
    (error) => log.warn({ err: error }, 'presence tick failed'),
  );

  const userSockets = createUserSockets(config.socketsPerUser);

  /** Leaves a scope's room and its presence count. */
  async function leaveScope(socket: Socket, scope: string) {
    await socket.leave(scope);
    if (scope.startsWith('event:')) {
      presence.leave(scope, (socket.data as SocketData).actor.userId);
      presenceTicker.changed(scope);
    }
  }

  const keeper = createAccessKeeper({
    io,
    access,
    log,
    userOf: (socket) => (socket.data as SocketData).actor.userId,
    familyOf: (socket) => (socket.data as SocketData).actor.familyId,
    socketsOf: userSockets.of,
    leave: leaveScope,
    isScopeRoom,
  });

  // A crowd reconnecting at once asks whether their sessions are signed in with a few queries.
  const sessionBatcher = createKeyedBatcher<string, boolean>({
    maxBatch: 1000,
    async run(_key, familyIds) {
      const live = await access.liveSessions(familyIds);
      return familyIds.map((familyId) => ({ ok: true, value: live.has(familyId) }));
    },
  });
  const sessionLive = (familyId: string) => sessionBatcher.submit('sessions', familyId);

  /** (Re)arms the socket's expiry: past it, a socket that did not renew through `auth` is closed. */
  function armExpiry(socket: Socket) {
    const data = socket.data as SocketData;
    clearTimeout(data.expiryTimer);
    const delay = Math.min(Math.max(0, data.expiresAt - Date.now()), MAX_TIMER_MS);
    data.expiryTimer = setTimeout(() => {
      if (Date.now() >= data.expiresAt) endSocket(socket, 'token_expired');
      else armExpiry(socket);
    }, delay);
    data.expiryTimer.unref();
  }

  const trust = compileTrust(config.trustProxy);
  io.use(async (socket, next) => {
    const auth = (socket.handshake.auth ?? {}) as { token?: unknown; protocolVersion?: unknown };
    if (typeof auth.protocolVersion === 'number' && auth.protocolVersion < MIN_SUPPORTED_PROTOCOL_VERSION) {
      return next(new Error('unsupported_protocol'));
    }
    if (typeof auth.token !== 'string' || auth.token.length > 4096) return next(new Error('unauthorized'));
    try {
      const verified = await platform.tokens.verifyAccess(auth.token);
      // The token outlives a sign-out by up to its 15 minutes; the session must still be live.
      if (!(await sessionLive(verified.familyId))) return next(new Error('unauthorized'));
      // Refuse the newcomer, not the oldest: a client looping on reconnects cannot knock the
      // user's other devices off, and Socket.IO does not retry a middleware refusal by itself.
      if (!userSockets.reserve(verified.userId, socket)) return next(new Error(TOO_MANY_SOCKETS));
      // Released when the transport closes, also when it closes before the connection completes.
      socket.conn.once('close', () => userSockets.release(verified.userId, socket));
      const data: SocketData = {
        actor: { userId: verified.userId, familyId: verified.familyId },
        address: clientAddress(socket.request, trust),
        expiresAt: verified.expiresAt,
        bucket: createTokenBucket(20, 60),
      };
      socket.data = data;
      next();
    } catch (error) {
      next(new Error(error instanceof InvalidTokenError ? 'unauthorized' : 'unavailable'));
    }
  });

  // Compiled once when registered: compiling per connection would cost every handshake milliseconds.
  const handlers: { handler: SocketHandler<unknown>; validate: ReturnType<typeof compilePayloadSchema> }[] =
    [];
  const gateway: Gateway = {
    io,
    handle(handler) {
      handlers.push({
        handler: handler as SocketHandler<unknown>,
        validate: compilePayloadSchema(handler.schema),
      });
    },
    async drain() {
      for (const socket of await io.local.fetchSockets()) {
        socket.emit('draining', { reconnectInMs: Math.floor(Math.random() * 2000) } satisfies DrainingEvent);
      }
      // Closing the transport (not `disconnect()`) makes clients reconnect by themselves.
      for (const socket of io.of('/').sockets.values()) socket.conn.close();
    },
    accessSettled: () => keeper.idle(),
    sweepAccess: () => keeper.sweep(),
    async close() {
      clearInterval(heartbeat);
      clearInterval(sweeper);
      keeper.stop();
      presenceTicker.stop();
      unsubscribeBus();
      await new Promise<void>((resolve) => io.close(() => resolve()));
    },
  };

  /** Wraps every client event: size/rate limits, token expiry, schema validation, one error model. */
  function bind<T>(
    socket: Socket,
    handler: SocketHandler<T>,
    validate: ReturnType<typeof compilePayloadSchema>,
  ) {
    socket.on(handler.event, async (payload: unknown, ack?: unknown) => {
      const reply = typeof ack === 'function' ? (ack as (r: object) => void) : () => {};
      const data = socket.data as SocketData;
      try {
        if (!data.bucket.take()) throw new AppError(ErrorCode.rate_limited, 'Too many events; slow down');
        if (!handler.allowExpiredToken && Date.now() >= data.expiresAt) {
          throw new AppError(ErrorCode.unauthorized, 'Access token expired; send `auth` with a fresh token');
        }
        if (!validate(payload)) {
          const issue = validate.errors?.[0];
          const field = `${handler.event}${issue?.instancePath.replaceAll('/', '.') ?? ''}`;
          throw new AppError(ErrorCode.validation_failed, `${field} ${issue?.message ?? 'is invalid'}`, {
            errors: [{ field, message: issue?.message ?? 'is invalid' }],
          });
        }
        const ctx: AuthedCtx = { platform, actor: data.actor, requestId: `${socket.id}:${handler.event}` };
        reply({ ok: true, ...((await handler.handle(ctx, payload as T, socket)) ?? {}) });
      } catch (error) {
        const appError = toAppError(error);
        if (appError.status >= 500) log.error({ err: error, event: handler.event }, 'socket event failed');
        reply({ ok: false, code: appError.code, message: appError.message } satisfies SocketAckError);
      }
    });
  }

  gateway.handle<SubscribeRequest>({
    event: 'subscribe',
    schema: SubscribeRequest,
    async handle(ctx, { scopes }, socket) {
      const refused: Record<string, string> = {};
      const accepted: string[] = [];
      // An access change heard while deciding may postdate what the decision read: re-check then.
      const epoch = keeper.epoch();
      // All at once: the authoriser batches them with other sockets' subscriptions to the same scopes.
      const requested = [...new Set(scopes)];
      const results = await Promise.all(requested.map((scope) => authorizeScope(ctx.actor.userId, scope)));
      results.forEach((result, i) => {
        if ('refused' in result) refused[requested[i]!] = result.refused;
        else accepted.push(result.scope);
      });
      const current = [...socket.rooms].filter(isScopeRoom).length;
      if (current + accepted.length > MAX_SUBSCRIBE_SCOPES) {
        throw new AppError(
          ErrorCode.validation_failed,
          `A socket may follow at most ${MAX_SUBSCRIBE_SCOPES} scopes`,
        );
      }
      for (const scope of accepted) {
        if (socket.rooms.has(scope)) continue;
        await socket.join(scope);
        if (scope.startsWith('event:')) {
          presence.join(scope, ctx.actor.userId);
          presenceTicker.changed(scope);
        }
      }
      if (keeper.epoch() !== epoch) keeper.recheck(socket, accepted);
      // Read after joining: a change committed meanwhile is either pushed or already in the head.
      const heads = await headsReader.read(accepted);
      return { heads, refused };
    },
  });

  gateway.handle<UnsubscribeRequest>({
    event: 'unsubscribe',
    schema: UnsubscribeRequest,
    async handle(_ctx, { scopes }, socket) {
      for (const scope of scopes) if (socket.rooms.has(scope)) await leaveScope(socket, scope);
      return {};
    },
  });

  gateway.handle<{ token: string }>({
    event: 'auth',
    allowExpiredToken: true,
    schema: {
      type: 'object',
      properties: { token: { type: 'string', maxLength: 4096 } },
      required: ['token'],
      additionalProperties: false,
    } as unknown as TSchema,
    async handle(ctx, { token }, socket) {
      const verified = await platform.tokens.verifyAccess(token).catch(() => {
        throw new AppError(ErrorCode.unauthorized, 'Invalid access token');
      });
      if (verified.userId !== ctx.actor.userId)
        throw new AppError(ErrorCode.unauthorized, 'Token belongs to another user');
      if (!(await sessionLive(verified.familyId)))
        throw new AppError(ErrorCode.unauthorized, 'This session has been signed out');
      const data = socket.data as SocketData;
      // The socket now belongs to the token's session: signing that one out is what closes it.
      data.actor = { userId: verified.userId, familyId: verified.familyId };
      data.expiresAt = verified.expiresAt;
      armExpiry(socket);
      return {};
    },
  });

  gateway.handle<TypingRequest>({
    event: 'typing',
    schema: TypingRequest,
    async handle(ctx, { channelId }, socket) {
      // Only a socket whose subscription to the channel was authorised may signal typing in it.
      const room = `channel:${channelId.toLowerCase()}`;
      if (!socket.rooms.has(room)) throw new AppError(ErrorCode.not_found, 'Subscribe to the channel first');
      socket.to(room).emit('typing', { channelId, userId: ctx.actor.userId });
      return {};
    },
  });

  io.on('connection', (socket) => {
    const data = socket.data as SocketData;
    for (const { handler, validate } of handlers) bind(socket, handler, validate);
    armExpiry(socket);
    socket.on('disconnect', () => {
      clearTimeout(data.expiryTimer);
      userSockets.release(data.actor.userId, socket);
    });
    socket.on('disconnecting', () => {
      for (const room of socket.rooms) {
        if (room.startsWith('event:')) {
          presence.leave(room, data.actor.userId);
          presenceTicker.changed(room);
        }
      }
    });
  });

  // Broadcast on the next turn of the event loop, in publication order: writing one change to
  // 10,000 sockets takes ~100 ms, which the request that committed it (its HTTP answer, a sender's
  // ack) should not wait for. The in-memory bus calls listeners synchronously on purpose (read
  // models must be current when the write returns); only this listener defers.
  let pending: Change[] = [];
  const broadcastPending = () => {
    const batch = pending;
    pending = [];
    for (const change of batch) io.local.to(change.scope).emit('change', change);
  };
  const unsubscribeBus = platform.bus.subscribe((change) => {
    if (!pending.length) setImmediate(broadcastPending);
    pending.push(change);
    keeper.onChange(change);
  });

  // One sweep at a time: on a node with many sockets a sweep may outlast a short interval.
  let sweeping = false;
  const sweeper = setInterval(() => {
    if (sweeping) return;
    sweeping = true;
    keeper
      .sweep()
      .catch((error: unknown) => log.warn({ err: error }, 'access sweep failed'))
      .finally(() => {
        sweeping = false;
      });
  }, config.socketAccessSweepSeconds * 1000);
  sweeper.unref();

  const heartbeat = setInterval(() => {
    sendHeads().catch((error: unknown) => log.warn({ err: error }, 'heads heartbeat failed'));
  }, options.headsIntervalMs ?? HEADS_INTERVAL_MS);
  heartbeat.unref();

  /** The gap detector of last resort: every subscribed scope's head, read from the log itself. */
  async function sendHeads() {
    const rooms = io.of('/').adapter.rooms;
    const scopes = [...rooms.keys()].filter(isScopeRoom);
    const heads: Record<string, number> = {};
    for (let i = 0; i < scopes.length; i += 500)
      Object.assign(heads, await readHeads(platform.db, scopes.slice(i, i + 500)));
    for (const socket of io.of('/').sockets.values()) {
      const mine: Record<string, number> = {};
      for (const room of socket.rooms) if (room in heads) mine[room] = heads[room]!;
      if (Object.keys(mine).length) socket.emit('heads', mine);
    }
  }

  return gateway;
}
