import { integer, jsonb, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { stampedAt } from '../db/columns.ts';

/**
 * Responses remembered per (caller, Idempotency-Key) so a retried write returns the first result.
 * `status` is null while the first request is still running.
 */
export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    owner: text('owner').notNull(),
    key: text('key').notNull(),
    fingerprint: text('fingerprint').notNull(),
    status: integer('status'),
    body: jsonb('body'),
    contentType: text('content_type'),
    createdAt: stampedAt('created_at'),
  },
  (t) => [primaryKey({ columns: [t.owner, t.key] })],
);
