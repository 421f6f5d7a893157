import { type Static, Type } from 'typebox';
import { HeadedPage, Id, Name, Timestamp } from './common.ts';

/**
 * Messaging (D1–D4). A channel's messages, edits, deletes, reactions and (for DMs and groups)
 * receipts travel on the scope `channel:<id>`; a message's `seq` is the seq of its creation record
 * there, so a client that holds a channel's messages up to seq N follows the scope from N.
 */

export const MAX_MESSAGE_LENGTH = 4000;
export const MAX_CLIENT_MSG_ID_LENGTH = 100;
/** A DM or group holds the caller and at most this many others (50 people in all). */
export const MAX_DM_OTHER_USERS = 49;
/** Distinct people one message may mention; more is refused so one message cannot fan out to thousands. */
export const MAX_MENTIONS = 20;
export const MAX_EMOJI_LENGTH = 32;
/** Distinct reactions one person may leave on one message. */
export const MAX_REACTIONS_PER_USER = 20;
/** Unread counts stop at this value (clients show "999+"): counting further costs a scan per channel. */
export const MAX_UNREAD_COUNT = 1000;

export const EventChannelKind = Type.Union([
  Type.Literal('announcements'),
  Type.Literal('topic'),
  Type.Literal('session'),
  Type.Literal('staff'),
  Type.Literal('vendors'),
]);
export type EventChannelKind = Static<typeof EventChannelKind>;

export const ChannelKind = Type.Union([
  Type.Literal('announcements'),
  Type.Literal('topic'),
  Type.Literal('session'),
  Type.Literal('staff'),
  Type.Literal('vendors'),
  Type.Literal('dm'),
  Type.Literal('group'),
]);
export type ChannelKind = Static<typeof ChannelKind>;

/** The facts of a channel, the same for everyone (data of `messaging.channelCreated`). */
export const Channel = Type.Object({
  id: Id,
  /** Null for DMs and groups. */
  eventId: Type.Union([Id, Type.Null()]),
  kind: ChannelKind,
  /** Null for DMs and unnamed groups. */
  name: Type.Union([Type.String(), Type.Null()]),
  /** The agenda session of a `session` channel. */
  sessionId: Type.Union([Id, Type.Null()]),
  /** Everyone in a DM or group (the caller included); empty for event channels. */
  memberIds: Type.Array(Id),
  createdBy: Type.Union([Id, Type.Null()]),
  createdAt: Timestamp,
});
export type Channel = Static<typeof Channel>;

/** A channel as one caller sees it: what they may do and where they are in it. */
export const ChannelView = Type.Object({
  ...Channel.properties,
  canPost: Type.Boolean(),
  /** Messages by others after `lastReadSeq` that are not deleted, up to MAX_UNREAD_COUNT. */
  unreadCount: Type.Integer({ minimum: 0 }),
  lastReadSeq: Type.Integer({ minimum: 0 }),
  lastDeliveredSeq: Type.Integer({ minimum: 0 }),
  lastMessageAt: Type.Union([Timestamp, Type.Null()]),
  /**
   * DMs and groups, on `GET /api/v1/channels/:id`: the other members' delivered and read markers,
   * as `messaging.receiptUpdated` would carry them, so a device that follows the channel from now
   * on shows the ticks the earlier records set.
   */
  receipts: Type.Optional(
    Type.Array(
      Type.Object({
        channelId: Id,
        userId: Id,
        deliveredSeq: Type.Integer({ minimum: 0 }),
        readSeq: Type.Integer({ minimum: 0 }),
      }),
      { maxItems: MAX_DM_OTHER_USERS },
    ),
  ),
});
export type ChannelView = Static<typeof ChannelView>;

export const ChannelPage = Type.Object({
  items: Type.Array(ChannelView),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
});
export type ChannelPage = Static<typeof ChannelPage>;

export const ChannelName = Name(80);

export const CreateChannelBody = Type.Object(
  {
    name: ChannelName,
    kind: EventChannelKind,
    /** Required for `kind: 'session'` (a session of this event), refused otherwise. */
    sessionId: Type.Optional(Id),
  },
  { additionalProperties: false },
);
export type CreateChannelBody = Static<typeof CreateChannelBody>;

/**
 * One other user opens (or returns) the DM with them; more open a new group. Every user must share
 * a community, or a role or RSVP in one event, with the caller.
 */
export const CreateDmBody = Type.Object(
  {
    userIds: Type.Array(Id, { minItems: 1, maxItems: MAX_DM_OTHER_USERS, uniqueItems: true }),
    /** Groups only. */
    name: Type.Optional(ChannelName),
  },
  { additionalProperties: false },
);
export type CreateDmBody = Static<typeof CreateDmBody>;

export const ChannelListQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 100 })),
  cursor: Type.Optional(Type.String({ maxLength: 200 })),
});
export type ChannelListQuery = Static<typeof ChannelListQuery>;

