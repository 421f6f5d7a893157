import {
  type LoginBody,
  type RegisterBody,
  type RsvpChoice,
  scopes,
  type UpdateSessionBody,
  type User,
  type VoteBody,
} from '@muster/protocol';
import { type DoorOptions, DoorScanner } from './door/door.ts';
import { Emitter } from './emitter.ts';
import { SignedOutError } from './errors.ts';
import { type Api, createApi } from './http/api.ts';
import { Auth } from './http/auth.ts';
import { Transport } from './http/transport.ts';
import type { Mutation, MutationInput } from './outbox/mutations.ts';
import {
  defaultTimers,
  type FetchLike,
  manualSignals,
  newKey,
  type SignalsAdapter,
  type StorageAdapter,
  type TimersAdapter,
} from './platform.ts';
import { type SessionEvents, UserSession } from './session.ts';
import { MemoryStorage } from './storage/memory.ts';
import type { Store } from './store/store.ts';
import type { NotificationRecord } from './store/tables.ts';
import { UnreadableChanges } from './store/unreadable.ts';
import { putMessages } from './sync/loaders.ts';
import type { RealtimeOptions } from './sync/realtime.ts';

export interface MusterClientOptions {
  /** Where the server is, e.g. `https://muster.example.org` (the API is under `/api/v1`). */
  baseUrl: string;
  /** Durable storage for tokens, the local store and the outbox (default: memory, lost on exit). */
  storage?: StorageAdapter;
  /** Online and visibility signals (default: set by hand, starting online and visible). */
  signals?: SignalsAdapter;
  timers?: TimersAdapter;
  fetch?: FetchLike;
  requestTimeoutMs?: number;
  /** Refresh the access token this long before it expires (default 30 s). */
  refreshMarginMs?: number;
  realtime?: RealtimeOptions;
  /** Backoff of the outbox between retries (default 1 s doubling up to 60 s, with jitter). */
  retry?: { baseMs?: number; maxMs?: number };
}

export type ClientEvents = SessionEvents;

/**
 * The Muster client: typed REST (`api`), the signed-in session with silent refresh, and for the
 * signed-in user a local store kept in step with the server by the real-time connection and sync,
 * plus an outbox through which every write goes (optimistic, durable, exactly once).
 */
export class MusterClient {
  readonly api: Api;
  readonly events = new Emitter<ClientEvents>();
  readonly transport: Transport;
  readonly auth: Auth;
  private readonly unreadable = new UnreadableChanges(this.events);
  private session: UserSession | null = null;
  private closing: Promise<void> = Promise.resolve();
  private readonly options: MusterClientOptions;
  private readonly storage: StorageAdapter;
  private readonly signals: SignalsAdapter;
  private readonly timers: TimersAdapter;

  constructor(options: MusterClientOptions) {
    this.options = options;
    this.storage = options.storage ?? new MemoryStorage();
    this.signals = options.signals ?? manualSignals();
    this.timers = options.timers ?? defaultTimers;
    this.transport = new Transport({
      baseUrl: options.baseUrl,
      timers: this.timers,
      ...(options.fetch ? { fetch: options.fetch } : {}),
      ...(options.requestTimeoutMs ? { timeoutMs: options.requestTimeoutMs } : {}),
    });
    this.api = createApi(this.transport);
    this.auth = new Auth({
      storage: this.storage,
      timers: this.timers,
      events: this.events,
      postRefresh: (body) => this.api.auth.refresh(body),
      ...(options.refreshMarginMs !== undefined ? { expiryMarginMs: options.refreshMarginMs } : {}),
    });
    this.transport.tokens = this.auth;
    this.events.on('signedOut', () => void this.closeSession());
    this.events.on('profile', ({ user }) => void this.auth.updateUser(user));
  }

  /** Restores a saved session (and its offline state) and connects. */
  async start(): Promise<this> {
    const saved = await this.auth.load();
    if (saved) await this.openSession(saved.user.id);
    return this;
  }

  /**
   * What the client skipped, for the app's telemetry: `unreadableChanges` counts change records
   * it could not read (an entity it does not know, say) by entity name, since it was made.
   */
  get stats(): { unreadableChanges: Record<string, number> } {
    return { unreadableChanges: this.unreadable.byEntity() };
  }

  get user(): User | null {
    return this.auth.user;
  }

  /** The signed-in user's session (store, real-time, outbox); throws when signed out. */
  get current(): UserSession {
    if (!this.session) throw new SignedOutError();
    return this.session;
  }

  get store(): Store {
    return this.current.store;
  }

