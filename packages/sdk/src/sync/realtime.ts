import {
  type Change,
  type DrainingEvent,
  MAX_SUBSCRIBE_SCOPES,
  PROTOCOL_VERSION,
  type SubscribeAck,
} from '@muster/protocol';
import { io, type ManagerOptions, type Socket, type SocketOptions } from 'socket.io-client';
import type { Emitter } from '../emitter.ts';
import type { Auth } from '../http/auth.ts';
import { backoffDelay, type SignalsAdapter, type TimersAdapter } from '../platform.ts';
import { ConnectAttempt, DEFAULT_CONNECT_TIMEOUT_MS } from './connect-attempt.ts';
import { SocketAuth } from './socket-auth.ts';
import type { Syncer } from './syncer.ts';
import type { ScopeTracker } from './tracker.ts';

/** The server forgets a device's visibility after 75 s; renewed well within. */
const VISIBLE_RENEW_MS = 60_000;

export type ConnectionStatus = 'stopped' | 'connecting' | 'connected' | 'waiting' | 'paused' | 'offline';

export interface RealtimeEvents {
  status: { status: ConnectionStatus };
  /** Typing and presence are ephemeral: passed through, never stored. */
  typing: { channelId: string; userId: string };
  presence: { scope: string; online: number };
}

export type SocketFactory = (url: string, options: Partial<ManagerOptions & SocketOptions>) => Socket;

export interface RealtimeOptions {
  /** Transports to try (default: WebSocket, then HTTP long-polling). */
  transports?: ('websocket' | 'polling')[];
  /** First reconnection delay and its ceiling (exponential, with jitter). */
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** How long one connection attempt may take before it is abandoned and retried (default 20 s). */
  connectTimeoutMs?: number;
  /** Replace Socket.IO's `io` (fault injection in tests, a custom transport). */
  connect?: SocketFactory;
}

export interface RealtimeDeps {
  baseUrl: string;
  auth: Auth;
  tracker: ScopeTracker;
  syncer: Syncer;
  signals: SignalsAdapter;
  timers: TimersAdapter;
  events: Emitter<RealtimeEvents>;
  followed: () => string[];
}

/**
 * The real-time connection. Socket.IO carries records; delivery rests on our seqs: every
 * (re)connection subscribes and then catches up with one sync, every pushed record goes through
 * the tracker, and a gap or a `heads` beat ahead of a cursor triggers a sync. Reconnection is ours
 * (Socket.IO's is off) so that it waits for the network and the screen, re-authenticates with a
 * fresh token, honours the server's `draining` hint and backs off with jitter.
 */
export class Realtime {
  status: ConnectionStatus = 'stopped';
  private socket: Socket | null = null;
  private attempt = 0;
  private timer: unknown = null;
  private drainDelay: number | null = null;
  private syncTimer: unknown = null;
  private syncFailures = 0;
  /** Paused by the app (`pause()`), as opposed to hidden or offline by the signals. */
  private paused = false;
  /** This device's push subscription: while connected (the app on screen) it gets no pushes. */
  private pushDevice: string | null = null;
  private visibleRenewal: ReturnType<typeof setInterval> | null = null;
  private readonly options: RealtimeOptions;
  private readonly deps: RealtimeDeps;
  private readonly unsubscribers: (() => void)[] = [];
  private readonly socketAuth: SocketAuth;
  private readonly opening: ConnectAttempt;

  constructor(deps: RealtimeDeps, options: RealtimeOptions = {}) {
    this.deps = deps;
    this.options = options;
    this.socketAuth = new SocketAuth({
      auth: deps.auth,
      timers: deps.timers,
      socket: () => this.socket,
      reconnect: () => this.reconnectNow(),
    });
    this.opening = new ConnectAttempt(
      deps.timers,
      options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
      () => {
        if (this.status === 'connecting') this.scheduleReconnect();
      },
    );
  }

  /** The underlying socket, for diagnostics and fault injection in tests. */
  get rawSocket(): Socket | null {
    return this.socket;
  }

  start(): void {
    if (this.status !== 'stopped') return;
    this.unsubscribers.push(this.deps.signals.subscribe(() => this.evaluate()));
    this.setStatus('waiting');
    this.evaluate();
  }

