import { index, jsonb, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { belongsTo, stampedAt, timestamptz } from '../../platform/db/columns.ts';
import { users } from '../identity/identity.tables.ts';

/** The in-app inbox. `dedupeKey` makes job handlers idempotent: a retried job finds its row. */
export const notifications = pgTable(
  'notifications',
  {
    id: uuid('id').primaryKey(),
    userId: belongsTo('user_id', () => users.id),
    category: text('category').notNull(),
    kind: text('kind').notNull(),
    title: text('title').notNull(),
    body: text('body'),
    data: jsonb('data'),
    dedupeKey: text('dedupe_key').notNull().unique(),
    createdAt: stampedAt('created_at'),
    readAt: timestamptz('read_at'),
  },
  (t) => [index('notifications_user_idx').on(t.userId, t.createdAt)],
);
