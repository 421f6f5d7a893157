import { integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * The instance's VAPID key pair when none is configured: generated once, kept in the database so
 * every node signs with the same key (a browser's subscription is bound to the key it was made
 * with). In embedded mode the database lives in the data directory, so the keys do too.
 */
export const vapidKeys = pgTable('vapid_keys', {
  id: integer('id').primaryKey(),
  publicKey: text('public_key').notNull(),
  privateKey: text('private_key').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});
