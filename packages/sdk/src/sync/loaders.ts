import { type ChannelView, type Message, parseScope, type ScopeKind } from '@muster/protocol';
import type { Api } from '../http/api.ts';
import { upsertQuestion, upsertResults } from '../store/apply.ts';
import type { Store } from '../store/store.ts';
import type { Draft } from '../store/tables.ts';

/** Why a snapshot is loaded: first follow of a scope, or `reset` from sync (with the log's head then). */
export type LoadReason = { kind: 'follow' } | { kind: 'reset'; head: number; previous: number | undefined };

/**
 * Loads a scope's state by REST and returns the cursor to follow it from. The snapshot must be at
 * least as new as that cursor (read the head first, then the data): records after it that the
 * snapshot already holds are applied again, which is harmless because they are full-state upserts.
 */
export type Loader = (scope: string, reason: LoadReason) => Promise<number>;

/** Messages a channel snapshot loads (the latest page); older pages come with `loadOlderMessages`. */
export const SNAPSHOT_MESSAGES = 50;

/**
 * A channel snapshot into the store: the channel, my markers and (DMs and groups) the others'
 * markers. Markers only move forward, so a snapshot older than a receipt record already applied
 * never moves a tick back.
 */
export function putChannelView(draft: Draft, view: ChannelView): void {
  const {
    canPost: _p,
    unreadCount,
    lastReadSeq,
    lastDeliveredSeq,
    lastMessageAt: _l,
    receipts = [],
    ...channel
  } = view;
  draft.write('channels')[channel.id] = channel;
  if (receipts.length) {
    const table = draft.write('receipts');
    for (const receipt of receipts) {
      const key = `${receipt.channelId}:${receipt.userId}`;
      const held = table[key];
      table[key] = {
        ...receipt,
        deliveredSeq: Math.max(receipt.deliveredSeq, held?.deliveredSeq ?? 0),
        readSeq: Math.max(receipt.readSeq, held?.readSeq ?? 0),
      };
    }
  }
  draft.write('readStates')[channel.id] = {
    channelId: channel.id,
    unreadCount,
    lastReadSeq,
    lastDeliveredSeq,
  };
}

export function putMessages(draft: Draft, messages: readonly Message[]): void {
  const table = draft.write('messages');
  for (const message of messages) table[message.id] = message;
}

/** The loaders per scope kind, over the REST API. */
export function createLoaders(api: Api, store: Store): Loader {
  const loaders: Partial<Record<ScopeKind, (id: string, reason: LoadReason) => Promise<number>>> = {
    // The agenda answers the head it is at least as new as; the event is read after it.
    async event(id) {
      const agenda = await api.sessions.agendaAll(id);
      const event = await api.events.get(id);
      const channels = await api.events.channels(id, { limit: 200 });
      store.load((draft) => {
        draft.write('events')[event.id] = event;
        const sessions = draft.write('sessions');
        for (const session of agenda.items) sessions[session.id] = session;
        for (const view of channels.items) putChannelView(draft, view);
      });
      return agenda.head;
    },
    // A message page reads the head first and never returns a message above it.
    async channel(id) {
      const page = await api.channels.messages(id, { limit: SNAPSHOT_MESSAGES });
      const view = await api.channels.get(id);
      store.load((draft) => {
        putMessages(draft, page.items);
        putChannelView(draft, view);
      });
      return page.head;
    },
    // Live audience scopes have no head in their REST answers, so they are rebuilt from their own
    // log (from 0, records are full-state upserts with deletes) on top of a REST snapshot that also
    // brings what the log never carries: my upvotes, and for presenters drafts and pending questions.
    async session(id, reason) {
      const [polls, questions] = await Promise.all([api.polls.list(id), api.questions.list(id)]);
      store.load((draft) => {
        for (const poll of polls.items) draft.write('polls')[poll.id] = poll;
        for (const question of questions.items) upsertQuestion(draft, question);
      });
      return reason.kind === 'reset' ? reason.head : 0;
    },
    async poll(id, reason) {
      const view = await api.polls.get(id);
      store.load((draft) => {
        draft.write('polls')[view.poll.id] = view.poll;
        if (view.results) upsertResults(draft, view.results);
        if (view.myBallot) draft.write('ballots')[view.poll.id] = view.myBallot;
      });
      return reason.kind === 'reset' ? reason.head : 0;
    },
    async moderation(id, reason) {
      const queue = await api.moderation.queue(id, { status: 'open', limit: 100 });
      store.load((draft) => {
        for (const item of queue.items)
          if (item.status === 'open') draft.write('moderationItems')[item.id] = item;
      });
      return reason.kind === 'reset' ? reason.head : 0;
    },
    // There is no snapshot of everything personal (notes have no list), so the user scope is
    // rebuilt from its own log. Only when the log was compacted is the schedule loaded instead.
    async user(_id, reason) {
      if (reason.kind === 'follow' || reason.previous !== 0) return 0;
      const schedule = await api.me.schedule();
      store.load((draft) => {
        const sessions = draft.write('sessions');
        const bookmarks = draft.write('bookmarks');
        for (const { session } of schedule.items) {
          sessions[session.id] ??= session;
          bookmarks[session.id] = {
            sessionId: session.id,
            eventId: session.eventId,
            createdAt: session.updatedAt,
          };
        }
      });
      const notes = await Promise.all(schedule.items.map(({ session }) => api.sessions.note(session.id)));
      store.load((draft) => {
        for (const note of notes) if (note.updatedAt) draft.write('notes')[note.sessionId] = note;
      });
      return reason.head;
    },
  };
  return async (scope, reason) => {
    const parsed = parseScope(scope);
    const loader = parsed && loaders[parsed.kind];
    // Scopes whose records are not kept locally are followed from their current head.
    if (!parsed || !loader) return reason.kind === 'reset' ? reason.head : 0;
    return loader(parsed.id, reason);
  };
}
