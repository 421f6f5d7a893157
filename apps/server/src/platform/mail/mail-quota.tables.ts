import { integer, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { timestamptz } from '../db/columns.ts';

/**
 * Mails counted per key and window: `rcpt:<hash>` (bulk mail to one address per day),
 * `community:<id>` (bulk mail of one community per day), `account:<hash>` (account mail to one
 * address per hour). Counted in the database, not per node, so the caps hold on a cluster without
 * Redis; addresses are hashed because this table only needs to tell them apart.
 */
export const mailQuota = pgTable(
  'mail_quota',
  {
    key: text('key').notNull(),
    windowStart: timestamptz('window_start').notNull(),
    sent: integer('sent').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.key, t.windowStart] })],
);
