import { index, integer, jsonb, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core';
import { belongsTo, instant, refersTo, stampedAt, timestamptz } from '../../platform/db/columns.ts';
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
    cancelledAt: timestamptz('cancelled_at'),
    createdAt: stampedAt('created_at'),
    updatedAt: stampedAt('updated_at'),
  },
  (t) => [index('sessions_event_starts_idx').on(t.eventId, t.startsAt)],
);

export const sessionHistory = pgTable(
  'session_history',
  {
    id: uuid('id').primaryKey(),
    sessionId: belongsTo('session_id', () => sessions.id),
    eventId: uuid('event_id').notNull(),
    actorId: refersTo('actor_id', () => users.id),
    /** created | updated | cancelled */
    kind: text('kind').notNull(),
    at: stampedAt('at'),
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
    createdAt: stampedAt('created_at'),
  },
  (t) => [primaryKey({ columns: [t.userId, t.sessionId] }), index('bookmarks_session_idx').on(t.sessionId)],
);

export const notes = pgTable(
  'notes',
  {
    userId: belongsTo('user_id', () => users.id),
    sessionId: belongsTo('session_id', () => sessions.id),
    body: text('body').notNull(),
    updatedAt: stampedAt('updated_at'),
  },
  (t) => [primaryKey({ columns: [t.userId, t.sessionId] })],
);
