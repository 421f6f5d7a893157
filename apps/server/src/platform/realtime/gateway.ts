import type { Server as HttpServer } from 'node:http';
import { HEADS_INTERVAL_MS } from '@muster/protocol';
import { createAdapter } from '@socket.io/redis-adapter';
import { Server } from 'socket.io';
import type { Platform } from '../context.ts';
import { createAccessKeeper, type SocketAccess } from './access-keeper.ts';
import { startAccessSweep } from './access-sweep.ts';
import { authRenewalHandler } from './auth-renewal.ts';
import { drainSockets } from './drain.ts';
import { startFanOut } from './fan-out.ts';
import { createHandshake } from './handshake.ts';
import { createHeadsReader } from './heads.ts';
import { startHeadsHeartbeat } from './heads-heartbeat.ts';
import { originCheck } from './origin.ts';
import { isScopeRoom } from './rooms.ts';
import { createScopePresence } from './scope-presence.ts';
import { createSessionLiveness } from './session-liveness.ts';
import { dataOf } from './socket-data.ts';
import { createSocketEvents, type SocketHandler } from './socket-events.ts';
import { leaveScope, subscribeHandler, unsubscribeHandler } from './subscriptions.ts';
import { armExpiry } from './token-expiry.ts';
import { typingHandler } from './typing.ts';
import { createUserSockets } from './user-sockets.ts';

export type { AccessChange, ScopeAuthorizer, SocketAccess } from './access-keeper.ts';
export type { SocketHandler } from './socket-events.ts';

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

export interface GatewayOptions {
  /** How often `heads` is sent; tests shorten it. */
  headsIntervalMs?: number;
}

export const MAX_FRAME_BYTES = 64 * 1024;

/**
 * The real-time gateway on the API's HTTP server, composed of one piece per job: the handshake
 * (origin, token, live session, sockets per user), the client events (subscribe, unsubscribe,
 * auth renewal, typing; each rate-limited and validated), presence, fan-out from the bus, the
 * `heads` heartbeat, access re-checks and their sweep, and drain. Changes reach sockets only from
 * the bus, never from Socket.IO's adapter, so delivery rests on the change log: a socket that
 * misses anything learns it from the seqs, from the `heads` heartbeat or on reconnection, and
 * pulls `/api/v1/sync`.
 */
export async function createGateway(
  httpServer: HttpServer,
  platform: Platform,
  access: SocketAccess,
  options: GatewayOptions = {},
): Promise<Gateway> {
  const { config, log } = platform;
  const checkOrigin = originCheck(config.allowedOrigins, log);
  // Once draining, no new connection: a client reconnecting to this node in the moment between the
  // drain and the HTTP server's close would hold that close open (seen as a stop hung in CI).
  let draining = false;
  const io = new Server(httpServer, {
    path: '/socket.io',
    maxHttpBufferSize: MAX_FRAME_BYTES,
    pingInterval: 20_000,
    pingTimeout: 20_000,
    connectTimeout: 10_000,
    allowRequest: (req, callback) => (draining ? callback('draining', false) : checkOrigin(req, callback)),
    cors: { origin: [...config.allowedOrigins], credentials: false },
  });
  if (platform.redis) {
    const pub = platform.redis.duplicate();
    const sub = platform.redis.duplicate();
    io.adapter(createAdapter(pub, sub, { key: 'muster:io' }));
  }
  const presence = createScopePresence(io, platform.redis, log);
  const userSockets = createUserSockets(config.socketsPerUser);
  const keeper = createAccessKeeper({
    io,
    access,
    log,
    userOf: (socket) => dataOf(socket).actor.userId,
    familyOf: (socket) => dataOf(socket).actor.familyId,
    socketsOf: userSockets.of,
    leave: (socket, scope) => leaveScope(presence, socket, scope),
    isScopeRoom,
  });
  const sessionLive = createSessionLiveness(access);
  io.use(createHandshake({ platform, sessionLive, userSockets }));

  const events = createSocketEvents(platform);
  events.register(
    subscribeHandler({
      authorize: access.authorize,
      keeper,
      headsReader: createHeadsReader(platform.db),
      presence,
    }),
  );
  events.register(unsubscribeHandler(presence));
  events.register(authRenewalHandler(platform, sessionLive));
  events.register(typingHandler());

  io.on('connection', (socket) => {
    const data = dataOf(socket);
    events.bindAll(socket);
    armExpiry(socket);
    socket.on('disconnect', () => {
      clearTimeout(data.expiryTimer);
      userSockets.release(data.actor.userId, socket);
    });
    socket.on('disconnecting', () => presence.disconnecting(socket));
  });

  const stopFanOut = startFanOut(io, platform.bus, (change) => keeper.onChange(change));
  const stopSweep = startAccessSweep(keeper, config.socketAccessSweepSeconds * 1000, log);
  const stopHeartbeat = startHeadsHeartbeat(
    io,
    platform.db,
    options.headsIntervalMs ?? HEADS_INTERVAL_MS,
    log,
  );

  return {
    io,
    handle: (handler) => events.register(handler),
    drain: () => {
      draining = true;
      return drainSockets(io);
    },
    accessSettled: () => keeper.idle(),
    sweepAccess: () => keeper.sweep(),
    async close() {
      stopHeartbeat();
      stopSweep();
      keeper.stop();
      presence.stop();
      stopFanOut();
      await new Promise<void>((resolve) => io.close(() => resolve()));
    },
  };
}
