import {
  type AnyPgColumn,
  bigint,
  boolean,
  index,
  pgTable,
  primaryKey,
  text,
  unique,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { belongsTo, mayBelongTo, refersTo, stampedAt, timestamptz } from '../../platform/db/columns.ts';
import { sessions } from '../agenda/agenda.tables.ts';
import { events } from '../events/events.tables.ts';
import { users } from '../identity/identity.tables.ts';

export const channels = pgTable(
  'channels',
  {
    id: uuid('id').primaryKey(),
    /** Null for DMs and groups, whose access rule is membership. */
    eventId: mayBelongTo('event_id', () => events.id),
    /** announcements | topic | session | staff | vendors | dm | group */
    kind: text('kind').notNull(),
    name: text('name'),
    sessionId: mayBelongTo('session_id', () => sessions.id),
    createdBy: refersTo('created_by', () => users.id),
    createdAt: stampedAt('created_at'),
    /** The two member ids of a DM, sorted and joined: opening a DM with the same person finds it. */
    dmKey: text('dm_key'),
  },
  (t) => [
    index('channels_event_idx').on(t.eventId, t.id),
    uniqueIndex('channels_dm_key').on(t.dmKey),
    // One chat per agenda session.
    uniqueIndex('channels_session_key').on(t.sessionId),
  ],
);

/**
 * One row per (channel, user) that has a relation to the channel. For DMs and groups `isMember`
 * rows are the access rule. For every channel the row also holds the user's markers, created on
 * their first receipt in event channels (where membership is not a thing: access follows roles).
 */
export const channelMembers = pgTable(
  'channel_members',
  {
    channelId: belongsTo('channel_id', () => channels.id),
    userId: belongsTo('user_id', () => users.id),
    isMember: boolean('is_member').notNull().default(false),
    lastDeliveredSeq: bigint('last_delivered_seq', { mode: 'number' }).notNull().default(0),
    lastReadSeq: bigint('last_read_seq', { mode: 'number' }).notNull().default(0),
    createdAt: stampedAt('created_at'),
    updatedAt: stampedAt('updated_at'),
  },
  (t) => [primaryKey({ columns: [t.channelId, t.userId] }), index('channel_members_user_idx').on(t.userId)],
);

export const messages = pgTable(
  'messages',
  {
    id: uuid('id').primaryKey(),
    channelId: belongsTo('channel_id', () => channels.id),
    /** The seq of the `messaging.messageSent` record in `channel:<id>`. */
    seq: bigint('seq', { mode: 'number' }).notNull(),
    senderId: refersTo('sender_id', () => users.id),
    clientMsgId: text('client_msg_id').notNull(),
    body: text('body').notNull(),
    replyToId: refersTo('reply_to_id', (): AnyPgColumn => messages.id),
    mentions: uuid('mentions').array().notNull().default([]),
    editedAt: timestamptz('edited_at'),
    /** Tombstone: the body is cleared, the row stays so replies and seqs still resolve. */
    deletedAt: timestamptz('deleted_at'),
    /**
     * Hidden by a moderator: shown to everyone as a tombstone, but the body is kept so a restore
     * brings the message back (a delete clears it for good).
     */
    hiddenAt: timestamptz('hidden_at'),
    createdAt: stampedAt('created_at'),
  },
  (t) => [
    unique('messages_channel_seq_key').on(t.channelId, t.seq),
    // A client's retry of the same send finds the first message instead of writing a second.
    unique('messages_client_msg_key').on(t.channelId, t.senderId, t.clientMsgId),
  ],
);

export const reactions = pgTable(
  'reactions',
  {
    messageId: belongsTo('message_id', () => messages.id),
    emoji: text('emoji').notNull(),
    userId: belongsTo('user_id', () => users.id),
    createdAt: stampedAt('created_at'),
  },
  (t) => [primaryKey({ columns: [t.messageId, t.emoji, t.userId] })],
);
