import { type Static, Type } from 'typebox';
import { Id, Timestamp } from './common.ts';
import { DirectoryEntry } from './directory.ts';

/**
 * Networking (PRODUCT H1, H2): connection requests between people (by the directory of an event
 * both take part in, or by scanning someone's card), recommendations, and a personal card shown as
 * a QR code that opens the app at `/c/<code>`. Connections outlive the event.
 */
export const CARD_CODE_PATTERN = '^[0-9A-Za-z]{6,40}$';

/** Exactly one of `userId` (someone met in an event's directory: `eventId` required) and `cardCode`. */
export const ConnectionRequestBody = Type.Object(
  {
    userId: Type.Optional(Id),
    cardCode: Type.Optional(Type.String({ pattern: CARD_CODE_PATTERN })),
    /** Where the two met: points and the people screen of that event. */
    eventId: Type.Optional(Id),
  },
  { additionalProperties: false },
);
export type ConnectionRequestBody = Static<typeof ConnectionRequestBody>;

export const Connection = Type.Object({
  id: Id,
  /** The other person. */
  userId: Id,
  name: Type.String(),
  headline: Type.Union([Type.String(), Type.Null()]),
  company: Type.Union([Type.String(), Type.Null()]),
  status: Type.Union([Type.Literal('pending'), Type.Literal('accepted')]),
  /** Whether I asked (`outgoing`) or was asked (`incoming`). */
  direction: Type.Union([Type.Literal('incoming'), Type.Literal('outgoing')]),
  eventId: Type.Union([Id, Type.Null()]),
  createdAt: Timestamp,
  acceptedAt: Type.Union([Timestamp, Type.Null()]),
});
export type Connection = Static<typeof Connection>;

export const ConnectionList = Type.Object({ items: Type.Array(Connection) });
export type ConnectionList = Static<typeof ConnectionList>;

/** My card: its code (shown as a QR of the app's `/c/<code>` link) and my vCard as others get it. */
export const ContactCard = Type.Object({ code: Type.String(), vcard: Type.String() });
export type ContactCard = Static<typeof ContactCard>;

/** Someone worth meeting at an event, and why. */
export const Recommendation = Type.Object({
  person: DirectoryEntry,
  sharedInterests: Type.Array(Type.String()),
  /** Sessions both have on their schedule. */
  sharedSessions: Type.Integer(),
});
export type Recommendation = Static<typeof Recommendation>;

export const RecommendationList = Type.Object({ items: Type.Array(Recommendation) });
export type RecommendationList = Static<typeof RecommendationList>;
