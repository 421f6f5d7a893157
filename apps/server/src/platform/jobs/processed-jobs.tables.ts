import { pgTable, text } from 'drizzle-orm/pg-core';
import { stampedAt } from '../db/columns.ts';

/** Business keys of job runs that committed; a redelivered job finds its key and does nothing. */
export const processedJobs = pgTable('processed_jobs', {
  key: text('key').primaryKey(),
  processedAt: stampedAt('processed_at'),
});