  stop(): void {
    for (const unsubscribe of this.unsubscribers.splice(0)) unsubscribe();
    this.clearTimer();
    this.clearConnectionTimers();
    this.socket?.disconnect();
    this.socket?.removeAllListeners();
    this.socket = null;
    this.setStatus('stopped');
  }

  /** Stop receiving (app hidden); `resume` reconnects and catches up with one sync for all scopes. */
  pause(): void {
    this.paused = true;
    this.evaluate();
  }

  resume(): void {
    this.paused = false;
    this.evaluate();
  }

  /**
   * Subscribes the socket to scopes (a new connection subscribes to all followed ones). The ack's
   * heads need no action: every caller catches up right after, which covers them.
   */
  async subscribe(scopes: string[]): Promise<void> {
    if (!this.socket?.connected || !scopes.length) return;
    for (let i = 0; i < scopes.length; i += MAX_SUBSCRIBE_SCOPES)
      await this.socketAuth.emit<SubscribeAck>('subscribe', {
        scopes: scopes.slice(i, i + MAX_SUBSCRIBE_SCOPES),
      });
  }

  async unsubscribe(scopes: string[]): Promise<void> {
    if (this.socket?.connected && scopes.length)
      await this.socketAuth.emit('unsubscribe', { scopes }).catch(() => undefined);
  }

  /**
   * Tells the channel's other readers that the user is typing. Best effort and never queued: a
   * typing hint that cannot go now is worthless later.
   */
  typing(channelId: string): void {
    if (this.socket?.connected) this.socketAuth.emit('typing', { channelId }).catch(() => undefined);
  }

  /**
   * Names this device's push subscription (null: none). While the socket is up the app is on
   * screen, so the server is told, and reminded every minute, to push elsewhere only.
   */
  setPushDevice(subscriptionId: string | null): void {
    if (this.pushDevice && this.pushDevice !== subscriptionId) this.tellVisibility(false);
    this.pushDevice = subscriptionId;
    this.tellVisibility(true);
  }

  private tellVisibility(visible: boolean) {
    if (!visible && this.visibleRenewal) {
      clearInterval(this.visibleRenewal);
      this.visibleRenewal = null;
    }
    if (!this.pushDevice || !this.socket?.connected) return;
    const payload = { visible, pushSubscriptionId: this.pushDevice };
    this.socketAuth.emit('device.visibility', payload).catch(() => undefined);
    if (visible && !this.visibleRenewal)
      this.visibleRenewal = setInterval(() => this.tellVisibility(true), VISIBLE_RENEW_MS);
  }

  /** Hands a fresh access token to the connected socket (see `SocketAuth`). */
  reauthenticate(token: string): Promise<boolean> {
    return this.socketAuth.hand(token);
  }

  /** Connects when the network is up and the app visible; disconnects otherwise. */
  private evaluate() {
    if (this.status === 'stopped') return;
    const { online, visible } = this.deps.signals.current();
    const down: ConnectionStatus | null = this.paused || !visible ? 'paused' : online ? null : 'offline';
    if (down) {
      this.clearTimer();
      this.clearConnectionTimers();
      // Best effort: the push service may reach this device again at once (else in ~75 s).
      this.tellVisibility(false);
      this.socket?.disconnect();
      this.setStatus(down);
      return;
    }
    // Back on screen or online: connect now, whatever the backoff had reached.
    if (this.status === 'offline' || this.status === 'paused') {
      this.attempt = 0;
      void this.connect();
    } else if (this.status === 'waiting' && this.timer === null) void this.connect();
  }

  private async connect() {
    this.clearTimer();
    this.setStatus('connecting');
    const token = await this.deps.auth.accessToken().catch(() => this.deps.auth.currentAccessToken());
    if (this.status !== 'connecting') return;
    if (!token) return this.stop();
    this.socket ??= this.createSocket();
    this.socket.connect();
    this.opening.watch(this.socket);
  }

