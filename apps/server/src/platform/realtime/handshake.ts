import { MIN_SUPPORTED_PROTOCOL_VERSION, TOO_MANY_SOCKETS } from '@muster/protocol';
import type { Socket } from 'socket.io';
import { InvalidTokenError } from '../auth/tokens.ts';
import type { Platform } from '../context.ts';
import { clientAddress, compileTrust } from '../http/client-address.ts';
import type { SocketData } from './socket-data.ts';
import { createTokenBucket } from './socket-rate-limit.ts';
import type { createUserSockets } from './user-sockets.ts';

export interface HandshakeDeps {
  platform: Platform;
  sessionLive(familyId: string): Promise<boolean>;
  userSockets: ReturnType<typeof createUserSockets>;
}

/**
 * The connection middleware: a supported protocol, a valid access token of a live session, and a
 * free place among the user's sockets; then the socket's data (actor, address, rate bucket).
 */
export function createHandshake({ platform, sessionLive, userSockets }: HandshakeDeps) {
  const trust = compileTrust(platform.config.trustProxy);
  return async (socket: Socket, next: (err?: Error) => void) => {
    const auth: { token?: unknown; protocolVersion?: unknown } = socket.handshake.auth ?? {};
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
  };
}
