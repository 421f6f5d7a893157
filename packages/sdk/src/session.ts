import { parseScope, scopeFor, scopes, type User } from '@muster/protocol';
import type { Emitter } from './emitter.ts';
import type { Api } from './http/api.ts';
import type { Auth, AuthEvents } from './http/auth.ts';
import type { Transport } from './http/transport.ts';
import { Outbox, type OutboxEvents } from './outbox/outbox.ts';
import type { SignalsAdapter, StorageAdapter, TimersAdapter } from './platform.ts';
import { Store } from './store/store.ts';
import type { UnreadableChanges, UnreadableEvents } from './store/unreadable.ts';
import { createLoaders } from './sync/loaders.ts';
import { Realtime, type RealtimeEvents, type RealtimeOptions } from './sync/realtime.ts';
import { type SyncEvents, Syncer } from './sync/syncer.ts';
import { ScopeTracker } from './sync/tracker.ts';

export type SessionEvents = AuthEvents &
  SyncEvents &
  RealtimeEvents &
  OutboxEvents &
  UnreadableEvents & {
    /** The signed-in user's profile changed (on another device, say). */
    profile: { user: User };
  };

export interface SessionDeps {
  baseUrl: string;
  api: Api;
  transport: Transport;
  auth: Auth;
  storage: StorageAdapter;
  signals: SignalsAdapter;
  timers: TimersAdapter;
  events: Emitter<SessionEvents>;
  /** Counts change records the store could not read; the client's, so it outlives a session. */
  unreadable: UnreadableChanges;
  realtime: RealtimeOptions;
  retry?: { baseMs?: number; maxMs?: number };
}

/** `kind:<uuid>` with the id lower-cased, as the server names scopes; throws on anything else. */
export function normaliseScope(scope: string): string {
  const parsed = parseScope(scope);
  if (!parsed) throw new Error(`Not a scope: ${scope}`);
  return scopeFor(parsed.kind, parsed.id.toLowerCase());
}

/**
 * Everything that belongs to one signed-in user: their store, cursors and outbox (kept under keys
 * of their own, so another user signing in on the device sees none of it), the real-time
 * connection and the catch-up. Their own `user:<id>` scope is always followed.
 */
export class UserSession {
  readonly userId: string;
  readonly store: Store;
  readonly tracker: ScopeTracker;
  readonly syncer: Syncer;
  readonly realtime: Realtime;
  readonly outbox: Outbox;
  private readonly deps: SessionDeps;
  private readonly cleanup: (() => void)[] = [];

  constructor(deps: SessionDeps, userId: string) {
    this.deps = deps;
    this.userId = userId;
    const { api, storage, timers, events } = deps;
    this.store = new Store({
      storage,
      timers,
      ctx: {
        userId,
        onProfile: (user) => events.emit('profile', { user }),
        onUnreadable: (change, reason) => deps.unreadable.report(change, reason),
      },
    });
    const followed = (scope: string) => this.store.followed().includes(scope);
    this.tracker = new ScopeTracker(this.store, followed);
    this.syncer = new Syncer({
      api,
      store: this.store,
      tracker: this.tracker,
      loader: createLoaders(api, this.store),
      events,
      unfollow: (scope) => this.store.setFollowed(this.store.followed().filter((s) => s !== scope)),
    });
    this.realtime = new Realtime(
      {
        baseUrl: deps.baseUrl,
        auth: deps.auth,
        tracker: this.tracker,
        syncer: this.syncer,
        signals: deps.signals,
        timers,
        events,
        followed: () => this.store.followed(),
      },
      deps.realtime,
    );
    this.outbox = new Outbox({
      userId,
      api,
      store: this.store,
      syncer: this.syncer,
      storage,
      signals: deps.signals,
      timers,
      events,
      serverNow: () => deps.transport.serverNow(),
      signedIn: () => deps.auth.user?.id === userId,
      ...(deps.retry ? { retry: deps.retry } : {}),
    });
  }

  /** Restores the saved state and outbox (usable offline at once), then connects. */
  async open(): Promise<void> {
    await this.store.restore();
    await this.outbox.restore();
    this.store.setOverlays(() => this.outbox.overlays());
    const own = scopes.user(this.userId.toLowerCase());
    if (!this.store.followed().includes(own)) this.store.setFollowed([own, ...this.store.followed()]);
    this.cleanup.push(
      this.deps.events.on('synced', ({ generation }) => {
        this.outbox.synced(generation);
        this.outbox.kick();
      }),
      this.deps.signals.subscribe((state) => {
        if (state.online) this.outbox.online();
      }),
      this.deps.events.on('tokens', ({ accessToken }) => void this.realtime.reauthenticate(accessToken)),
    );
    this.realtime.start();
    this.outbox.kick();
  }

  /** Follows scopes: loads what is new, subscribes the socket, catches up. */
  async follow(names: string[]): Promise<void> {
    const fresh = names.map(normaliseScope).filter((scope) => !this.store.followed().includes(scope));
    if (!fresh.length) return;
    this.store.setFollowed([...this.store.followed(), ...fresh]);
    await this.realtime.subscribe(fresh).catch(() => undefined);
    await this.syncer.sync();
  }

  async unfollow(names: string[]): Promise<void> {
    const gone = new Set(names.map(normaliseScope));
    gone.delete(scopes.user(this.userId.toLowerCase()));
    this.store.setFollowed(this.store.followed().filter((scope) => !gone.has(scope)));
    for (const scope of gone) this.tracker.forget(scope);
    await this.realtime.unsubscribe([...gone]);
  }

  /** Stops the connection and the outbox and saves the state (nothing is lost: the outbox is durable). */
  async close(): Promise<void> {
    for (const undo of this.cleanup.splice(0)) undo();
    this.realtime.stop();
    await this.outbox.stop();
    await this.store.close();
  }
}
