import { sql } from 'drizzle-orm';
import { boolean, check, index, integer, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core';
import { belongsTo, stampedAt, timestamptz } from '../../platform/db/columns.ts';
import { sessions } from '../agenda/agenda.tables.ts';
import { events } from '../events/events.tables.ts';
import { users } from '../identity/identity.tables.ts';

/** Live Q&A (PRODUCT D6). `upvotes` is kept by SQL in the upvote's transaction, never by app code. */
export const questions = pgTable(
  'questions',
  {
    id: uuid('id').primaryKey(),
    eventId: belongsTo('event_id', () => events.id),
    sessionId: belongsTo('session_id', () => sessions.id),
    // A question goes with its asker's account: moderators must always know who asked.
    askerId: belongsTo('asker_id', () => users.id),
    body: text('body').notNull(),
    anonymous: boolean('anonymous').notNull().default(false),
    /** pending | visible | answered | hidden */
    state: text('state').notNull(),
    pinned: boolean('pinned').notNull().default(false),
    upvotes: integer('upvotes').notNull().default(0),
    createdAt: stampedAt('created_at'),
    answeredAt: timestamptz('answered_at'),
    updatedAt: stampedAt('updated_at'),
  },
  (t) => [
    index('questions_session_idx').on(t.sessionId, t.createdAt),
    check('questions_upvotes_nonneg', sql`${t.upvotes} >= 0`),
  ],
);

export const questionUpvotes = pgTable(
  'question_upvotes',
  {
    questionId: belongsTo('question_id', () => questions.id),
    userId: belongsTo('user_id', () => users.id),
  },
  // By user too: deleting an account removes its upvotes without scanning every question's.
  (t) => [primaryKey({ columns: [t.questionId, t.userId] }), index('question_upvotes_user_idx').on(t.userId)],
);

/** Pre-moderation per session: `null` follows the event's setting. */
export const sessionQnaSettings = pgTable('session_qna_settings', {
  sessionId: uuid('session_id')
    .primaryKey()
    .references(() => sessions.id, { onDelete: 'cascade' }),
  premoderation: boolean('premoderation'),
});
