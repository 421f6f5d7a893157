import {
  type Message,
  type ReactionCount,
  type RsvpChoice,
  type Session,
  scopes,
  type UpdateSessionBody,
  type VoteBody,
} from '@muster/protocol';
import type { Api } from '../http/api.ts';
import type { Draft, LocalMessage, Tables } from '../store/tables.ts';
import { liveDefinitions } from './live-mutations.ts';

/** Every write the outbox knows how to queue, replay and show optimistically. */
export type MutationInput =
  | { kind: 'note.put'; sessionId: string; body: string }
  | { kind: 'bookmark.add'; sessionId: string; eventId?: string }
  | { kind: 'bookmark.remove'; sessionId: string }
  | { kind: 'rsvp.put'; eventId: string; status: RsvpChoice }
  | { kind: 'rsvp.delete'; eventId: string }
  | { kind: 'message.send'; channelId: string; clientMsgId: string; body: string; replyToId?: string | null }
  | { kind: 'message.edit'; messageId: string; body: string }
  | { kind: 'message.delete'; messageId: string }
  | { kind: 'reaction.add'; messageId: string; emoji: string }
  | { kind: 'reaction.remove'; messageId: string; emoji: string }
  | { kind: 'channel.mark'; channelId: string; marker: 'read' | 'delivered'; seq: number }
  | { kind: 'session.update'; sessionId: string; patch: UpdateSessionBody }
  | { kind: 'session.cancel'; sessionId: string }
  | { kind: 'poll.vote'; pollId: string; sessionId: string; vote: VoteBody }
  | { kind: 'question.ask'; sessionId: string; clientId: string; body: string; anonymous: boolean }
  | { kind: 'question.upvote'; questionId: string; upvoted: boolean }
  | { kind: 'feedback.put'; sessionId: string; rating: number; comment: string | null };

export type MutationKind = MutationInput['kind'];

/** A queued write. `key` is its idempotency key, fixed when the write is made. */
export interface Mutation {
  key: string;
  input: MutationInput;
  /** When the user made it, on the server's clock (estimated), in ms. */
  madeAt: number;
  /** The confirmed version (`updatedAt`) of the target when the write was made, for `overridden`. */
  baseVersion: string | null;
  /** Send attempts so far; one that may have reached the server is never merged into. */
  attempts: number;
}

export interface OverlayContext {
  userId: string;
  madeAt: string;
}

export interface Definition<I extends MutationInput> {
  send(api: Api, input: I, key: string): Promise<unknown>;
  overlay(draft: Draft, input: I, ctx: OverlayContext): void;
  /** What the write replaces as a whole (last writer wins): enables `overridden` and merging. */
  target?(input: I): string;
  version?(tables: Tables, input: I): string | null;
  versionOf?(response: unknown): string | null;
  /**
   * The scope the write's change record travels on, and how its answer is stored when that scope
   * is not followed (no record will come). Writes to the user's own scope need neither.
   */
  confirm?: Confirm;
}

export interface Confirm {
  scope(response: unknown): string;
  write(draft: Draft, response: unknown): void;
}

const messageAnswer: Confirm = {
  scope: (r) => scopes.channel((r as Message).channelId),
  write: (draft, r) => {
    draft.write('messages')[(r as Message).id] = r as Message;
  },
};

const sessionAnswer: Confirm = {
  scope: (r) => scopes.event((r as Session).eventId),
  write: (draft, r) => {
    draft.write('sessions')[(r as Session).id] = r as Session;
  },
};

export type Definitions = { [K in MutationKind]: Definition<Extract<MutationInput, { kind: K }>> };

const updatedAt = (response: unknown) =>
  (response as { updatedAt?: string | null } | null)?.updatedAt ?? null;

function patchMessage(draft: Draft, id: string, change: (m: LocalMessage) => LocalMessage) {
  const message = draft.read('messages')[id];
  if (message) draft.write('messages')[id] = change(message);
}

function react(message: LocalMessage, emoji: string, add: boolean): LocalMessage {
  const mine = message.myReactions ?? [];
  if (mine.includes(emoji) === add) return message;
  const reactions: ReactionCount[] = message.reactions
    .map((r) => (r.emoji === emoji ? { ...r, count: r.count + (add ? 1 : -1) } : r))
    .filter((r) => r.count > 0);
  if (add && !reactions.some((r) => r.emoji === emoji)) reactions.push({ emoji, count: 1 });
  return { ...message, reactions, myReactions: add ? [...mine, emoji] : mine.filter((e) => e !== emoji) };
}

