import { boolean, index, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { belongsTo, refersTo, stampedAt, timestamptz } from '../../platform/db/columns.ts';
import { sessions } from '../agenda/agenda.tables.ts';
import { events } from '../events/events.tables.ts';
import { users } from '../identity/identity.tables.ts';
import { tickets } from '../tickets/tickets.tables.ts';

/**
 * Every scan of a known ticket at an event's doors (PRODUCT F4, F5). `scan_id` is made by the
 * scanner, so a scan uploaded twice (an offline batch sent again) is recorded once and answers the
 * same. A second admission of a ticket that is inside is kept beside the first, both `conflict`.
 */
export const checkins = pgTable(
  'checkins',
  {
    id: uuid('id').primaryKey(),
    eventId: belongsTo('event_id', () => events.id),
    ticketId: belongsTo('ticket_id', () => tickets.id),
    scanId: uuid('scan_id').notNull(),
    doorId: text('door_id'),
    /** in | out */
    direction: text('direction').notNull(),
    /** admitted | already_checked_in | exited */
    result: text('result').notNull(),
    conflict: boolean('conflict').notNull().default(false),
    /** Whether the scanner decided on its own (offline) before this record reached the server. */
    offline: boolean('offline').notNull().default(false),
    scannedAt: timestamptz('scanned_at').notNull(),
    recordedAt: stampedAt('recorded_at'),
    byUserId: refersTo('by_user_id', () => users.id),
    undoneAt: timestamptz('undone_at'),
  },
  (t) => [
    uniqueIndex('checkins_scan_idx').on(t.eventId, t.scanId),
    index('checkins_ticket_idx').on(t.ticketId, t.scannedAt),
    index('checkins_event_scanned_idx').on(t.eventId, t.scannedAt),
  ],
);

/** Room attendance (PRODUCT F6): entries and exits of a session's room, one row per scan. */
export const sessionCheckins = pgTable(
  'session_checkins',
  {
    id: uuid('id').primaryKey(),
    sessionId: belongsTo('session_id', () => sessions.id),
    ticketId: belongsTo('ticket_id', () => tickets.id),
    scanId: uuid('scan_id').notNull(),
    /** in | out */
    direction: text('direction').notNull(),
    at: stampedAt('at'),
    byUserId: refersTo('by_user_id', () => users.id),
  },
  (t) => [
    uniqueIndex('session_checkins_scan_idx').on(t.sessionId, t.scanId),
    index('session_checkins_ticket_idx').on(t.sessionId, t.ticketId, t.at),
  ],
);
