import { index, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { belongsTo, instant } from '../../platform/db/columns.ts';
import { events } from '../events/events.tables.ts';
import { users } from '../identity/identity.tables.ts';

export const sessions = pgTable(
  'sessions',
  {
    id: uuid('id').primaryKey(),
    eventId: belongsTo('event_id', () => events.id),
    title: text('title').notNull(),
    description: text('description'),
    startsAt: instant('starts_at').notNull(),
    endsAt: instant('ends_at').notNull(),
    room: text('room'),
    track: text('track'),
    tags: text('tags').array().notNull().default([]),
    speakerIds: uuid('speaker_ids').array().notNull().default([]),
    capacity: integer('capacity'),
    /** Cancelling keeps the row as a tombstone so that bookmarks and history still resolve. */
    cancelledAt: timestamp('cancelled_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('sessions_event_starts_idx').on(t.eventId, t.startsAt)],
);

export const sessionHistory = pgTable(
  'session_history',
  {
    id: uuid('id').primaryKey(),
    sessionId: belongsTo('session_id', () => sessions.id),
    eventId: uuid('event_id').notNull(),
    actorId: uuid('actor_id').references(() => users.id, { onDelete: 'set null' }),
    /** created | updated | cancelled */
    kind: text('kind').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    before: jsonb('before'),
    after: jsonb('after'),
  },
  (t) => [index('session_history_session_idx').on(t.sessionId, t.at)],
);

export const bookmarks = pgTable(
  'bookmarks',
  {
    userId: belongsTo('user_id', () => users.id),
    sessionId: belongsTo('session_id', () => sessions.id),
    eventId: uuid('event_id').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.sessionId] }), index('bookmarks_session_idx').on(t.sessionId)],
);

export const notes = pgTable(
  'notes',
  {
    userId: belongsTo('user_id', () => users.id),
    sessionId: belongsTo('session_id', () => sessions.id),
    body: text('body').notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.sessionId] })],
);
