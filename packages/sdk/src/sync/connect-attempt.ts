import type { Socket } from 'socket.io-client';
import type { TimersAdapter } from '../platform.ts';

/** How long one connection attempt (engine handshake, then namespace connect) may take. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 20_000;

/**
 * Makes every connection attempt end, one way or the other. While its engine is opening, Socket.IO's
 * manager listens only for `open` and `error`: an engine closed before its handshake (the network
 * dropping mid-handshake, a proxy or a restarting server closing it) is heard by nobody, and the
 * attempt hangs until Socket.IO's connect timeout; the namespace connect after an open engine has no
 * timeout at all. So a close before open fails the attempt at once, and a deadline bounds the rest.
 * A failed attempt is torn down (so the next one starts from a fresh engine) and reported.
 */
export class ConnectAttempt {
  private timer: unknown = null;
  private unwatch: (() => void) | null = null;
  private readonly timers: TimersAdapter;
  private readonly timeoutMs: number;
  private readonly failed: (reason: string) => void;

  constructor(timers: TimersAdapter, timeoutMs: number, failed: (reason: string) => void) {
    this.timers = timers;
    this.timeoutMs = timeoutMs;
    this.failed = failed;
  }

  /** Call right after `socket.connect()`. */
  watch(socket: Socket): void {
    this.clear();
    const engine = socket.io.engine;
    if (engine?.readyState === 'opening') {
      const closed = (reason: string) => this.fail(socket, `closed while opening: ${reason}`);
      // Once open, a close reaches the socket as `disconnect`: no longer ours to report.
      const opened = () => engine.off('close', closed);
      engine.once('close', closed);
      engine.once('open', opened);
      this.unwatch = () => {
        engine.off('close', closed);
        engine.off('open', opened);
      };
    }
    this.timer = this.timers.setTimeout(() => this.fail(socket, 'connect timeout'), this.timeoutMs);
  }

  /** The attempt ended (connected, refused, disconnected) or is no longer wanted. */
  clear(): void {
    this.unwatch?.();
    this.unwatch = null;
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    this.timer = null;
  }

  private fail(socket: Socket, reason: string) {
    this.clear();
    if (socket.connected) return;
    socket.disconnect();
    this.failed(reason);
  }
}
