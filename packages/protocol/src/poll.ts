import { type Static, Type } from 'typebox';
import { Id, ShortText, Timestamp } from './common.ts';

/** Live polls (PRODUCT D5). A poll belongs to one session; its results travel on `poll:<id>`. */
export const PollKind = Type.Union([
  Type.Literal('single'),
  Type.Literal('multiple'),
  Type.Literal('rating'),
  Type.Literal('wordcloud'),
]);
export type PollKind = Static<typeof PollKind>;

/** Who sees results while the poll is open: everyone, each voter once they voted, or nobody until close. */
export const ResultsVisibility = Type.Union([
  Type.Literal('live'),
  Type.Literal('afterVote'),
  Type.Literal('afterClose'),
]);
export type ResultsVisibility = Static<typeof ResultsVisibility>;

export const PollStatus = Type.Union([Type.Literal('draft'), Type.Literal('open'), Type.Literal('closed')]);
export type PollStatus = Static<typeof PollStatus>;

export const MAX_POLL_OPTIONS = 20;
export const MAX_WORDS_PER_BALLOT = 10;
export const MAX_WORD_LENGTH = 40;

export const PollOption = Type.Object({ id: Id, label: ShortText(200) });
export type PollOption = Static<typeof PollOption>;

export const Poll = Type.Object({
  id: Id,
  sessionId: Id,
  eventId: Id,
  question: Type.String(),
  kind: PollKind,
  options: Type.Array(PollOption),
  /** Rating polls: the top of the scale (5 or 10); null otherwise. */
  scale: Type.Union([Type.Integer(), Type.Null()]),
  /** Word clouds: how many words one voter may give; null otherwise. */
  maxWords: Type.Union([Type.Integer(), Type.Null()]),
  resultsVisibility: ResultsVisibility,
  anonymous: Type.Boolean(),
  status: PollStatus,
  openedAt: Type.Union([Timestamp, Type.Null()]),
  closedAt: Type.Union([Timestamp, Type.Null()]),
  createdAt: Timestamp,
});
export type Poll = Static<typeof Poll>;

export const CreatePollBody = Type.Object(
  {
    question: ShortText(500),
    kind: PollKind,
    /** Option labels for single and multiple choice (2..MAX_POLL_OPTIONS). */
    options: Type.Optional(Type.Array(ShortText(200), { minItems: 2, maxItems: MAX_POLL_OPTIONS })),
    scale: Type.Optional(Type.Union([Type.Literal(5), Type.Literal(10)])),
    maxWords: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_WORDS_PER_BALLOT })),
    resultsVisibility: ResultsVisibility,
    anonymous: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type CreatePollBody = Static<typeof CreatePollBody>;

/** One ballot per user per poll; a second PUT replaces the first while the poll is open. */
export const VoteBody = Type.Object(
  {
    optionIds: Type.Optional(Type.Array(Id, { minItems: 1, maxItems: MAX_POLL_OPTIONS, uniqueItems: true })),
    rating: Type.Optional(Type.Integer({ minimum: 1, maximum: 10 })),
    words: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: MAX_WORD_LENGTH }), {
        minItems: 1,
        maxItems: MAX_WORDS_PER_BALLOT,
      }),
    ),
  },
  { additionalProperties: false },
);
export type VoteBody = Static<typeof VoteBody>;

/** The caller's own ballot (on `user:<id>`, so every device of the voter shows it). */
export const Ballot = Type.Object({
  pollId: Id,
  sessionId: Id,
  optionIds: Type.Array(Id),
  rating: Type.Union([Type.Integer(), Type.Null()]),
  words: Type.Array(Type.String()),
  updatedAt: Timestamp,
});
export type Ballot = Static<typeof Ballot>;

export const WordCount = Type.Object({ word: Type.String(), n: Type.Integer() });
export type WordCount = Static<typeof WordCount>;

/**
 * Exact results: the full counts, never a delta, so the last record a client holds is the truth.
 * `counts` is keyed by option id (choice polls) or by the rating as a string (rating polls).
 */
export const PollResults = Type.Object({
  pollId: Id,
  counts: Type.Record(Type.String(), Type.Integer()),
  /** Ballots cast. */
  total: Type.Integer(),
  average: Type.Optional(Type.Union([Type.Number(), Type.Null()])),
  /** Word clouds: the most given words (hidden words left out), most first. */
  words: Type.Optional(Type.Array(WordCount)),
  /** When these counts were read. */
  at: Timestamp,
});
export type PollResults = Static<typeof PollResults>;

/** A poll as `GET /polls/:id` answers it: with `results` only when the caller may see them. */
export const PollView = Type.Object({
  poll: Poll,
  results: Type.Optional(PollResults),
  myBallot: Type.Optional(Type.Union([Ballot, Type.Null()])),
});
export type PollView = Static<typeof PollView>;

export const PollList = Type.Object({ items: Type.Array(Poll) });
export type PollList = Static<typeof PollList>;

/** Moderators hide or show a word of a word cloud. */
export const WordVisibilityBody = Type.Object(
  { word: Type.String({ minLength: 1, maxLength: MAX_WORD_LENGTH }), hidden: Type.Boolean() },
  { additionalProperties: false },
);
export type WordVisibilityBody = Static<typeof WordVisibilityBody>;

/** Named polls only: who voted what, for the session's presenters. Anonymous polls have no listing. */
export const PollVoter = Type.Object({
  userId: Id,
  name: Type.String(),
  optionIds: Type.Array(Id),
  rating: Type.Union([Type.Integer(), Type.Null()]),
  words: Type.Array(Type.String()),
  updatedAt: Timestamp,
});
export type PollVoter = Static<typeof PollVoter>;

export const PollVoterList = Type.Object({ items: Type.Array(PollVoter) });
export type PollVoterList = Static<typeof PollVoterList>;
