import { type Static, Type } from 'typebox';
import { Id, Timestamp } from './common.ts';

/** Live Q&A (PRODUCT D6). */
export const QuestionState = Type.Union([
  Type.Literal('pending'),
  Type.Literal('visible'),
  Type.Literal('answered'),
  Type.Literal('hidden'),
]);
export type QuestionState = Static<typeof QuestionState>;

export const MAX_QUESTION_LENGTH = 500;

/**
 * A question. To the audience an anonymous question has `asker: null`; moderators always see who
 * asked. `upvotedByMe` is the caller's own and absent from change records.
 */
export const Question = Type.Object({
  id: Id,
  sessionId: Id,
  eventId: Id,
  body: Type.String(),
  anonymous: Type.Boolean(),
  asker: Type.Union([Type.Object({ id: Id, name: Type.String() }), Type.Null()]),
  state: QuestionState,
  pinned: Type.Boolean(),
  upvotes: Type.Integer(),
  upvotedByMe: Type.Optional(Type.Boolean()),
  createdAt: Timestamp,
  answeredAt: Type.Union([Timestamp, Type.Null()]),
});
export type Question = Static<typeof Question>;

export const AskBody = Type.Object(
  {
    body: Type.String({ minLength: 1, maxLength: MAX_QUESTION_LENGTH }),
    anonymous: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type AskBody = Static<typeof AskBody>;

export const QuestionSort = Type.Union([Type.Literal('top'), Type.Literal('new')]);
export type QuestionSort = Static<typeof QuestionSort>;

export const QuestionListQuery = Type.Object(
  { sort: Type.Optional(QuestionSort) },
  { additionalProperties: false },
);
export type QuestionListQuery = Static<typeof QuestionListQuery>;

export const QuestionList = Type.Object({ items: Type.Array(Question) });
export type QuestionList = Static<typeof QuestionList>;

/** `pinned` is a state the API accepts (it sets the flag on a visible question); `unpinned` clears it. */
export const UpdateQuestionBody = Type.Object(
  {
    state: Type.Union([
      Type.Literal('visible'),
      Type.Literal('hidden'),
      Type.Literal('answered'),
      Type.Literal('pinned'),
      Type.Literal('unpinned'),
    ]),
    reason: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { additionalProperties: false },
);
export type UpdateQuestionBody = Static<typeof UpdateQuestionBody>;

/** The caller's upvote (on `user:<id>`, so every device of theirs shows it). */
export const Upvote = Type.Object({ questionId: Id, sessionId: Id, upvoted: Type.Boolean() });
export type Upvote = Static<typeof Upvote>;

/** Pre-moderation of one session's questions: on, off, or `null` to follow the event's setting. */
export const SessionQnaSettings = Type.Object(
  { premoderation: Type.Union([Type.Boolean(), Type.Null()]) },
  { additionalProperties: false },
);
export type SessionQnaSettings = Static<typeof SessionQnaSettings>;