  async register(body: RegisterBody): Promise<User> {
    const result = await this.api.auth.register(body);
    await this.auth.signedIn(result);
    await this.openSession(result.user.id);
    return result.user;
  }

  async signIn(body: LoginBody): Promise<User> {
    const result = await this.api.auth.login(body);
    await this.auth.signedIn(result);
    await this.openSession(result.user.id);
    return result.user;
  }

  /**
   * Ends the session on the server (best effort) and here. `forget` also deletes the user's local
   * state and queued writes from the device.
   */
  async signOut(options: { forget?: boolean } = {}): Promise<void> {
    const userId = this.auth.user?.id;
    const refreshToken = await this.auth.signOut('signed_out');
    if (refreshToken) await this.api.auth.logout({ refreshToken }).catch(() => undefined);
    await this.closeSession(); // its last save must not land after the deletes below
    if (options.forget && userId) {
      await this.storage.delete(`state:${userId}`);
      await this.storage.delete(`outbox:${userId}`);
    }
  }

  /** Follows scopes (`event:<id>`, `channel:<id>`, …): loads them, then keeps them up to date. */
  follow(...scopes: string[]): Promise<void> {
    return this.current.follow(scopes);
  }

  unfollow(...scopes: string[]): Promise<void> {
    return this.current.unfollow(scopes);
  }

  /** The event, its agenda and channels, kept live. */
  openEvent(eventId: string): Promise<void> {
    return this.follow(scopes.event(eventId));
  }

  /**
   * A scanner at one door of the event (organisers, staff, volunteers): online verdicts, offline
   * verdicts with the event's keys when the network is gone, and a durable queue uploaded on
   * reconnect. Follows `door:<eventId>` so revocations and the dashboard arrive live.
   */
  async door(eventId: string, options: DoorOptions = {}): Promise<DoorScanner> {
    const session = this.current;
    const store = session.store;
    const scanner = new DoorScanner(
      eventId,
      {
        api: this.api,
        storage: this.storage,
        signals: this.signals,
        timers: this.timers,
        userId: this.auth.user!.id,
        revoked: () =>
          Object.values(store.getState().revocations)
            .filter((r) => r.eventId === eventId)
            .map((r) => r.ticketId),
      },
      options,
    );
    await this.follow(scopes.door(eventId)).catch(() => undefined);
    return scanner.open();
  }

  /** A channel's recent messages and receipts, kept live. */
  openChannel(channelId: string): Promise<void> {
    return this.follow(scopes.channel(channelId));
  }

  /** "Typing…" for the channel's other readers (best effort; callers throttle, e.g. once per 3 s). */
  typing(channelId: string): void {
    this.session?.realtime.typing(channelId);
  }

  /** One more page of older messages into the store; false when there are none. */
  async loadOlderMessages(channelId: string, limit = 50): Promise<boolean> {
    const held = Object.values(this.store.confirmed().messages).filter((m) => m.channelId === channelId);
    const oldest = Math.min(...held.map((m) => m.seq));
    if (!held.length || oldest <= 1) return false;
    const page = await this.api.channels.messages(channelId, { before: oldest, limit });
    this.store.load((draft) => putMessages(draft, page.items));
    return page.items.length > 0;
  }

  /** Catches up every followed scope now (also what reconnection does). */
  sync(): Promise<void> {
    return this.current.syncer.sync();
  }

  /**
   * A page of the inbox from `api.notifications.list` into the store (a fresh device starts with the
   * server's newest items; live changes keep them current from then on) with the server's count.
   */
  loadNotifications(items: readonly NotificationRecord[], unread: number): void {
    const userId = this.user?.id;
    this.store.load((draft) => {
      const table = draft.write('notifications');
      for (const item of items) {
        const held = table[item.id];
        if (!held || (held.updatedAt ?? held.createdAt) <= (item.updatedAt ?? item.createdAt))
          table[item.id] = item;
      }
      if (userId) draft.write('notificationBadge')[userId] = { unread };
    });
  }

  /** This device's Web Push subscription id (null: none): it gets no push while the app is on screen. */
  setPushDevice(subscriptionId: string | null): void {
    this.session?.realtime.setPushDevice(subscriptionId);
  }

  /** Stop the connection (app hidden) and come back with one sync for all scopes. */
  pause(): void {
    this.session?.realtime.pause();
  }

  resume(): void {
    this.session?.realtime.resume();
  }

  /** Resolves when every queued write reached the server and the store holds its result. */
  async idle(): Promise<void> {
    await this.current.outbox.idle();
  }

