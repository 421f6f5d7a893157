import { boolean, index, integer, jsonb, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { belongsTo, refersTo, stampedAt } from '../../platform/db/columns.ts';
import { communities } from '../communities/communities.tables.ts';
import { users } from '../identity/identity.tables.ts';
import { leads } from './leads.tables.ts';

/** One step of a follow-up sequence: wait `delayMinutes` after the previous step, then send. */
export interface FollowUpStep {
  delayMinutes: number;
  subject: string;
  text: string;
}

/** A community's follow-up mail sequence; every new lead of the community is enrolled while it is active. */
export const followUpSequences = pgTable(
  'follow_up_sequences',
  {
    id: uuid('id').primaryKey(),
    communityId: belongsTo('community_id', () => communities.id),
    name: text('name').notNull(),
    steps: jsonb('steps').$type<FollowUpStep[]>().notNull(),
    active: boolean('active').notNull().default(true),
    createdBy: refersTo('created_by', () => users.id),
    createdAt: stampedAt('created_at'),
  },
  (t) => [index('follow_up_sequences_community_idx').on(t.communityId)],
);

/**
 * A lead's place in a sequence. `nextStep` advances only in the transaction that enqueues that
 * step's mail, so a re-run job never sends a step twice; `status` stops the sequence for good.
 */
export const followUpEnrolments = pgTable(
  'follow_up_enrolments',
  {
    id: uuid('id').primaryKey(),
    sequenceId: belongsTo('sequence_id', () => followUpSequences.id),
    leadId: belongsTo('lead_id', () => leads.id),
    /** active | completed | stopped */
    status: text('status').notNull().default('active'),
    /** Why it stopped: won | lost | unsubscribed | sequence_paused */
    stoppedReason: text('stopped_reason'),
    nextStep: integer('next_step').notNull().default(0),
    createdAt: stampedAt('created_at'),
    updatedAt: stampedAt('updated_at'),
  },
  (t) => [
    uniqueIndex('follow_up_enrolments_sequence_lead_uq').on(t.sequenceId, t.leadId),
    index('follow_up_enrolments_lead_idx').on(t.leadId),
  ],
);
