import { pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * When each throttled key (a poll's results, a session's question counts) was last published, on
 * any node: the one shared clock that keeps the rate per key whatever the number of nodes.
 */
export const publishMarks = pgTable('publish_marks', {
  key: text('key').primaryKey(),
  publishedAt: timestamp('published_at', { withTimezone: true, mode: 'date' }).notNull(),
});
