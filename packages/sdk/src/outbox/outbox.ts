import type { Emitter } from '../emitter.ts';
import { isTransient, MusterApiError } from '../errors.ts';
import type { Api } from '../http/api.ts';
import {
  backoffDelay,
  newKey,
  type SignalsAdapter,
  type StorageAdapter,
  type TimersAdapter,
} from '../platform.ts';
import type { Overlay, Store } from '../store/store.ts';
import type { Syncer } from '../sync/syncer.ts';
import { definitionOf, type Mutation, type MutationInput } from './mutations.ts';

export interface OutboxEvents {
  /** The server accepted a queued write. */
  sent: { mutation: Mutation; response: unknown };
  /** The server refused a write for good (4xx other than 408/429): it left the queue and was rolled back. */
  failed: { mutation: Mutation; error: MusterApiError };
  /**
   * An offline edit lost to a newer value written elsewhere (last writer wins, by the time each was
   * made): it was not sent, and the store shows the server's value (`version` is its `updatedAt`).
   */
  overridden: { mutation: Mutation; version: string };
  /** The number of queued writes changed (for an "n actions waiting" banner). */
  pending: { count: number };
}

export interface OutboxDeps {
  userId: string;
  api: Api;
  store: Store;
  syncer: Syncer;
  storage: StorageAdapter;
  signals: SignalsAdapter;
  timers: TimersAdapter;
  events: Emitter<OutboxEvents>;
  serverNow: () => number;
  signedIn: () => boolean;
  /** Backoff between retries of a transient failure (default 1 s doubling up to 60 s, with jitter). */
  retry?: { baseMs?: number; maxMs?: number };
}

/** Writes whose later versions replace earlier unsent ones instead of queueing behind them. */
const MERGEABLE = new Set([
  'note.put',
  'rsvp.put',
  'rsvp.delete',
  'poll.vote',
  'question.upvote',
  'feedback.put',
]);

/**
 * The mutation outbox. A write gets its idempotency key when it is made, is saved through the
 * storage adapter before the call returns (so it survives a reload), shows at once as an overlay
 * on the store, and is sent in order when the device is online — retried with backoff while the
 * failure is transient, dropped and rolled back when it is permanent. After the server accepts a
 * write its overlay stays until a sync has brought the write's own change record, so the UI never
 * flickers back to the old value and the store only ever holds what the change log says.
 */
export class Outbox {
  private queue: Mutation[] = [];
  private acked: { mutation: Mutation; until: number }[] = [];
  private running = false;
  private stopped = false;
  private retryTimer: unknown = null;
  private failures = 0;
  /** The confirmed state may be behind the server (start, offline, failure): sync before deciding overrides. */
  private stale = true;
  private saving: Promise<void> = Promise.resolve();
  private idleWaiters: (() => void)[] = [];
  private readonly deps: OutboxDeps;
  private readonly key: string;
  private readonly backoff: { baseMs: number; maxMs: number };

  constructor(deps: OutboxDeps) {
    this.deps = deps;
    this.backoff = { baseMs: deps.retry?.baseMs ?? 1000, maxMs: deps.retry?.maxMs ?? 60_000 };
    this.key = `outbox:${deps.userId}`;
  }

  async restore(): Promise<void> {
    this.queue = (await this.deps.storage.get<Mutation[]>(this.key)) ?? [];
    this.changed();
  }

  /** Queues a write; resolves once it is durable. */
  async add(input: MutationInput): Promise<Mutation> {
    const definition = definitionOf(input);
    const target = definition.target?.(input);
    const madeAt = this.deps.serverNow();
    const earlier = target && MERGEABLE.has(input.kind) ? this.lastFor(target) : undefined;
    let mutation: Mutation;
    if (earlier && earlier.attempts === 0 && MERGEABLE.has(earlier.input.kind)) {
      earlier.input = input;
      earlier.madeAt = madeAt;
      mutation = earlier;
    } else {
      const baseVersion = target ? (definition.version?.(this.deps.store.confirmed(), input) ?? null) : null;
      mutation = { key: newKey(), input, madeAt, baseVersion, attempts: 0 };
      this.queue.push(mutation);
    }
    await this.save();
    this.changed();
    this.kick();
    return mutation;
  }

  pending(): readonly Mutation[] {
    return this.queue;
  }

  /** Overlays of queued writes and of accepted ones whose change record has not arrived yet. */
  overlays(): Overlay[] {
    const { userId } = this.deps;
    return [...this.acked.map((a) => a.mutation), ...this.queue].map((m) => (draft) => {
      definitionOf(m.input).overlay(draft, m.input, { userId, madeAt: new Date(m.madeAt).toISOString() });
    });
  }

  /** Sends what is queued, now (network back, app resumed, sync finished). */
  kick(): void {
    if (this.stopped || this.running) return;
    if (this.retryTimer !== null) {
      this.deps.timers.clearTimeout(this.retryTimer);
      this.retryTimer = null;
    }
    void this.run();
  }

