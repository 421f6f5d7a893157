/**
 * A chat client with the delivery protocol of ARCHITECTURE.md ("Delivery guarantee"), as the drill
 * needs it (the approach of apps/server/test/realtime-client.ts, plus an outbox):
 *
 * - receiving: a cursor on `channel:<id>`; a pushed change is applied only if it is `cursor + 1`;
 *   a gap (a later seq, a `heads` beat, the subscribe ack after every (re)connection) triggers
 *   `GET /api/v1/sync` after the cursor, paged until `hasMore` is false, retried until it works;
 * - sending: every message goes into an outbox with its `clientMsgId` and leaves it only on a
 *   positive ack `{ok, id, seq}`; on reconnection (or a lost/late ack) it is sent again with the
 *   same `clientMsgId`, which the server turns into the same message.
 *
 * `shown` is what a user would see: the channel's messages in the order they were applied. Every
 * connect/disconnect and every cursor step is time-stamped for the drill's resume check.
 */
import { io, type Socket } from 'socket.io-client';
import { nowMs } from '../../../bench/lib/clock.ts';

export type Transport = 'websocket' | 'polling';

export interface ClientOptions {
  index: number;
  baseUrl: string;
  token: string;
  channelId: string;
  /** Stated client address (X-Forwarded-For): nginx's stickiness key. */
  address: string;
  transports: Transport[];
  /** Prefix of this run's clientMsgIds. */
  tag: string;
}

export interface ShownMessage {
  seq: number;
  id: string;
  clientMsgId: string;
  senderId: string | null;
}

export interface AckedSend {
  clientMsgId: string;
  id: string;
  seq: number;
  firstSentAt: number;
  ackedAt: number;
  attempts: number;
  /** Wall-clock time (ms) of the last attempt, to tell whether its answer was an earlier commit. */
  lastAttemptWall: number;
}

interface Pending {
  clientMsgId: string;
  body: string;
  firstSentAt: number;
  attempts: number;
  lastAttemptWall: number;
  inFlight: boolean;
}

interface Change {
  scope: string;
  seq: number;
  entity: string;
  id: string;
  data: { id?: string; clientMsgId?: string; senderId?: string | null } | null;
}

/**
 * Long enough not to pile retries onto a server that is merely slow (each retry of a message not
 * yet committed is a second transaction contending for the same channel lock); a reconnection
 * resends at once anyway.
 */
const ACK_TIMEOUT_MS = 10_000;
const RETRYABLE = new Set(['timeout', 'disconnected', 'rate_limited', 'unavailable', 'internal']);
/** The machine-wide monotonic clock of bench/lib/clock.ts, in ms. */
export const now = nowMs;

export class ChatClient {
  readonly options: ClientOptions;
  readonly socket: Socket;
  readonly scope: string;
  cursor = 0;
  readonly shown: ShownMessage[] = [];
  /** [seq, time] each time the cursor moved. */
  readonly cursorSteps: [number, number][] = [];
  readonly connections: { type: 'connect' | 'disconnect'; at: number; detail?: string }[] = [];
  readonly outbox = new Map<string, Pending>();
  readonly acked = new Map<string, AckedSend>();
  readonly errors: Record<string, number> = {};
  readonly fatal: string[] = [];
  /** What happened when, for explaining a slow resume (bounded). */
  readonly trace: [number, string][] = [];
  /** Last time a subscribe was acknowledged. */
  subscribedAt: number | undefined;
  pushes = 0;
  stalePushes = 0;
  syncCalls = 0;
  syncFailures = 0;
  resends = 0;
  private sent = 0;
  private syncWanted = false;
  private syncRunning: Promise<void> | undefined;
  private closed = false;

  constructor(options: ClientOptions) {
    this.options = options;
    this.scope = `channel:${options.channelId}`;
    this.socket = io(options.baseUrl, {
      auth: { token: options.token },
      transports: options.transports,
      upgrade: options.transports.includes('websocket'),
      extraHeaders: { 'x-forwarded-for': options.address },
      reconnectionDelay: 250,
      reconnectionDelayMax: 1000,
      timeout: 5000,
    });
    this.socket.on('connect', () => {
      this.connections.push({ type: 'connect', at: now() });
      this.note(`connected (${this.transport})`);
      void this.subscribe();
      for (const pending of this.outbox.values()) this.trySend(pending);
    });
    this.socket.on('disconnect', (reason) => {
      this.connections.push({ type: 'disconnect', at: now(), detail: reason });
      this.note(`disconnected (${reason})`);
      for (const pending of this.outbox.values()) pending.inFlight = false;
    });
    this.socket.on('change', (change: Change) => this.onChange(change));
    this.socket.on('heads', (heads: Record<string, number>) => this.onHeads(heads));
  }

  get transport(): string {
    return this.socket.io.engine?.transport?.name ?? 'none';
  }

  private async subscribe(): Promise<void> {
    for (let attempt = 0; this.socket.connected && !this.closed; attempt++) {
      try {
        const ack = (await this.socket.timeout(5000).emitWithAck('subscribe', { scopes: [this.scope] })) as {
          ok: boolean;
          heads?: Record<string, number>;
          code?: string;
        };
        if (ack.ok && ack.heads && this.scope in ack.heads) {
          this.subscribedAt = now();
          this.note(`subscribed, head ${ack.heads[this.scope]}`);
          this.onHeads(ack.heads);
          return;
        }
        this.count(`subscribe:${ack.code ?? 'refused'}`);
        this.note(`subscribe refused ${ack.code}`);
      } catch {
        this.count('subscribe:timeout');
        this.note('subscribe timed out');
      }
      await new Promise((resolve) => setTimeout(resolve, 250 * (attempt + 1)));
    }
  }

