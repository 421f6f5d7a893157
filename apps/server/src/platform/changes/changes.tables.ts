import { sql } from 'drizzle-orm';
import { bigint, index, jsonb, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core';
import { stampedAt, timestamptz } from '../db/columns.ts';

/** Latest seq per scope. The row lock taken by the increment serialises writers of one scope. */
export const scopeHeads = pgTable('scope_heads', {
  scope: text('scope').primaryKey(),
  seq: bigint('seq', { mode: 'number' }).notNull(),
  /** Changes with seq below this were compacted away; a cursor older than it must reset. */
  floor: bigint('floor', { mode: 'number' }).notNull().default(0),
});

export const changes = pgTable(
  'changes',
  {
    scope: text('scope').notNull(),
    seq: bigint('seq', { mode: 'number' }).notNull(),
    entity: text('entity').notNull(),
    op: text('op').notNull(),
    entityId: text('entity_id').notNull(),
    data: jsonb('data'),
    actorId: uuid('actor_id'),
    at: stampedAt('at'),
  },
  (t) => [primaryKey({ columns: [t.scope, t.seq] })],
);

/**
 * Transactional outbox: a row per committed change not yet known to be published. The writer
 * deletes its rows after publishing; the relay publishes and deletes rows a crashed node left.
 */
export const changeOutbox = pgTable(
  'change_outbox',
  {
    scope: text('scope').notNull(),
    seq: bigint('seq', { mode: 'number' }).notNull(),
    // clock_timestamp, not now(): a transaction that waited long for a lock must not look stale
    // to the relay the moment it commits (now() is the transaction's start).
    createdAt: timestamptz('created_at').notNull().default(sql`clock_timestamp()`),
  },
  (t) => [primaryKey({ columns: [t.scope, t.seq] }), index('change_outbox_created_idx').on(t.createdAt)],
);
