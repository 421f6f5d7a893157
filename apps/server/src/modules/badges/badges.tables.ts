import { index, integer, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { belongsTo, bytes, refersTo, stampedAt, timestamptz } from '../../platform/db/columns.ts';
import { events } from '../events/events.tables.ts';
import { users } from '../identity/identity.tables.ts';

/**
 * Badge PDFs of large events, rendered by a job (PRODUCT F7) and kept in the database so any node
 * can hand them out; the newest few per event are kept.
 */
export const badgeJobs = pgTable(
  'badge_jobs',
  {
    id: uuid('id').primaryKey(),
    eventId: belongsTo('event_id', () => events.id),
    /** A4 | A6 */
    size: text('size').notNull(),
    /** queued | done | failed */
    status: text('status').notNull().default('queued'),
    badges: integer('badges'),
    pdf: bytes('pdf'),
    error: text('error'),
    requestedBy: refersTo('requested_by', () => users.id),
    createdAt: stampedAt('created_at'),
    finishedAt: timestamptz('finished_at'),
  },
  (t) => [index('badge_jobs_event_idx').on(t.eventId, t.createdAt)],
);
