import type { FormField } from '@muster/protocol';
import {
  bigserial,
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  uuid,
} from 'drizzle-orm/pg-core';
import { belongsTo, mayBelongTo, refersTo, stampedAt, timestamptz } from '../../platform/db/columns.ts';
import { communities } from '../communities/communities.tables.ts';
import { events } from '../events/events.tables.ts';
import { users } from '../identity/identity.tables.ts';

/**
 * A form owned by an event (`event_id` set) or a community. Its questions live in `form_versions`;
 * `version` is the current one. `received_count` is bumped by the intake batch under this row's
 * lock; processing counts live in `form_stats`, so workers never wait for intake.
 */
export const forms = pgTable(
  'forms',
  {
    id: uuid('id').primaryKey(),
    /** event | community */
    ownerType: text('owner_type').notNull(),
    communityId: belongsTo('community_id', () => communities.id),
    eventId: mayBelongTo('event_id', () => events.id),
    /** registration | lead | survey */
    purpose: text('purpose').notNull(),
    title: text('title').notNull(),
    version: integer('version').notNull().default(1),
    isOpen: boolean('is_open').notNull().default(true),
    burstPerMinute: integer('burst_per_minute').notNull(),
    receivedCount: integer('received_count').notNull().default(0),
    createdBy: refersTo('created_by', () => users.id),
    createdAt: stampedAt('created_at'),
    updatedAt: stampedAt('updated_at'),
  },
  (t) => [index('forms_event_idx').on(t.eventId), index('forms_community_idx').on(t.communityId)],
);

/** Every version of a form's questions; a submission keeps the version it answered. */
export const formVersions = pgTable(
  'form_versions',
  {
    formId: belongsTo('form_id', () => forms.id),
    version: integer('version').notNull(),
    fields: jsonb('fields').$type<FormField[]>().notNull(),
    createdAt: stampedAt('created_at'),
  },
  (t) => [primaryKey({ columns: [t.formId, t.version] })],
);

/**
 * One accepted submission; the row is also the processing job's idempotency record (`status`).
 * `seq` is the arrival order (lists and exports page on it); `fingerprint` tells a repeat of the
 * same submission from a different one reusing its id.
 */
export const formSubmissions = pgTable(
  'form_submissions',
  {
    id: uuid('id').primaryKey(),
    formId: belongsTo('form_id', () => forms.id),
    seq: bigserial('seq', { mode: 'number' }).notNull(),
    version: integer('version').notNull(),
    answers: jsonb('answers').$type<Record<string, unknown>>().notNull(),
    fingerprint: text('fingerprint').notNull(),
    ref: text('ref'),
    submitterId: refersTo('submitter_id', () => users.id),
    /** queued | processing | done | failed */
    status: text('status').notNull().default('queued'),
    error: text('error'),
    /** Set by the lead pipeline once it exists (no foreign key yet: the leads table comes with it). */
    leadId: uuid('lead_id'),
    receivedAt: stampedAt('received_at'),
    processedAt: timestamptz('processed_at'),
  },
  (t) => [
    index('form_submissions_form_seq_idx').on(t.formId, t.seq),
    index('form_submissions_form_status_seq_idx').on(t.formId, t.status, t.seq),
  ],
);

/** Processing counters per form, written by workers only. */
export const formStats = pgTable('form_stats', {
  formId: uuid('form_id')
    .primaryKey()
    .references(() => forms.id, { onDelete: 'cascade' }),
  processed: integer('processed').notNull().default(0),
  failed: integer('failed').notNull().default(0),
});
