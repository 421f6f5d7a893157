import type { Change, SubscribeAck, SyncResult } from '@muster/protocol';
import { io, type Socket } from 'socket.io-client';

/**
 * A plain socket of one user, connected (rejects on `connect_error`), with reconnection off so a
 * test sees a dropped connection instead of a silent retry. Added to `sockets` for `afterAll` to close.
 */
export async function connectSocket(url: string, token: string, sockets: Socket[]): Promise<Socket> {
  const socket = io(url, { transports: ['websocket'], auth: { token }, forceNew: true, reconnection: false });
  sockets.push(socket);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  return socket;
}

export interface SyncingClientOptions {
  baseUrl: string;
  token: string;
  scopes: string[];
  transports?: ('polling' | 'websocket')[];
}

/**
 * The delivery protocol of ARCHITECTURE.md, as a minimal client: a cursor per scope; a pushed change
 * is applied only if it is `last + 1`; a gap (from a seq, a `heads` beat or a reconnection) is
 * filled by one `GET /api/v1/sync`. `log` holds every change applied, so tests can compare it with
 * the server's log exactly (no loss, no duplicate, in order).
 */
export class SyncingClient {
  readonly socket: Socket;
  readonly cursors = new Map<string, number>();
  readonly log = new Map<string, Change[]>();
  syncCalls = 0;
  private readonly options: SyncingClientOptions;
  private syncing: Promise<void> = Promise.resolve();

  constructor(options: SyncingClientOptions) {
    this.options = options;
    for (const scope of options.scopes) {
      this.cursors.set(scope, 0);
      this.log.set(scope, []);
    }
    this.socket = io(options.baseUrl, {
      auth: { token: options.token },
      transports: options.transports ?? ['websocket'],
      reconnectionDelay: 100,
      reconnectionDelayMax: 500,
    });
    // A subscribe cut short by a disconnect is simply redone on the next connect.
    this.socket.on('connect', () => void this.subscribe().catch(() => {}));
    this.socket.on('change', (change: Change) => this.onChange(change));
    this.socket.on('heads', (heads: Record<string, number>) => this.onHeads(heads));
  }

  private async subscribe() {
    const ack = (await this.socket
      .timeout(5000)
      .emitWithAck('subscribe', { scopes: this.options.scopes })) as SubscribeAck;
    this.onHeads(ack.heads);
  }

  private onChange(change: Change) {
    const last = this.cursors.get(change.scope);
    if (last === undefined || change.seq <= last) return; // not ours, or already have it
    if (change.seq === last + 1) this.apply(change);
    else void this.sync();
  }

  private onHeads(heads: Record<string, number>) {
    if (Object.entries(heads).some(([scope, head]) => head > (this.cursors.get(scope) ?? head)))
      void this.sync();
  }

  private apply(change: Change) {
    this.log.get(change.scope)?.push(change);
    this.cursors.set(change.scope, change.seq);
  }

  /** One round trip per page; serialised so two triggers never apply the same page twice. */
  sync(): Promise<void> {
    this.syncing = this.syncing.then(async () => {
      for (;;) {
        this.syncCalls++;
        const scopes = [...this.cursors].map(([s, seq]) => `${s}@${seq}`).join(',');
        const res = await fetch(`${this.options.baseUrl}/api/v1/sync?scopes=${encodeURIComponent(scopes)}`, {
          headers: { authorization: `Bearer ${this.options.token}` },
        });
        if (!res.ok) throw new Error(`sync ${res.status}`);
        const body = (await res.json()) as SyncResult;
        let more = false;
        for (const [scope, result] of Object.entries(body.scopes)) {
          if ('changes' in result) {
            for (const change of result.changes)
              if (change.seq === (this.cursors.get(scope) ?? 0) + 1) this.apply(change);
            more ||= result.hasMore;
          }
        }
        if (!more) return;
      }
    });
    return this.syncing;
  }

  close() {
    this.socket.close();
  }
}
