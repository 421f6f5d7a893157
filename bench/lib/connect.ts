/**
 * How the load processes open their clients: many handshakes at once but bounded (the server's
 * listen backlog is finite), each client retried a few times, Socket.IO clients on WebSocket only
 * with no reconnection (a dropped client must show as lost, not quietly come back).
 */
import { io, type Socket } from 'socket.io-client';
import { nowMs } from './clock.ts';

const ATTEMPTS = 3;
const HANDSHAKE_TIMEOUT_MS = 30_000;

export interface ConnectOutcome<T> {
  /** The clients that connected, in index order. */
  clients: T[];
  connected: number;
  failed: number;
  /** The first few errors, for the report. */
  errors: string[];
  ms: number;
}

/** Opens clients `0 … count-1` with at most `concurrency` in flight, each tried up to three times. */
export async function connectMany<T>(
  count: number,
  concurrency: number,
  open: (i: number) => Promise<T>,
): Promise<ConnectOutcome<T>> {
  const started = nowMs();
  const opened: T[] = new Array(count);
  const errors: string[] = [];
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      for (let attempt = 1; ; attempt++) {
        try {
          opened[i] = await open(i);
          break;
        } catch (error) {
          if (attempt === ATTEMPTS) {
            errors.push((error as Error).message);
            break;
          }
        }
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  const clients = opened.filter(Boolean);
  return {
    clients,
    connected: clients.length,
    failed: errors.length,
    errors: errors.slice(0, 5),
    ms: nowMs() - started,
  };
}

/** A Socket.IO client of the benchmarks (signed in when `token` is given); not yet connected. */
export function benchSocket(url: string, token?: string): Socket {
  return io(url, {
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    timeout: HANDSHAKE_TIMEOUT_MS,
    ...(token ? { auth: { token } } : {}),
  });
}

/** Resolves once the socket is connected; rejects on its first `connect_error`. */
export function whenConnected(socket: Socket): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.once('connect_error', (error) => reject(new Error(`connect_error: ${error.message}`)));
    socket.once('connect', () => resolve());
  });
}

/**
 * Emits a subscribe-like request and answers its ack when `accept` takes it; otherwise closes the
 * socket and rejects (the caller's retry opens a new one).
 */
export function subscribeWithAck<A>(
  socket: Socket,
  event: string,
  payload: object,
  accept: (ack: A) => boolean,
): Promise<A> {
  return socket
    .timeout(HANDSHAKE_TIMEOUT_MS)
    .emitWithAck(event, payload)
    .then(
      (ack: A) => {
        if (accept(ack)) return ack;
        socket.close();
        throw new Error(`subscribe refused: ${JSON.stringify(ack)}`);
      },
      (error: Error) => {
        socket.close();
        throw new Error(`subscribe: ${error.message}`);
      },
    );
}
