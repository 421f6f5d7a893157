import { type Static, Type } from 'typebox';
import { Id, Timestamp } from './common.ts';

/** Session feedback (PRODUCT D7): one rating and comment per attendee per session, changeable. */
export const MAX_FEEDBACK_COMMENT = 2000;

export const FeedbackBody = Type.Object(
  {
    rating: Type.Integer({ minimum: 1, maximum: 5 }),
    comment: Type.Optional(Type.Union([Type.String({ maxLength: MAX_FEEDBACK_COMMENT }), Type.Null()])),
  },
  { additionalProperties: false },
);
export type FeedbackBody = Static<typeof FeedbackBody>;

/** The caller's own feedback (on `user:<id>`). */
export const Feedback = Type.Object({
  sessionId: Id,
  rating: Type.Integer(),
  comment: Type.Union([Type.String(), Type.Null()]),
  updatedAt: Timestamp,
});
export type Feedback = Static<typeof Feedback>;

/** What speakers of the session and organisers read: never who gave which rating. */
export const FeedbackSummary = Type.Object({
  sessionId: Id,
  count: Type.Integer(),
  average: Type.Union([Type.Number(), Type.Null()]),
  /** Ratings 1..5 → how many gave it. */
  distribution: Type.Record(Type.String(), Type.Integer()),
  comments: Type.Array(Type.Object({ rating: Type.Integer(), comment: Type.String(), at: Timestamp })),
});
export type FeedbackSummary = Static<typeof FeedbackSummary>;

/** `GET /me/feedback-due?eventId=`: sessions to prompt the caller about (the app shows one card). */
export const FeedbackDueQuery = Type.Object({ eventId: Id }, { additionalProperties: false });
export type FeedbackDueQuery = Static<typeof FeedbackDueQuery>;

/** Sessions the caller bookmarked or walked into (a room scan) that ended in the last 24 hours, not rated yet. */
export const FeedbackDue = Type.Object({
  items: Type.Array(Type.Object({ sessionId: Id, title: Type.String(), endsAt: Timestamp })),
});
export type FeedbackDue = Static<typeof FeedbackDue>;
