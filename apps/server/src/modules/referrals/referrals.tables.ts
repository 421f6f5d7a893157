import { sql } from 'drizzle-orm';
import { index, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { belongsTo, mayBelongTo, refersTo, stampedAt } from '../../platform/db/columns.ts';
import { events } from '../events/events.tables.ts';
import { users } from '../identity/identity.tables.ts';

/** A person's personal code, one per person and event (`eventId` null: for the whole platform). */
export const referralCodes = pgTable(
  'referral_codes',
  {
    code: text('code').primaryKey(),
    userId: belongsTo('user_id', () => users.id),
    eventId: mayBelongTo('event_id', () => events.id),
    createdAt: stampedAt('created_at'),
  },
  (t) => [
    uniqueIndex('referral_codes_user_event_uq').on(t.userId, t.eventId).where(sql`event_id is not null`),
    uniqueIndex('referral_codes_user_global_uq').on(t.userId).where(sql`event_id is null`),
  ],
);

/**
 * The ledger: who brought whom. One row per attributed subject (an account, an RSVP, a form
 * submission), so a retried request or a re-run job attributes once.
 */
export const referralAttributions = pgTable(
  'referral_attributions',
  {
    id: uuid('id').primaryKey(),
    code: text('code')
      .notNull()
      .references(() => referralCodes.code, { onDelete: 'cascade' }),
    referrerId: belongsTo('referrer_id', () => users.id),
    /** registration | rsvp | submission */
    kind: text('kind').notNull(),
    subjectId: text('subject_id').notNull(),
    /** The referred person when known (a registration, an RSVP); null for an anonymous submission. */
    referredUserId: refersTo('referred_user_id', () => users.id),
    /** A submission's person (lower-cased e-mail): set only when it was new to the community. */
    referredEmail: text('referred_email'),
    eventId: uuid('event_id'),
    communityId: uuid('community_id'),
    createdAt: stampedAt('created_at'),
  },
  (t) => [
    uniqueIndex('referral_attributions_subject_uq').on(t.kind, t.subjectId),
    index('referral_attributions_referrer_idx').on(t.referrerId, t.createdAt),
    index('referral_attributions_community_idx').on(t.communityId, t.referrerId),
    // Points for referrals react to the referred person's verification and RSVP changes.
    index('referral_attributions_referred_idx').on(t.referredUserId),
  ],
);
