import { index, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { belongsTo } from '../../platform/db/columns.ts';
import { users } from '../identity/identity.tables.ts';

export const communities = pgTable('communities', {
  id: uuid('id').primaryKey(),
  name: text('name').notNull(),
  description: text('description'),
  createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  /**
   * Set by an instance administrator who knows who runs this community: its follow-ups may skip
   * the double opt-in (never the consent) and its daily bulk-mail cap is higher.
   */
  verifiedAt: timestamp('verified_at', { withTimezone: true }),
  verifiedBy: uuid('verified_by').references(() => users.id, { onDelete: 'set null' }),
});

export const communityMembers = pgTable(
  'community_members',
  {
    communityId: belongsTo('community_id', () => communities.id),
    userId: belongsTo('user_id', () => users.id),
    /** owner | admin | member */
    role: text('role').notNull(),
    joinedAt: timestamp('joined_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.communityId, t.userId] }),
    index('community_members_user_idx').on(t.userId),
  ],
);

/**
 * Invitations (B1): people join a community only by accepting one. `email` set: mailed, accepted
 * or declined only by the account with that address, once. `email` null: a link anyone who has it
 * may use until it expires or is revoked. Only the SHA-256 of the link's token is stored.
 */
export const communityInvitations = pgTable(
  'community_invitations',
  {
    id: uuid('id').primaryKey(),
    communityId: belongsTo('community_id', () => communities.id),
    email: text('email'),
    /** owner | admin | member: the role the invited person gets. */
    role: text('role').notNull(),
    tokenHash: text('token_hash').notNull(),
    invitedBy: uuid('invited_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    acceptedAt: timestamp('accepted_at', { withTimezone: true }),
    declinedAt: timestamp('declined_at', { withTimezone: true }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('community_invitations_token_uq').on(t.tokenHash),
    index('community_invitations_community_idx').on(t.communityId, t.createdAt),
  ],
);
