import { pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/** Business keys of job runs that committed; a redelivered job finds its key and does nothing. */
export const processedJobs = pgTable('processed_jobs', {
  key: text('key').primaryKey(),
  processedAt: timestamp('processed_at', { withTimezone: true }).notNull().defaultNow(),
});
