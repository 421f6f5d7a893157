import type { Change } from '@muster/protocol';
import type { StorageAdapter, TimersAdapter } from '../platform.ts';
import { type ApplyContext, applyChange, dropScope } from './apply.ts';
import { Draft, emptyTables, type LocalMessage, TABLE_NAMES, type TableName, type Tables } from './tables.ts';

/** What is kept through the storage adapter: tables and cursors in one value, so they never disagree. */
export interface PersistedState {
  version: 1;
  tables: Tables;
  cursors: Record<string, number>;
  follows: string[];
}

/** An optimistic change laid over the confirmed tables (a pending outbox mutation). */
export type Overlay = (draft: Draft) => void;

export type StoreListener = (state: Tables, changed: ReadonlySet<TableName>) => void;

/** Messages kept per channel across reloads ("recent messages"); older ones are loaded on demand. */
export const PERSISTED_MESSAGES_PER_CHANNEL = 200;
const SAVE_DELAY_MS = 250;

/**
 * The local store of one signed-in user. `base` holds what the server confirmed (change records
 * and REST loads) together with the per-scope cursors; the state the UI reads is `base` with the
 * pending mutations' overlays laid on top, recomputed when either changes. So a rollback is
 * removing an overlay, and a server change under a pending edit keeps the edit visible.
 */
export class Store {
  private base: Tables = emptyTables();
  private readonly cursors = new Map<string, number>();
  private follows: string[] = [];
  private overlays: () => Overlay[] = () => [];
  /** Tables the overlays wrote last time: they change back when an overlay goes away. */
  private overlayTables: TableName[] = [];
  private view: Tables | null = null;
  private changed = new Set<TableName>();
  private notifyQueued = false;
  private readonly listeners = new Set<StoreListener>();
  private saveTimer: unknown = null;
  private closed = false;
  private saving: Promise<void> = Promise.resolve();
  private readonly storage: StorageAdapter;
  private readonly timers: TimersAdapter;
  private readonly key: string;
  private readonly ctx: ApplyContext;

  constructor(options: { storage: StorageAdapter; timers: TimersAdapter; ctx: ApplyContext }) {
    this.storage = options.storage;
    this.timers = options.timers;
    this.ctx = options.ctx;
    this.key = `state:${options.ctx.userId}`;
  }

  /** Loads the last saved state, so a reload offline shows the last known state at once. */
  async restore(): Promise<void> {
    const saved = await this.storage.get<PersistedState>(this.key);
    if (saved?.version !== 1) return;
    this.base = { ...emptyTables(), ...saved.tables };
    for (const [scope, seq] of Object.entries(saved.cursors)) this.cursors.set(scope, seq);
    this.follows = saved.follows;
    this.touch(TABLE_NAMES);
  }

  /** Where the UI reads from: confirmed state plus pending mutations. Same object until something changes. */
  getState(): Tables {
    if (!this.view) {
      const draft = new Draft(this.base);
      for (const overlay of this.overlays()) overlay(draft);
      this.view = draft.result();
    }
    return this.view;
  }

  /** The server-confirmed tables (no pending mutations). */
  confirmed(): Tables {
    return this.base;
  }

  /** Calls `listener` after changes (batched per microtask) with the tables that changed. */
  subscribe(listener: StoreListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  setOverlays(source: () => Overlay[]): void {
    this.overlays = source;
    this.overlaysChanged();
  }

  /** The pending mutations changed: recompute the view. Tables an overlay touches count as changed. */
  overlaysChanged(): void {
    const probe = new Draft(this.base);
    for (const overlay of this.overlays()) overlay(probe);
    this.touch([...probe.written(), ...this.overlayTables]);
    this.overlayTables = probe.written();
  }

  cursor(scope: string): number | undefined {
    return this.cursors.get(scope);
  }

  allCursors(): Record<string, number> {
    return Object.fromEntries(this.cursors);
  }

  followed(): string[] {
    return this.follows;
  }

  setFollowed(scopes: string[]): void {
    this.follows = [...scopes];
    this.scheduleSave();
  }

  /** Applies records that are next in their scopes, advancing each scope's cursor with its record. */
  applyInOrder(changes: readonly Change[]): void {
    if (!changes.length) return;
    const draft = new Draft(this.base);
    for (const change of changes) {
      applyChange(draft, change, this.ctx);
      this.cursors.set(change.scope, change.seq);
    }
    this.commit(draft);
  }

  /** Writes REST answers (snapshots, older pages) into the confirmed tables. */
  load(write: (draft: Draft) => void): void {
    const draft = new Draft(this.base);
    write(draft);
    this.commit(draft);
  }

  setCursor(scope: string, seq: number): void {
    this.cursors.set(scope, seq);
    this.scheduleSave();
  }

  /** Forgets a scope: its rows (see `dropScope`) and, when `forget`, its cursor. */
  dropScope(scope: string, forget = true): void {
    if (forget) this.cursors.delete(scope);
    const draft = new Draft(this.base);
    dropScope(draft, scope);
    this.commit(draft);
  }

  /** Writes the state now (also what the debounced save does); resolves when it is durable. */
  async flush(): Promise<void> {
    if (this.closed) return;
    if (this.saveTimer !== null) {
      this.timers.clearTimeout(this.saveTimer);
      this.saveTimer = null;
    }
    const snapshot: PersistedState = {
      version: 1,
      tables: { ...this.base, messages: recentMessages(this.base.messages) },
      cursors: this.allCursors(),
      follows: this.follows,
    };
    this.saving = this.saving.then(() => this.storage.set(this.key, snapshot));
    await this.saving;
  }

  /** Stops saving (after a final flush) and drops listeners. */
  /** Saves one last time; later changes (a late answer to the closed session) are not saved. */
  async close(): Promise<void> {
    await this.flush();
    this.closed = true;
    this.listeners.clear();
  }

  private commit(draft: Draft) {
    const written = draft.written();
    this.base = draft.result();
    this.touch(written);
    this.scheduleSave();
  }

  private touch(tables: readonly TableName[]) {
    this.view = null;
    for (const table of tables) this.changed.add(table);
    if (this.notifyQueued) return;
    this.notifyQueued = true;
    queueMicrotask(() => {
      this.notifyQueued = false;
      const changed = this.changed;
      this.changed = new Set();
      const state = this.getState();
      for (const listener of [...this.listeners]) listener(state, changed);
    });
  }

  private scheduleSave() {
    if (this.saveTimer !== null || this.closed) return;
    this.saveTimer = this.timers.setTimeout(() => {
      this.saveTimer = null;
      this.flush().catch((error: unknown) => console.error('muster: saving the local store failed', error));
    }, SAVE_DELAY_MS);
  }
}

/** The newest `PERSISTED_MESSAGES_PER_CHANNEL` confirmed messages of each channel. */
function recentMessages(messages: Record<string, LocalMessage>): Record<string, LocalMessage> {
  const byChannel = new Map<string, LocalMessage[]>();
  for (const message of Object.values(messages)) {
    const list = byChannel.get(message.channelId) ?? [];
    list.push(message);
    byChannel.set(message.channelId, list);
  }
  const kept: Record<string, LocalMessage> = {};
  for (const list of byChannel.values()) {
    list.sort((a, b) => b.seq - a.seq);
    for (const message of list.slice(0, PERSISTED_MESSAGES_PER_CHANNEL)) kept[message.id] = message;
  }
  return kept;
}
