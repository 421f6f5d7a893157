import type { Socket } from 'socket.io';
import type { Actor } from '../context.ts';
import type { createTokenBucket } from './socket-rate-limit.ts';

/** What the handshake stores on an accepted socket; every later job reads it through `dataOf`. */
export interface SocketData {
  actor: Actor;
  /** The client's address by the same rule as HTTP's `request.ip` (TRUST_PROXY), for per-address limits. */
  address: string;
  expiresAt: number;
  bucket: ReturnType<typeof createTokenBucket>;
  /** Disconnects the socket when its token runs out without `auth` renewing it. */
  expiryTimer?: NodeJS.Timeout;
}

/** The socket's data; only sockets the handshake accepted reach the gateway's handlers. */
export function dataOf(socket: Socket): SocketData {
  return socket.data;
}