  private onChange(change: Change): void {
    if (change.scope !== this.scope) return;
    this.pushes++;
    if (change.seq <= this.cursor) {
      this.stalePushes++;
      return;
    }
    if (change.seq === this.cursor + 1) this.apply(change);
    else {
      this.note(`gap: pushed ${change.seq} after ${this.cursor}`);
      this.requestSync();
    }
  }

  private onHeads(heads: Record<string, number>): void {
    const head = heads[this.scope];
    if (head !== undefined && head > this.cursor) this.requestSync();
  }

  private apply(change: Change): void {
    if (change.entity === 'messaging.messageSent' && change.data) {
      this.shown.push({
        seq: change.seq,
        id: change.data.id ?? change.id,
        clientMsgId: change.data.clientMsgId ?? '',
        senderId: change.data.senderId ?? null,
      });
    }
    this.cursor = change.seq;
    this.cursorSteps.push([change.seq, now()]);
  }

  /** Coalesces triggers: one sync loop at a time, and one more pass if asked meanwhile. */
  requestSync(): Promise<void> {
    this.syncWanted = true;
    this.syncRunning ??= (async () => {
      while (this.syncWanted && !this.closed) {
        this.syncWanted = false;
        await this.syncOnce();
      }
      this.syncRunning = undefined;
    })();
    return this.syncRunning;
  }

  private async syncOnce(): Promise<void> {
    for (let failures = 0; !this.closed; ) {
      this.syncCalls++;
      const from = this.cursor;
      try {
        const response = await fetch(
          `${this.options.baseUrl}/api/v1/sync?scopes=${encodeURIComponent(`${this.scope}@${this.cursor}`)}`,
          {
            headers: {
              authorization: `Bearer ${this.options.token}`,
              'x-forwarded-for': this.options.address,
            },
            signal: AbortSignal.timeout(5000),
          },
        );
        if (!response.ok) throw new Error(`sync ${response.status}`);
        const body = (await response.json()) as {
          scopes: Record<
            string,
            { changes?: Change[]; hasMore?: boolean; reset?: boolean; refused?: boolean }
          >;
        };
        const result = body.scopes[this.scope];
        if (!result || result.reset || result.refused) {
          this.fatal.push(`sync answered ${JSON.stringify(result)}`);
          return;
        }
        for (const change of result.changes ?? []) if (change.seq === this.cursor + 1) this.apply(change);
        this.note(`sync ${from} → ${this.cursor}`);
        if (!result.hasMore) return;
      } catch (error) {
        this.syncFailures++;
        this.note(`sync from ${from} failed: ${(error as Error).message}`);
        await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 100 * 2 ** ++failures)));
      }
    }
  }

  /** Queues one message; it is sent now if connected, else on the next connection. */
  send(): void {
    const n = this.sent++;
    const pending: Pending = {
      clientMsgId: `${this.options.tag}-${this.options.index}-${n}`,
      body: `message ${n} from client ${this.options.index}`,
      firstSentAt: now(),
      attempts: 0,
      lastAttemptWall: 0,
      inFlight: false,
    };
    this.outbox.set(pending.clientMsgId, pending);
    this.trySend(pending);
  }

  private trySend(pending: Pending): void {
    if (this.closed || pending.inFlight || !this.socket.connected) return;
    pending.inFlight = true;
    const attempt = ++pending.attempts;
    pending.lastAttemptWall = Date.now();
    if (attempt > 1) this.note(`resend ${pending.clientMsgId} (attempt ${attempt})`);
    if (attempt > 1) this.resends++;
    this.socket
      .timeout(ACK_TIMEOUT_MS)
      .emit(
        'message.send',
        { channelId: this.options.channelId, clientMsgId: pending.clientMsgId, body: pending.body },
        (
          error: Error | null,
          ack?: { ok: boolean; id?: string; seq?: number; code?: string; message?: string },
        ) => {
          if (!this.outbox.has(pending.clientMsgId)) return; // another attempt was acked first
          if (!error && ack?.ok && ack.id && ack.seq !== undefined) {
            this.outbox.delete(pending.clientMsgId);
            this.acked.set(pending.clientMsgId, {
              clientMsgId: pending.clientMsgId,
              id: ack.id,
              seq: ack.seq,
              firstSentAt: pending.firstSentAt,
              ackedAt: now(),
              attempts: pending.attempts,
              lastAttemptWall: pending.lastAttemptWall,
            });
            return;
          }
          // A newer attempt (after a reconnection) is in flight: this one's timeout says nothing new.
          if (attempt !== pending.attempts) return;
          pending.inFlight = false;
          // Socket.IO fails the acks still awaited when the connection drops: the resend on reconnection follows.
          const code = error
            ? this.socket.connected
              ? 'timeout'
              : 'disconnected'
            : (ack?.code ?? 'bad_ack');
          this.count(`send:${code}`);
          this.note(`send ${pending.clientMsgId} attempt ${attempt}: ${code}`);
          if (RETRYABLE.has(code)) setTimeout(() => this.trySend(pending), 300);
          else this.fatal.push(`send ${pending.clientMsgId}: ${code} ${ack?.message ?? ''}`);
        },
      );
  }

  private note(what: string): void {
    if (this.trace.length < 200) this.trace.push([now(), what]);
  }

  private count(code: string): void {
    this.errors[code] = (this.errors[code] ?? 0) + 1;
  }

  /** Time the cursor first reached `seq` (undefined if it never did). */
  reachedAt(seq: number): number | undefined {
    for (const [s, t] of this.cursorSteps) if (s >= seq) return t;
    return undefined;
  }

  close(): void {
    this.closed = true;
    this.socket.close();
  }
}