  /** The network came back: forget the backoff and catch up before sending. */
  online(): void {
    this.failures = 0;
    this.stale = true;
    this.kick();
  }

  /** A catch-up finished: accepted writes it covers no longer need their overlay. */
  synced(generation: number): void {
    const before = this.acked.length;
    this.acked = this.acked.filter((a) => a.until > generation);
    if (this.acked.length !== before) this.changed();
  }

  /** Resolves when nothing is queued and every accepted write is in the store. */
  idle(): Promise<void> {
    if (!this.queue.length && !this.acked.length) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /**
   * Stops sending and saving. A request still in flight may complete, but its outcome is not
   * recorded: the write stays queued and goes out again, under the same key, after the next start
   * (so a later session on the same storage never has its queue overwritten by this one).
   */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retryTimer !== null) this.deps.timers.clearTimeout(this.retryTimer);
    await this.saving.catch(() => undefined);
  }

  private ready() {
    return !this.stopped && this.deps.signals.current().online && this.deps.signedIn();
  }

  private async run() {
    this.running = true;
    try {
      while (this.queue.length && this.ready()) {
        if (this.stale) {
          await this.deps.syncer.sync();
          this.stale = false;
        }
        const mutation = this.queue[0]!;
        const version = this.overriddenBy(mutation);
        if (version) {
          await this.remove(mutation);
          this.deps.events.emit('overridden', { mutation, version });
          continue;
        }
        if (!(await this.send(mutation))) return;
      }
    } catch (error) {
      this.retry(error);
    } finally {
      this.running = false;
      this.settle();
    }
  }

  /** One attempt; false when the queue must wait (transient failure, signed out). */
  private async send(mutation: Mutation): Promise<boolean> {
    mutation.attempts++;
    await this.save();
    let response: unknown;
    try {
      response = await definitionOf(mutation.input).send(this.deps.api, mutation.input, mutation.key);
    } catch (error) {
      if (error instanceof MusterApiError && error.status === 401) return false; // signed out: keep it
      if (isTransient(error)) {
        this.retry(error);
        return false;
      }
      await this.remove(mutation);
      this.deps.events.emit('failed', { mutation, error: error as MusterApiError });
      return true;
    }
    if (this.stopped) return false;
    this.failures = 0;
    this.accept(mutation, response);
    await this.save();
    this.deps.events.emit('sent', { mutation, response });
    return true;
  }

  private accept(mutation: Mutation, response: unknown) {
    this.queue = this.queue.filter((m) => m !== mutation);
    const definition = definitionOf(mutation.input);
    const target = definition.target?.(mutation.input);
    // Later writes to the same target were based on what this one replaced: they now follow it.
    if (target)
      for (const later of this.queue)
        if (definitionOf(later.input).target?.(later.input) === target)
          later.baseVersion = definition.versionOf?.(response) ?? null;
    const confirm = definition.confirm;
    if (confirm && !this.deps.store.followed().includes(confirm.scope(response)))
      this.deps.store.load((draft) => confirm.write(draft, response));
    this.acked.push({ mutation, until: this.deps.syncer.nextGeneration });
    this.changed();
    this.deps.syncer.sync().catch(() => undefined);
  }

  private overriddenBy(mutation: Mutation): string | undefined {
    const definition = definitionOf(mutation.input);
    const current = definition.version?.(this.deps.store.confirmed(), mutation.input) ?? null;
    if (current === null || current === mutation.baseVersion) return undefined;
    return Date.parse(current) > mutation.madeAt ? current : undefined;
  }

  private retry(error: unknown) {
    this.stale = true;
    if (this.stopped || this.retryTimer !== null) return;
    const retryAfter = error instanceof MusterApiError ? error.retryAfterSeconds : undefined;
    const delay =
      retryAfter !== undefined
        ? retryAfter * 1000
        : backoffDelay(this.failures++, this.deps.timers.random, this.backoff.baseMs, this.backoff.maxMs);
    this.retryTimer = this.deps.timers.setTimeout(() => {
      this.retryTimer = null;
      this.kick();
    }, delay);
  }

  private lastFor(target: string): Mutation | undefined {
    return this.queue.findLast((m) => definitionOf(m.input).target?.(m.input) === target);
  }

  private async remove(mutation: Mutation) {
    this.queue = this.queue.filter((m) => m !== mutation);
    await this.save();
    this.changed();
  }

  private save(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    const snapshot = this.queue.map((m) => ({ ...m }));
    // A failed write does not block later ones; the caller of this one sees its error.
    const write = this.saving.catch(() => undefined).then(() => this.deps.storage.set(this.key, snapshot));
    this.saving = write;
    return write;
  }

  private changed() {
    this.deps.store.overlaysChanged();
    this.deps.events.emit('pending', { count: this.queue.length });
    this.settle();
  }

  private settle() {
    if (this.queue.length || this.acked.length) return;
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }
}