  /** Queued writes (for an "n actions waiting" banner). */
  pending(): readonly Mutation[] {
    return this.session?.outbox.pending() ?? [];
  }

  // Writes: each is queued (durably) and shown at once; the promise resolves when it is queued.
  rsvp = (eventId: string, status: RsvpChoice) => this.write({ kind: 'rsvp.put', eventId, status });
  cancelRsvp = (eventId: string) => this.write({ kind: 'rsvp.delete', eventId });
  bookmark = (sessionId: string) =>
    this.write({ kind: 'bookmark.add', sessionId, ...this.eventOfSession(sessionId) });
  unbookmark = (sessionId: string) => this.write({ kind: 'bookmark.remove', sessionId });
  saveNote = (sessionId: string, body: string) => this.write({ kind: 'note.put', sessionId, body });
  sendMessage = (channelId: string, body: string, options: { replyToId?: string } = {}) =>
    this.write({ kind: 'message.send', channelId, body, clientMsgId: newKey(), ...options });
  editMessage = (messageId: string, body: string) => this.write({ kind: 'message.edit', messageId, body });
  deleteMessage = (messageId: string) => this.write({ kind: 'message.delete', messageId });
  react = (messageId: string, emoji: string) => this.write({ kind: 'reaction.add', messageId, emoji });
  unreact = (messageId: string, emoji: string) => this.write({ kind: 'reaction.remove', messageId, emoji });
  markRead = (channelId: string, seq: number) =>
    this.write({ kind: 'channel.mark', channelId, marker: 'read', seq });
  markDelivered = (channelId: string, seq: number) =>
    this.write({ kind: 'channel.mark', channelId, marker: 'delivered', seq });
  /** Organisers: edit a session (move it to another room or time…). */
  updateSession = (sessionId: string, patch: UpdateSessionBody) =>
    this.write({ kind: 'session.update', sessionId, patch });
  cancelSession = (sessionId: string) => this.write({ kind: 'session.cancel', sessionId });

  /** A session's live audience (polls opening and closing, visible questions), kept live. */
  openSessionLive = (sessionId: string) => this.follow(scopes.session(sessionId));
  /** A poll's results; refused before they are visible to the caller (`afterVote`, `afterClose`). */
  openPollResults = (pollId: string) => this.follow(scopes.poll(pollId));
  /** Event staff: the event's moderator queue, kept live. */
  openModeration = (eventId: string) => this.follow(scopes.moderation(eventId));

  // Live audience writes: queued like the others, so a vote or a question made offline goes out on reconnect.
  vote = (pollId: string, sessionId: string, vote: VoteBody) =>
    this.write({ kind: 'poll.vote', pollId, sessionId, vote });
  ask = (sessionId: string, body: string, options: { anonymous?: boolean } = {}) =>
    this.write({ kind: 'question.ask', sessionId, body, clientId: newKey(), anonymous: !!options.anonymous });
  upvote = (questionId: string) => this.write({ kind: 'question.upvote', questionId, upvoted: true });
  removeUpvote = (questionId: string) => this.write({ kind: 'question.upvote', questionId, upvoted: false });
  saveFeedback = (sessionId: string, rating: number, comment: string | null = null) =>
    this.write({ kind: 'feedback.put', sessionId, rating, comment });

  /** Queues any write the outbox knows. */
  write(input: MutationInput): Promise<Mutation> {
    return this.current.outbox.add(input);
  }

  /** Disconnects and saves; the client can `start()` again later. */
  async close(): Promise<void> {
    await this.closeSession();
  }

  private eventOfSession(sessionId: string): { eventId?: string } {
    const eventId = this.session?.store.getState().sessions[sessionId]?.eventId;
    return eventId ? { eventId } : {};
  }

  private async openSession(userId: string) {
    if (this.session?.userId === userId) return;
    await this.closeSession();
    const session = new UserSession(
      {
        baseUrl: this.transport.baseUrl,
        api: this.api,
        transport: this.transport,
        auth: this.auth,
        storage: this.storage,
        signals: this.signals,
        timers: this.timers,
        events: this.events,
        unreadable: this.unreadable,
        realtime: this.options.realtime ?? {},
        ...(this.options.retry ? { retry: this.options.retry } : {}),
      },
      userId,
    );
    this.session = session;
    await session.open();
  }

  /** Closes the open session; resolves when every session closed so far has saved and stopped. */
  private closeSession(): Promise<void> {
    const session = this.session;
    this.session = null;
    const before = this.closing;
    this.closing = before.then(() => session?.close());
    return this.closing;
  }
}
