import { sql } from 'drizzle-orm';
import {
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { belongsTo, stampedAt, timestamptz } from '../../platform/db/columns.ts';
import { users } from '../identity/identity.tables.ts';

/**
 * The inbox: one row per item, and one row per open group. While `open`, every new intent of the
 * same (user, category, group key) merges into the row with one `INSERT … ON CONFLICT … DO UPDATE`
 * on the partial unique index below: the digest is exact however many deliveries race (never
 * read-then-write). Reading an item closes its group; the next intent starts a new item.
 *
 * Pushing: `pushedCount` is the count the last push showed; `nextPushAt` is when a push of what
 * arrived since is due (a summary of a burst, a low-priority item's digest, the end of quiet hours).
 * The sweep claims due rows with `FOR UPDATE SKIP LOCKED`, so several nodes never push one twice.
 */
export const notifications = pgTable(
  'notifications',
  {
    id: uuid('id').primaryKey(),
    userId: belongsTo('user_id', () => users.id),
    category: text('category').notNull(),
    kind: text('kind').notNull(),
    title: text('title').notNull(),
    body: text('body'),
    url: text('url'),
    data: jsonb('data'),
    /** Business key of a one-off item (the waitlist promotion); null for grouped items. */
    dedupeKey: text('dedupe_key').unique(),
    groupKey: text('group_key'),
    /** The title once several merged, `{count}` replaced in SQL at each merge. */
    groupTitle: text('group_title'),
    /** After a push, what merges waits this long to be pushed as one summary. */
    coalesceSeconds: integer('coalesce_seconds').notNull().default(60),
    /** Scopes whose mute silences this item (its channel, session, event). */
    muteScopes: text('mute_scopes').array().notNull().default(sql`'{}'::text[]`),
    priority: text('priority').notNull().default('normal'),
    count: integer('count').notNull().default(1),
    open: boolean('open').notNull().default(true),
    /** False when the person turned the category's in-app channel off: kept for pushes, not listed. */
    listed: boolean('listed').notNull().default(true),
    pushedCount: integer('pushed_count').notNull().default(0),
    lastPushedAt: timestamptz('last_pushed_at'),
    nextPushAt: timestamptz('next_push_at'),
    emailedCount: integer('emailed_count').notNull().default(0),
    createdAt: stampedAt('created_at'),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    /** When the newest merged occurrence happened: intents may be delivered out of order. */
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull().defaultNow(),
    readAt: timestamptz('read_at'),
  },
  (t) => [
    index('notifications_user_idx').on(t.userId, t.createdAt),
    uniqueIndex('notifications_open_group_idx')
      .on(t.userId, t.category, t.groupKey)
      .where(sql`${t.open} AND ${t.groupKey} IS NOT NULL`),
    index('notifications_push_due_idx').on(t.nextPushAt).where(sql`${t.nextPushAt} IS NOT NULL`),
    index('notifications_unread_idx').on(t.userId).where(sql`${t.readAt} IS NULL AND ${t.listed}`),
  ],
);

/** One row per person who changed a default; absent means every default applies. */
export const notificationPreferences = pgTable('notification_preferences', {
  userId: uuid('user_id')
    .primaryKey()
    .references(() => users.id, { onDelete: 'cascade' }),
  /** `{ <category>: { push, email, inApp } }` for the categories the person changed. */
  categories: jsonb('categories').notNull().default({}),
  quietStart: text('quiet_start'),
  quietEnd: text('quiet_end'),
  quietTimezone: text('quiet_timezone'),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

export const notificationMutes = pgTable(
  'notification_mutes',
  {
    userId: belongsTo('user_id', () => users.id),
    scope: text('scope').notNull(),
    until: timestamptz('until'),
  },
  (t) => [primaryKey({ columns: [t.userId, t.scope] })],
);

/**
 * A device's Web Push subscription. `visibleUntil` is set while the device's socket is live and the
 * app is on screen (renewed by the app; cleared when hidden or disconnected): no push goes there.
 */
export const pushSubscriptions = pgTable(
  'push_subscriptions',
  {
    id: uuid('id').primaryKey(),
    userId: belongsTo('user_id', () => users.id),
    endpoint: text('endpoint').notNull().unique(),
    p256dh: text('p256dh').notNull(),
    auth: text('auth').notNull(),
    createdAt: stampedAt('created_at'),
    lastSuccessAt: timestamptz('last_success_at'),
    visibleUntil: timestamptz('visible_until'),
  },
  (t) => [index('push_subscriptions_user_idx').on(t.userId)],
);

/**
 * Frequency caps: pushes per (user, category, hour). Charged with one conditional upsert, so two
 * nodes can never both take the last allowed push.
 */
export const notificationPushCounts = pgTable(
  'notification_push_counts',
  {
    userId: belongsTo('user_id', () => users.id),
    category: text('category').notNull(),
    hour: timestamp('hour', { withTimezone: true }).notNull(),
    count: integer('count').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.userId, t.category, t.hour] })],
);
