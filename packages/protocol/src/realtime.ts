import { type Static, Type } from 'typebox';
import { Change } from './sync.ts';

/**
 * Socket.IO contract (default path `/socket.io`). Handshake: `auth: { token, protocolVersion? }`.
 * Every client → server event takes an ack callback; acks are `{ ok: true, … }` or
 * `{ ok: false, code, message }` with the same codes as HTTP problems.
 */
export const SocketAckError = Type.Object({
  ok: Type.Literal(false),
  code: Type.String(),
  message: Type.String(),
});
export type SocketAckError = Static<typeof SocketAckError>;

export const MAX_SUBSCRIBE_SCOPES = 100;

export const SubscribeRequest = Type.Object(
  {
    scopes: Type.Array(Type.String({ minLength: 3, maxLength: 100 }), {
      minItems: 1,
      maxItems: MAX_SUBSCRIBE_SCOPES,
    }),
  },
  { additionalProperties: false },
);
export type SubscribeRequest = Static<typeof SubscribeRequest>;

/** `heads` has the latest seq of each accepted scope; `refused` gives a code per refused scope. */
export const SubscribeAck = Type.Object({
  ok: Type.Literal(true),
  heads: Type.Record(Type.String(), Type.Integer({ minimum: 0 })),
  refused: Type.Record(Type.String(), Type.String()),
});
export type SubscribeAck = Static<typeof SubscribeAck>;

export const UnsubscribeRequest = SubscribeRequest;
export type UnsubscribeRequest = Static<typeof UnsubscribeRequest>;

export const MessageSendRequest = Type.Object(
  {
    channelId: Type.String({ format: 'uuid' }),
    clientMsgId: Type.String({ minLength: 1, maxLength: 100 }),
    body: Type.String({ minLength: 1, maxLength: 4000 }),
    replyToId: Type.Optional(Type.Union([Type.String({ format: 'uuid' }), Type.Null()])),
  },
  { additionalProperties: false },
);
export type MessageSendRequest = Static<typeof MessageSendRequest>;

/** The delivery confirmation: the message is committed with this per-channel seq. */
export const MessageSendAck = Type.Object({ ok: Type.Literal(true), id: Type.String(), seq: Type.Integer() });
export type MessageSendAck = Static<typeof MessageSendAck>;

export const ReceiptRequest = Type.Object(
  {
    channelId: Type.String({ format: 'uuid' }),
    seq: Type.Integer({ minimum: 0 }),
    kind: Type.Union([Type.Literal('delivered'), Type.Literal('read')]),
  },
  { additionalProperties: false },
);
export type ReceiptRequest = Static<typeof ReceiptRequest>;

export const TypingRequest = Type.Object(
  { channelId: Type.String({ format: 'uuid' }) },
  { additionalProperties: false },
);
export type TypingRequest = Static<typeof TypingRequest>;

/** server → client events. */
export const ChangeEvent = Change;
export const HeadsEvent = Type.Record(Type.String(), Type.Integer({ minimum: 0 }));
export type HeadsEvent = Static<typeof HeadsEvent>;
export const TypingEvent = Type.Object({ channelId: Type.String(), userId: Type.String() });
export type TypingEvent = Static<typeof TypingEvent>;
export const PresenceEvent = Type.Object({ scope: Type.String(), online: Type.Integer({ minimum: 0 }) });
export type PresenceEvent = Static<typeof PresenceEvent>;
/** Sent before a node shuts down: reconnect (the load balancer sends you to another node). */
export const DrainingEvent = Type.Object({ reconnectInMs: Type.Integer({ minimum: 0 }) });
export type DrainingEvent = Static<typeof DrainingEvent>;

/**
 * The socket no longer follows `scope`: access to it was lost after subscribing (a role, membership
 * or visibility changed). `code` is what a new subscribe would be refused with. Nothing more is
 * pushed for it; subscribing again is refused until access returns.
 */
export const RevokedEvent = Type.Object({ scope: Type.String(), code: Type.String() });
export type RevokedEvent = Static<typeof RevokedEvent>;
/**
 * Sent just before the server disconnects the socket: `session_revoked` (signed out, signed out
 * everywhere, a reused refresh token, a password reset) or `token_expired` (the access token ran out
 * without `auth` renewing it). A client reconnects only with a fresh token, after signing in again.
 */
export const SessionEndedEvent = Type.Object({
  reason: Type.Union([Type.Literal('session_revoked'), Type.Literal('token_expired')]),
});
export type SessionEndedEvent = Static<typeof SessionEndedEvent>;
/** Handshake refusal (`connect_error` message) when the user already holds the most sockets allowed. */
export const TOO_MANY_SOCKETS = 'too_many_sockets';

/** How often the server sends `heads` for every subscribed scope (the gap detector of last resort). */
export const HEADS_INTERVAL_MS = 15_000;
