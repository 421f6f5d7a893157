import type { SocketAckError } from '@muster/protocol';
import type { Socket } from 'socket.io-client';
import type { Auth } from '../http/auth.ts';
import type { TimersAdapter } from '../platform.ts';

const ACK_TIMEOUT_MS = 10_000;
/** Renew the socket's token this long before it expires (or halfway, for short-lived tokens). */
const REAUTH_LEAD_MS = 60_000;

type Ack = { ok: true } | SocketAckError;

/**
 * The access token a connected socket holds. The gateway checks it on every client event and
 * answers `unauthorized` once it has expired, so it is renewed ahead of expiry with the `auth`
 * event; an event refused as unauthorized renews and retries once; and a socket that refuses the
 * new token (the gateway may refuse `auth` itself once expired) is reconnected, since a new
 * handshake carries the current token.
 */
export class SocketAuth {
  /** The token the server holds for this socket (handshake or last `auth`). */
  private held: string | undefined;
  private timer: unknown = null;
  private readonly auth: Auth;
  private readonly timers: TimersAdapter;
  private readonly current: () => Socket | null;
  private readonly reconnect: () => void;

  constructor(deps: {
    auth: Auth;
    timers: TimersAdapter;
    socket: () => Socket | null;
    reconnect: () => void;
  }) {
    this.auth = deps.auth;
    this.timers = deps.timers;
    this.current = deps.socket;
    this.reconnect = deps.reconnect;
  }

  /** The handshake payload; read at every connection, so a reconnection carries the latest token. */
  handshake(protocolVersion: number): { token: string | undefined; protocolVersion: number } {
    this.held = this.auth.currentAccessToken();
    return { token: this.held, protocolVersion };
  }

  /** The socket connected with the handshake token: renew it before it expires. */
  connected(): void {
    if (this.held) this.watch(this.held);
  }

  stop(): void {
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    this.timer = null;
  }

  /** Hands `token` to the connected socket; true when the socket now holds it. */
  async hand(token: string): Promise<boolean> {
    const socket = this.current();
    if (!socket?.connected) return false;
    if (token === this.held) return true;
    const ack = await this.ack(socket, 'auth', { token }).catch(() => null);
    if (ack?.ok) {
      this.held = token;
      this.watch(token);
      return true;
    }
    if (ack && this.current() === socket) this.reconnect();
    return false;
  }

  /** Emits with an ack; an `unauthorized` ack renews the socket's token and retries once. */
  async emit<T>(event: string, payload: object, retried = false): Promise<T | undefined> {
    const socket = this.current();
    if (!socket) return undefined;
    const ack = await this.ack(socket, event, payload);
    if (ack.ok) return ack as T;
    if (ack.code === 'unauthorized' && !retried) {
      const current = this.auth.currentAccessToken();
      const token = current && current !== this.held ? current : await this.auth.refresh();
      // A socket that refuses the new token reconnects, and a new connection subscribes to all.
      if (!token || !(await this.hand(token))) return undefined;
      return this.emit<T>(event, payload, true);
    }
    throw new Error(`${event} refused: ${ack.code} ${ack.message}`);
  }

  private async ack(socket: Socket, event: string, payload: object): Promise<Ack> {
    return (await socket.timeout(ACK_TIMEOUT_MS).emitWithAck(event, payload)) as Ack;
  }

  private watch(token: string) {
    this.stop();
    const expiresAt = this.auth.localExpiry(token);
    if (expiresAt === undefined) return;
    const remaining = expiresAt - this.timers.now();
    const delay = Math.max(0, remaining - Math.min(REAUTH_LEAD_MS, remaining / 2));
    this.timer = this.timers.setTimeout(() => {
      this.timer = null;
      const current = this.auth.currentAccessToken();
      // Rotated already (by a request): hand it over. Otherwise refresh; the `tokens` event hands it over.
      if (current && current !== token) void this.hand(current);
      else void this.auth.refresh().catch(() => undefined);
    }, delay);
  }
}
