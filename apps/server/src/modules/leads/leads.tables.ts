import { index, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { belongsTo } from '../../platform/db/columns.ts';
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
    assigneeId: uuid('assignee_id').references(() => users.id, { onDelete: 'set null' }),
    /** Set by the signed unsubscribe link: no follow-up mail to this lead again, from any sequence. */
    unsubscribedAt: timestamp('unsubscribed_at', { withTimezone: true }),
    /** The person answered a form's consent field with yes: the community may send follow-ups. */
    followUpConsentAt: timestamp('follow_up_consent_at', { withTimezone: true }),
    /** The person followed the confirmation link (double opt-in): the address is theirs. */
    confirmedAt: timestamp('confirmed_at', { withTimezone: true }),
    /** When the last confirmation mail was queued: at most one a day per lead. */
    confirmationSentAt: timestamp('confirmation_sent_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
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
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
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
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('lead_notes_lead_idx').on(t.leadId, t.createdAt)],
);