export const definitions: Definitions = {
  ...liveDefinitions,
  'note.put': {
    send: (api, i, key) => api.sessions.putNote(i.sessionId, i.body, { idempotencyKey: key }),
    overlay(draft, i) {
      const current = draft.read('notes')[i.sessionId];
      draft.write('notes')[i.sessionId] = {
        sessionId: i.sessionId,
        body: i.body,
        updatedAt: current?.updatedAt ?? null,
      };
    },
    target: (i) => `note:${i.sessionId}`,
    version: (t, i) => t.notes[i.sessionId]?.updatedAt ?? null,
    versionOf: updatedAt,
  },
  'bookmark.add': {
    send: (api, i, key) => api.sessions.bookmark(i.sessionId, { idempotencyKey: key }),
    overlay(draft, i, ctx) {
      const eventId = i.eventId ?? draft.read('sessions')[i.sessionId]?.eventId ?? '';
      draft.write('bookmarks')[i.sessionId] ??= { sessionId: i.sessionId, eventId, createdAt: ctx.madeAt };
    },
  },
  'bookmark.remove': {
    send: (api, i, key) => api.sessions.unbookmark(i.sessionId, { idempotencyKey: key }),
    overlay(draft, i) {
      if (i.sessionId in draft.read('bookmarks')) delete draft.write('bookmarks')[i.sessionId];
    },
  },
  'rsvp.put': {
    send: (api, i, key) => api.events.putRsvp(i.eventId, i.status, { idempotencyKey: key }),
    overlay(draft, i, ctx) {
      const current = draft.read('rsvps')[i.eventId];
      // `going` may turn out `waitlisted`: the server's record corrects it.
      if (current?.status === 'waitlisted' && i.status === 'going') return;
      draft.write('rsvps')[i.eventId] = {
        eventId: i.eventId,
        status: i.status,
        updatedAt: current?.updatedAt ?? ctx.madeAt,
      };
    },
    target: (i) => `rsvp:${i.eventId}`,
    version: (t, i) => t.rsvps[i.eventId]?.updatedAt ?? null,
    versionOf: updatedAt,
  },
  'rsvp.delete': {
    send: (api, i, key) => api.events.deleteRsvp(i.eventId, { idempotencyKey: key }),
    overlay(draft, i) {
      if (i.eventId in draft.read('rsvps')) delete draft.write('rsvps')[i.eventId];
    },
    target: (i) => `rsvp:${i.eventId}`,
    version: (t, i) => t.rsvps[i.eventId]?.updatedAt ?? null,
    versionOf: () => null,
  },
  'message.send': {
    confirm: messageAnswer,
    send: (api, i, key) =>
      api.channels.send(
        i.channelId,
        { body: i.body, clientMsgId: i.clientMsgId, ...(i.replyToId ? { replyToId: i.replyToId } : {}) },
        { idempotencyKey: key },
      ),
    overlay(draft, i, ctx) {
      const sent = Object.values(draft.read('messages')).some(
        (m) => m.clientMsgId === i.clientMsgId && m.senderId === ctx.userId && m.channelId === i.channelId,
      );
      if (sent) return;
      draft.write('messages')[`local:${i.clientMsgId}`] = {
        id: `local:${i.clientMsgId}`,
        channelId: i.channelId,
        seq: 0,
        senderId: ctx.userId,
        clientMsgId: i.clientMsgId,
        body: i.body,
        replyToId: i.replyToId ?? null,
        mentions: [],
        reactions: [],
        myReactions: [],
        editedAt: null,
        deleted: false,
        deletedAt: null,
        createdAt: ctx.madeAt,
        local: 'sending',
      };
    },
  },
  'message.edit': {
    confirm: messageAnswer,
    send: (api, i, key) => api.messages.edit(i.messageId, { body: i.body }, { idempotencyKey: key }),
    overlay: (draft, i, ctx) =>
      patchMessage(draft, i.messageId, (m) => ({ ...m, body: i.body, editedAt: ctx.madeAt })),
    target: (i) => `message:${i.messageId}`,
    version: (t, i) => t.messages[i.messageId]?.editedAt ?? null,
    versionOf: (r) => (r as { editedAt?: string | null }).editedAt ?? null,
  },
  'message.delete': {
    confirm: messageAnswer,
    send: (api, i, key) => api.messages.delete(i.messageId, { idempotencyKey: key }),
    overlay: (draft, i, ctx) =>
      patchMessage(draft, i.messageId, (m) => ({
        ...m,
        deleted: true,
        body: '',
        deletedAt: ctx.madeAt,
        reactions: [],
      })),
  },
  'reaction.add': {
    confirm: messageAnswer,
    send: (api, i, key) => api.messages.react(i.messageId, i.emoji, { idempotencyKey: key }),
    overlay: (draft, i) => patchMessage(draft, i.messageId, (m) => react(m, i.emoji, true)),
  },
  'reaction.remove': {
    confirm: messageAnswer,
    send: (api, i, key) => api.messages.unreact(i.messageId, i.emoji, { idempotencyKey: key }),
    overlay: (draft, i) => patchMessage(draft, i.messageId, (m) => react(m, i.emoji, false)),
  },
  'channel.mark': {
    send: (api, i, key) => api.channels.mark(i.channelId, i.marker, i.seq, { idempotencyKey: key }),
    overlay(draft, i) {
      const state = draft.read('readStates')[i.channelId];
      if (!state) return;
      const read = i.marker === 'read' ? Math.max(state.lastReadSeq, i.seq) : state.lastReadSeq;
      draft.write('readStates')[i.channelId] = {
        ...state,
        lastReadSeq: read,
        lastDeliveredSeq: Math.max(state.lastDeliveredSeq, read, i.seq),
        unreadCount: read > state.lastReadSeq ? 0 : state.unreadCount,
      };
    },
  },
  'session.update': {
    confirm: sessionAnswer,
    send: (api, i, key) => api.sessions.update(i.sessionId, i.patch, { idempotencyKey: key }),
    overlay(draft, i) {
      const session = draft.read('sessions')[i.sessionId];
      if (session) draft.write('sessions')[i.sessionId] = { ...session, ...i.patch } as typeof session;
    },
    target: (i) => `sessionEdit:${i.sessionId}`,
    version: (t, i) => t.sessions[i.sessionId]?.updatedAt ?? null,
    versionOf: updatedAt,
  },
  'session.cancel': {
    confirm: sessionAnswer,
    send: (api, i, key) => api.sessions.cancel(i.sessionId, { idempotencyKey: key }),
    overlay(draft, i) {
      const session = draft.read('sessions')[i.sessionId];
      if (session) draft.write('sessions')[i.sessionId] = { ...session, cancelled: true };
    },
  },
};

/** The definition of an input's kind (each definition only ever receives inputs of its own kind). */
export const definitionOf = (input: MutationInput) =>
  definitions[input.kind] as unknown as Definition<MutationInput>;