  private createSocket(): Socket {
    const factory = this.options.connect ?? (io as SocketFactory);
    const socket = factory(this.deps.baseUrl, {
      path: '/socket.io',
      autoConnect: false,
      reconnection: false,
      forceNew: true,
      transports: this.options.transports ?? ['websocket', 'polling'],
      // Read at every connection, so a reconnection carries the latest token.
      auth: (cb) => cb(this.socketAuth.handshake(PROTOCOL_VERSION)),
    });
    socket.on('connect', () => void this.onConnect(socket));
    socket.on('connect_error', (error: Error) => void this.onConnectError(error));
    socket.on('disconnect', (reason: string) => this.onDisconnect(reason));
    socket.on('change', (change: Change) => {
      if (this.deps.tracker.push(change)) this.catchUp();
    });
    socket.on('heads', (heads: Record<string, number>) => {
      if (this.deps.tracker.behind(heads)) this.catchUp();
    });
    socket.on('draining', (event: DrainingEvent) => {
      this.drainDelay = event.reconnectInMs;
    });
    socket.on('typing', (event: RealtimeEvents['typing']) => this.deps.events.emit('typing', event));
    socket.on('presence', (event: RealtimeEvents['presence']) => this.deps.events.emit('presence', event));
    return socket;
  }

  private async onConnect(socket: Socket) {
    this.opening.clear();
    this.attempt = 0;
    this.setStatus('connected');
    this.socketAuth.connected();
    this.tellVisibility(true);
    try {
      await this.subscribe(this.deps.followed());
    } catch {
      // A subscribe cut short by a disconnect is redone on the next connection.
    }
    if (this.socket === socket && socket.connected) this.catchUp();
  }

  private isDown() {
    return this.status === 'stopped' || this.status === 'paused' || this.status === 'offline';
  }

  private async onConnectError(error: Error) {
    this.opening.clear();
    if (this.isDown()) return;
    // This server no longer speaks our protocol: retrying cannot help (the app must update).
    if (error.message === 'unsupported_protocol') return this.stop();
    if (error.message === 'unauthorized') {
      // The handshake token was refused: refresh once (signed out when that fails too).
      const token = await this.deps.auth.refresh().catch(() => 'retry');
      if (!token) return this.stop();
    }
    this.scheduleReconnect();
  }

  private onDisconnect(reason: string) {
    this.clearConnectionTimers();
    if (this.visibleRenewal) clearInterval(this.visibleRenewal);
    this.visibleRenewal = null;
    if (reason === 'io client disconnect' || this.isDown()) return;
    this.scheduleReconnect();
  }

  private scheduleReconnect() {
    const { online, visible } = this.deps.signals.current();
    if (!online || !visible || this.paused) return this.evaluate();
    this.clearTimer();
    this.setStatus('waiting');
    const delay =
      this.drainDelay ??
      backoffDelay(
        this.attempt++,
        this.deps.timers.random,
        this.options.backoffBaseMs,
        this.options.backoffMaxMs,
      );
    this.drainDelay = null;
    this.timer = this.deps.timers.setTimeout(() => {
      this.timer = null;
      if (this.status === 'waiting') void this.connect();
    }, delay);
  }

  /** Syncs; a catch-up that fails (network) is retried with backoff while the socket stays up. */
  private catchUp() {
    this.deps.syncer.sync().then(
      () => {
        this.syncFailures = 0;
      },
      () => {
        if (this.status !== 'connected' || this.syncTimer !== null) return;
        const delay = backoffDelay(
          this.syncFailures++,
          this.deps.timers.random,
          this.options.backoffBaseMs,
          this.options.backoffMaxMs,
        );
        this.syncTimer = this.deps.timers.setTimeout(() => {
          this.syncTimer = null;
          if (this.status === 'connected') this.catchUp();
        }, delay);
      },
    );
  }

  /** A new handshake now (the socket refused a token), without backoff. */
  private reconnectNow() {
    if (this.status === 'connecting' || this.isDown()) return;
    this.socket?.disconnect();
    this.attempt = 0;
    void this.connect();
  }

  /** The timers that only make sense while connected. */
  private clearConnectionTimers() {
    this.opening.clear();
    this.socketAuth.stop();
    if (this.syncTimer !== null) this.deps.timers.clearTimeout(this.syncTimer);
    this.syncTimer = null;
  }

  private clearTimer() {
    if (this.timer !== null) this.deps.timers.clearTimeout(this.timer);
    this.timer = null;
  }

  private setStatus(status: ConnectionStatus) {
    if (this.status === status) return;
    this.status = status;
    this.deps.events.emit('status', { status });
  }
}