export const ReactionCount = Type.Object({ emoji: Type.String(), count: Type.Integer({ minimum: 1 }) });
export type ReactionCount = Static<typeof ReactionCount>;

/**
 * A message. Deleted messages stay as tombstones (`deleted: true`, empty body, no mentions or
 * reactions) so clients can render "message deleted" and replies keep their target.
 * Mentions are `@[Display name](<user id>)` tokens in the body; `mentions` lists their user ids.
 */
export const Message = Type.Object({
  id: Id,
  channelId: Id,
  seq: Type.Integer({ minimum: 1 }),
  /** Null once the sender's account is deleted. */
  senderId: Type.Union([Id, Type.Null()]),
  clientMsgId: Type.String(),
  body: Type.String(),
  replyToId: Type.Union([Id, Type.Null()]),
  mentions: Type.Array(Id),
  /** Totals per emoji, in the order each emoji was first used. */
  reactions: Type.Array(ReactionCount),
  /** The caller's own reactions; present in REST answers, absent from change records. */
  myReactions: Type.Optional(Type.Array(Type.String())),
  editedAt: Type.Union([Timestamp, Type.Null()]),
  deleted: Type.Boolean(),
  deletedAt: Type.Union([Timestamp, Type.Null()]),
  createdAt: Timestamp,
});
export type Message = Static<typeof Message>;

export const MessageBody = Type.String({ minLength: 1, maxLength: MAX_MESSAGE_LENGTH });

export const SendMessageBody = Type.Object(
  {
    body: MessageBody,
    clientMsgId: Type.String({ minLength: 1, maxLength: MAX_CLIENT_MSG_ID_LENGTH }),
    replyToId: Type.Optional(Type.Union([Id, Type.Null()])),
  },
  { additionalProperties: false },
);
export type SendMessageBody = Static<typeof SendMessageBody>;

export const EditMessageBody = Type.Object({ body: MessageBody }, { additionalProperties: false });
export type EditMessageBody = Static<typeof EditMessageBody>;

/**
 * By seq: `after` pages forward (oldest first), `before` pages back; neither gives the latest
 * `limit` messages. Items are always in seq order.
 */
export const MessageListQuery = Type.Object({
  after: Type.Optional(Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER })),
  before: Type.Optional(Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
});
export type MessageListQuery = Static<typeof MessageListQuery>;

/**
 * `head` is the channel scope's seq when the page was read: follow `channel:<id>` from there.
 * `nextCursor` is the seq to pass as `after` (when paging forward) or `before` (otherwise) for the
 * next page, null when there is none.
 */
export const MessagePage = HeadedPage(Message);
export type MessagePage = Static<typeof MessagePage>;

export const ReactionParams = Type.Object({
  id: Id,
  /** An emoji (sequence) or a short code such as `party_parrot`. */
  emoji: Type.String({ minLength: 1, maxLength: MAX_EMOJI_LENGTH }),
});
export type ReactionParams = Static<typeof ReactionParams>;

/** A read or delivered marker: the seq up to which the caller has seen the channel. */
export const MarkerBody = Type.Object(
  { seq: Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER }) },
  { additionalProperties: false },
);
export type MarkerBody = Static<typeof MarkerBody>;

/**
 * Where one user is in one channel (answer of the marker routes; data of
 * `messaging.readStateChanged` on `user:<id>`, whose change id is the channel id).
 */
export const ReadState = Type.Object({
  channelId: Id,
  lastDeliveredSeq: Type.Integer({ minimum: 0 }),
  lastReadSeq: Type.Integer({ minimum: 0 }),
  unreadCount: Type.Integer({ minimum: 0 }),
});
export type ReadState = Static<typeof ReadState>;

/** Data of `messaging.receiptUpdated` on a DM or group scope (change id = the user id). */
export const ReceiptUpdated = Type.Object({
  channelId: Id,
  userId: Id,
  deliveredSeq: Type.Integer({ minimum: 0 }),
  readSeq: Type.Integer({ minimum: 0 }),
});
export type ReceiptUpdated = Static<typeof ReceiptUpdated>;

/** Data of `messaging.reactionsChanged` (change id = the message id). */
export const ReactionsChanged = Type.Object({
  messageId: Id,
  channelId: Id,
  userId: Id,
  emoji: Type.String(),
  added: Type.Boolean(),
  reactions: Type.Array(ReactionCount),
});
export type ReactionsChanged = Static<typeof ReactionsChanged>;

/** Data of `messaging.mentioned` on the mentioned user's `user:<id>` (change id = the message id). */
export const Mentioned = Type.Object({
  messageId: Id,
  channelId: Id,
  eventId: Type.Union([Id, Type.Null()]),
  seq: Type.Integer({ minimum: 1 }),
  senderId: Type.Union([Id, Type.Null()]),
  /** The first 200 characters of the body. */
  excerpt: Type.String(),
  createdAt: Timestamp,
});
export type Mentioned = Static<typeof Mentioned>;
