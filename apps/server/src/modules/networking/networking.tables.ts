import { sql } from 'drizzle-orm';
import { index, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { belongsTo, refersTo, stampedAt, timestamptz } from '../../platform/db/columns.ts';
import { events } from '../events/index.ts';
import { users } from '../identity/index.ts';

/**
 * A connection between two people (H2), one row per pair whoever asked: `pending` until the other
 * accepts; `declined` stays so that the one declined is not told and cannot ask again and again.
 */
export const connections = pgTable(
  'connections',
  {
    id: uuid('id').primaryKey(),
    requesterId: belongsTo('requester_id', () => users.id),
    addresseeId: belongsTo('addressee_id', () => users.id),
    /** Where they met; the connection outlives the event. */
    eventId: refersTo('event_id', () => events.id),
    /** pending | accepted | declined */
    status: text('status').notNull(),
    createdAt: stampedAt('created_at'),
    respondedAt: timestamptz('responded_at'),
  },
  (t) => [
    uniqueIndex('connections_pair_uq').on(
      sql`least(${t.requesterId}, ${t.addresseeId})`,
      sql`greatest(${t.requesterId}, ${t.addresseeId})`,
    ),
    index('connections_requester_idx').on(t.requesterId),
    index('connections_addressee_idx').on(t.addresseeId),
  ],
);

/** A person's card code: 50 random bits, shown as a QR; scanning it asks to connect. */
export const contactCards = pgTable('contact_cards', {
  userId: belongsTo('user_id', () => users.id).primaryKey(),
  code: text('code').notNull().unique(),
  createdAt: stampedAt('created_at'),
});
