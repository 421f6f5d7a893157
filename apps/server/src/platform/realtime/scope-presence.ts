import type { Logger } from 'pino';
import type { Server, Socket } from 'socket.io';
import type { Platform } from '../context.ts';
import { createPresence, startPresenceTicker } from './presence.ts';
import { hasPresence } from './rooms.ts';
import { dataOf } from './socket-data.ts';

/**
 * Who is online at an event, kept as sockets join and leave event scopes. Changes are coalesced
 * by the ticker: a mass connect would otherwise send N presence events to N sockets.
 */
export function createScopePresence(io: Server, redis: Platform['redis'], log: Logger) {
  const presence = createPresence(redis);
  const ticker = startPresenceTicker(
    presence,
    (scope, online) => io.local.to(scope).emit('presence', { scope, online }),
    (error) => log.warn({ err: error }, 'presence tick failed'),
  );
  const count = (scope: string, userId: string, change: 'join' | 'leave') => {
    if (!hasPresence(scope)) return;
    presence[change](scope, userId);
    ticker.changed(scope);
  };
  return {
    joined: (socket: Socket, scope: string) => count(scope, dataOf(socket).actor.userId, 'join'),
    left: (socket: Socket, scope: string) => count(scope, dataOf(socket).actor.userId, 'leave'),
    /** The socket is going away: it leaves every room it was in. */
    disconnecting(socket: Socket) {
      for (const room of socket.rooms) count(room, dataOf(socket).actor.userId, 'leave');
    },
    stop: () => ticker.stop(),
  };
}

export type ScopePresence = ReturnType<typeof createScopePresence>;
