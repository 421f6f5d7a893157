import { index, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { belongsTo, refersTo, stampedAt, timestamptz } from '../../platform/db/columns.ts';
import { communities } from '../communities/communities.tables.ts';
import { users } from '../identity/identity.tables.ts';

/** One lead per person per community: de-duplicated by the lower-cased e-mail. */
export const leads = pgTable(
  'leads',
  {
    id: uuid('id').primaryKey(),
    communityId: belongsTo('community_id', () => communities.id),
    email: text('email').notNull(),
    name: text('name'),
    company: text('company'),
    /** new | contacted | qualified | won | lost */
    stage: text('stage').notNull().default('new'),
    assigneeId: refersTo('assignee_id', () => users.id),
    /** Set by the signed unsubscribe link: no follow-up mail to this lead again, from any sequence. */
    unsubscribedAt: timestamptz('unsubscribed_at'),
    /** The person answered a form's consent field with yes: the community may send follow-ups. */
    followUpConsentAt: timestamptz('follow_up_consent_at'),
    /** The person followed the confirmation link (double opt-in): the address is theirs. */
    confirmedAt: timestamptz('confirmed_at'),
    /** When the last confirmation mail was queued: at most one a day per lead. */
    confirmationSentAt: timestamptz('confirmation_sent_at'),
    createdAt: stampedAt('created_at'),
    updatedAt: stampedAt('updated_at'),
  },
  (t) => [
    uniqueIndex('leads_community_email_uq').on(t.communityId, t.email),
    index('leads_community_created_idx').on(t.communityId, t.createdAt),
    index('leads_assignee_idx').on(t.assigneeId),
  ],
);

/**
 * Where a lead came from. `dedupeKey` makes recording a source idempotent: a submission processed
 * twice (a job re-run after a crash) adds its source once.
 */
export const leadSources = pgTable(
  'lead_sources',
  {
    id: uuid('id').primaryKey(),
    leadId: belongsTo('lead_id', () => leads.id),
    /** form | event | referral | rep */
    kind: text('kind').notNull(),
    eventId: uuid('event_id'),
    formId: uuid('form_id'),
    submissionId: uuid('submission_id'),
    referralCode: text('referral_code'),
    repId: uuid('rep_id'),
    dedupeKey: text('dedupe_key').notNull(),
    createdAt: stampedAt('created_at'),
  },
  (t) => [uniqueIndex('lead_sources_dedupe_uq').on(t.leadId, t.dedupeKey)],
);

export const leadNotes = pgTable(
  'lead_notes',
  {
    id: uuid('id').primaryKey(),
    leadId: belongsTo('lead_id', () => leads.id),
    authorId: belongsTo('author_id', () => users.id),
    body: text('body').notNull(),
    createdAt: stampedAt('created_at'),
  },
  (t) => [index('lead_notes_lead_idx').on(t.leadId, t.createdAt)],
);
