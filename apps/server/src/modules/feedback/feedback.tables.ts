import { sql } from 'drizzle-orm';
import { check, index, integer, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { belongsTo, stampedAt } from '../../platform/db/columns.ts';
import { sessions } from '../agenda/agenda.tables.ts';
import { users } from '../identity/identity.tables.ts';

/** One rating (and optional comment) per attendee per session, changeable (PRODUCT D7). */
export const sessionFeedback = pgTable(
  'session_feedback',
  {
    sessionId: belongsTo('session_id', () => sessions.id),
    userId: belongsTo('user_id', () => users.id),
    rating: integer('rating').notNull(),
    comment: text('comment'),
    updatedAt: stampedAt('updated_at'),
  },
  (t) => [
    primaryKey({ columns: [t.sessionId, t.userId] }),
    index('session_feedback_user_idx').on(t.userId),
    check('session_feedback_rating', sql`${t.rating} between 1 and 5`),
  ],
);
