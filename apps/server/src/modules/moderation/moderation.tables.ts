import { sql } from 'drizzle-orm';
import { boolean, index, integer, jsonb, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { belongsTo, refersTo, stampedAt, timestamptz } from '../../platform/db/columns.ts';
import { events } from '../events/events.tables.ts';
import { users } from '../identity/identity.tables.ts';

export interface FilterSwitches {
  profanity: boolean;
  links: boolean;
  flood: boolean;
}

/** One row per event that changed its settings; an event without a row uses the defaults. */
export const moderationSettings = pgTable('moderation_settings', {
  eventId: belongsTo('event_id', () => events.id).primaryKey(),
  filters: jsonb('filters').$type<FilterSwitches>().notNull(),
  blockedWords: text('blocked_words').array().notNull().default([]),
  allowedWords: text('allowed_words').array().notNull().default([]),
  qnaPremoderation: boolean('qna_premoderation').notNull().default(false),
  updatedAt: stampedAt('updated_at'),
});

/**
 * The moderator queue: at most one open item per target (a partial unique index), so reports and
 * filter hits on the same thing bump one item instead of flooding the queue.
 */
export const moderationItems = pgTable(
  'moderation_items',
  {
    id: uuid('id').primaryKey(),
    eventId: belongsTo('event_id', () => events.id),
    targetType: text('target_type').notNull(),
    targetId: uuid('target_id').notNull(),
    /** reported | filtered | premoderation */
    reason: text('reason').notNull(),
    excerpt: text('excerpt'),
    authorId: refersTo('author_id', () => users.id),
    flags: text('flags').array().notNull().default([]),
    reports: integer('reports').notNull().default(0),
    /** open | resolved */
    status: text('status').notNull().default('open'),
    createdAt: stampedAt('created_at'),
    updatedAt: stampedAt('updated_at'),
  },
  (t) => [
    uniqueIndex('moderation_items_open_target_key')
      .on(t.targetType, t.targetId)
      .where(sql`${t.status} = 'open'`),
    index('moderation_items_event_idx').on(t.eventId, t.status, t.updatedAt),
  ],
);

/** One report per reporter per target, ever: a second report is a no-op, not a second bump. */
export const moderationReports = pgTable(
  'moderation_reports',
  {
    targetType: text('target_type').notNull(),
    targetId: uuid('target_id').notNull(),
    reporterId: belongsTo('reporter_id', () => users.id),
    eventId: belongsTo('event_id', () => events.id),
    reason: text('reason').notNull(),
    createdAt: stampedAt('created_at'),
  },
  (t) => [uniqueIndex('moderation_reports_key').on(t.targetType, t.targetId, t.reporterId)],
);

/** Who did what, when and why. Append-only; read by organisers. */
export const moderationAudit = pgTable(
  'moderation_audit',
  {
    id: uuid('id').primaryKey(),
    eventId: belongsTo('event_id', () => events.id),
    /** Null for the filters' own actions (`source` automatic). */
    actorId: refersTo('actor_id', () => users.id),
    /** moderator | automatic */
    source: text('source').notNull(),
    action: text('action').notNull(),
    targetType: text('target_type').notNull(),
    targetId: uuid('target_id').notNull(),
    reason: text('reason'),
    until: timestamptz('until'),
    at: stampedAt('at'),
  },
  (t) => [index('moderation_audit_event_idx').on(t.eventId, t.id)],
);

/** A person's mute or ban in one event; `until` null is for good (bans). Lifting deletes the row. */
export const moderationRestrictions = pgTable(
  'moderation_restrictions',
  {
    eventId: belongsTo('event_id', () => events.id),
    userId: belongsTo('user_id', () => users.id),
    /** mute | ban */
    kind: text('kind').notNull(),
    until: timestamptz('until'),
    reason: text('reason'),
    createdAt: stampedAt('created_at'),
  },
  (t) => [uniqueIndex('moderation_restrictions_key').on(t.eventId, t.userId, t.kind)],
);

/**
 * Recent texts per (event, user), for flood control and repeats across nodes: a hash, not the text.
 * Rows older than the longest window are pruned when the same person writes again.
 */
export const moderationRecentTexts = pgTable(
  'moderation_recent_texts',
  {
    id: uuid('id').primaryKey(),
    eventId: belongsTo('event_id', () => events.id),
    userId: belongsTo('user_id', () => users.id),
    hash: text('hash').notNull(),
    at: stampedAt('at'),
  },
  (t) => [index('moderation_recent_texts_user_idx').on(t.eventId, t.userId, t.at)],
);
