import { MAX_SYNC_SCOPES } from '@muster/protocol';
import type { Emitter } from '../emitter.ts';
import { MusterApiError } from '../errors.ts';
import type { Api } from '../http/api.ts';
import type { Store } from '../store/store.ts';
import type { Loader } from './loaders.ts';
import type { ScopeTracker } from './tracker.ts';

export interface SyncEvents {
  /** A catch-up finished: every followed scope was at its head when it was read. */
  synced: { generation: number };
  /** The server answered `reset` for a scope: its local state was dropped and reloaded. */
  reset: { scope: string };
  /** The caller may not follow the scope (any more): it was unfollowed and its state dropped. */
  refused: { scope: string; code: string };
}

/** Pages one catch-up may take before it yields (a new pass starts at once if more remains). */
const MAX_PAGES = 200;

/**
 * Catch-up through `GET /api/v1/sync`: one round trip per page for all followed scopes (in chunks
 * of MAX_SYNC_SCOPES), following `hasMore`, reloading a scope on `reset`. Catch-ups never overlap:
 * a request made while one runs is served by the next one, which starts after it.
 */
export class Syncer {
  private running: Promise<void> | null = null;
  private queued: Promise<void> | null = null;
  private generation = 0;
  /** The generation of the last catch-up that finished without error. */
  completed = 0;
  /** Round trips to `/api/v1/sync` (for tests and diagnostics). */
  requests = 0;
  private readonly api: Api;
  private readonly store: Store;
  private readonly tracker: ScopeTracker;
  private readonly load: Loader;
  private readonly events: Emitter<SyncEvents>;
  private readonly unfollow: (scope: string) => void;

  constructor(options: {
    api: Api;
    store: Store;
    tracker: ScopeTracker;
    loader: Loader;
    events: Emitter<SyncEvents>;
    unfollow: (scope: string) => void;
  }) {
    this.api = options.api;
    this.store = options.store;
    this.tracker = options.tracker;
    this.load = options.loader;
    this.events = options.events;
    this.unfollow = options.unfollow;
  }

  /** The generation the next catch-up will have. */
  get nextGeneration(): number {
    return this.generation + 1;
  }

  /** Resolves when a catch-up that started after this call has finished. */
  sync(): Promise<void> {
    if (!this.running) {
      const generation = ++this.generation;
      this.running = this.run(generation).finally(() => {
        this.running = null;
      });
      return this.running;
    }
    this.queued ??= this.running
      .catch(() => undefined)
      .then(() => {
        this.queued = null;
        return this.sync();
      });
    return this.queued;
  }

  private async run(generation: number): Promise<void> {
    for (let page = 0; page < MAX_PAGES; page++) {
      await this.loadMissing();
      const scopes = this.store.followed().filter((scope) => this.store.cursor(scope) !== undefined);
      let more = false;
      for (let i = 0; i < scopes.length; i += MAX_SYNC_SCOPES) {
        const chunk = scopes.slice(i, i + MAX_SYNC_SCOPES);
        more = (await this.syncChunk(chunk)) || more;
      }
      if (!more) {
        this.completed = Math.max(this.completed, generation);
        this.events.emit('synced', { generation });
        return;
      }
    }
  }

  /** Scopes followed but never loaded (first follow): snapshot first. */
  private async loadMissing() {
    for (const scope of this.store.followed()) {
      if (this.store.cursor(scope) !== undefined) continue;
      let cursor: number;
      try {
        cursor = await this.load(scope, { kind: 'follow' });
      } catch (error) {
        // A scope the server will never show this user (gone, or not theirs): stop following it,
        // as sync does for a refused scope, instead of failing every later catch-up on it.
        if (!(error instanceof MusterApiError) || ![403, 404].includes(error.status)) throw error;
        this.unfollow(scope);
        this.store.dropScope(scope);
        this.events.emit('refused', { scope, code: error.code });
        continue;
      }
      if (!this.store.followed().includes(scope)) continue;
      this.store.setCursor(scope, cursor);
      this.tracker.settle(scope);
    }
  }

  /** One round trip for up to MAX_SYNC_SCOPES scopes; true when some scope has more to read. */
  private async syncChunk(scopes: string[]): Promise<boolean> {
    const cursors: Record<string, number> = {};
    for (const scope of scopes) cursors[scope] = this.store.cursor(scope) ?? 0;
    this.requests++;
    const result = await this.api.sync(cursors);
    let more = false;
    for (const scope of scopes) {
      const answer = result.scopes[scope];
      if (!answer || this.store.cursor(scope) === undefined) continue;
      if ('refused' in answer) {
        this.unfollow(scope);
        this.store.dropScope(scope);
        this.events.emit('refused', { scope, code: answer.code });
      } else if ('reset' in answer) {
        await this.reset(scope, answer.head, cursors[scope]);
        more = true;
      } else {
        this.tracker.fromLog(scope, answer.changes);
        more ||= answer.hasMore;
      }
    }
    return more;
  }

  private async reset(scope: string, head: number, previous: number | undefined) {
    this.tracker.forget(scope);
    this.store.dropScope(scope);
    this.events.emit('reset', { scope });
    const cursor = await this.load(scope, { kind: 'reset', head, previous });
    if (!this.store.followed().includes(scope)) return;
    this.store.setCursor(scope, cursor);
    this.tracker.settle(scope);
  }
}
