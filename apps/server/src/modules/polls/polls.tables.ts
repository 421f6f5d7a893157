import {
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  smallint,
  text,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { belongsTo, refersTo, stampedAt, timestamptz } from '../../platform/db/columns.ts';
import { sessions } from '../agenda/agenda.tables.ts';
import { events } from '../events/events.tables.ts';
import { users } from '../identity/identity.tables.ts';

/** A live poll of one session (PRODUCT D5). Counts are never stored: they derive from `poll_ballots`. */
export const polls = pgTable(
  'polls',
  {
    id: uuid('id').primaryKey(),
    eventId: belongsTo('event_id', () => events.id),
    sessionId: belongsTo('session_id', () => sessions.id),
    question: text('question').notNull(),
    /** single | multiple | rating | wordcloud */
    kind: text('kind').notNull(),
    options: jsonb('options').$type<{ id: string; label: string }[]>().notNull().default([]),
    scale: smallint('scale'),
    maxWords: smallint('max_words'),
    /** live | afterVote | afterClose */
    resultsVisibility: text('results_visibility').notNull(),
    anonymous: boolean('anonymous').notNull().default(false),
    /** draft | open | closed */
    status: text('status').notNull().default('draft'),
    openedAt: timestamptz('opened_at'),
    closedAt: timestamptz('closed_at'),
    createdBy: refersTo('created_by', () => users.id),
    createdAt: stampedAt('created_at'),
  },
  (t) => [index('polls_session_idx').on(t.sessionId, t.createdAt)],
);

/** One ballot per voter per poll; a second vote replaces the row (never a second row). */
export const pollBallots = pgTable(
  'poll_ballots',
  {
    pollId: belongsTo('poll_id', () => polls.id),
    userId: belongsTo('user_id', () => users.id),
    optionIds: uuid('option_ids').array().notNull().default([]),
    rating: integer('rating'),
    words: text('words').array().notNull().default([]),
    updatedAt: stampedAt('updated_at'),
  },
  (t) => [primaryKey({ columns: [t.pollId, t.userId] })],
);

/** Words of a cloud that presenters (or moderators) took out of the published results. */
export const pollHiddenWords = pgTable(
  'poll_hidden_words',
  {
    pollId: belongsTo('poll_id', () => polls.id),
    word: text('word').notNull(),
  },
  (t) => [primaryKey({ columns: [t.pollId, t.word] })],
);

/**
 * Cloud words the moderation filters held (stored hidden, queued): the row's id is the `word`
 * moderation target's id, because a moderation target is named by one id and a word has none.
 * One row per poll and word; the first voter who wrote it is its author in the queue.
 */
export const pollHeldWords = pgTable(
  'poll_held_words',
  {
    id: uuid('id').primaryKey(),
    pollId: belongsTo('poll_id', () => polls.id),
    word: text('word').notNull(),
    authorId: refersTo('author_id', () => users.id),
    createdAt: stampedAt('created_at'),
  },
  (t) => [uniqueIndex('poll_held_words_poll_word').on(t.pollId, t.word)],
);
