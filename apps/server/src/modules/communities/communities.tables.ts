import { index, pgTable, primaryKey, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { belongsTo, refersTo, stampedAt, timestamptz } from '../../platform/db/columns.ts';
import { users } from '../identity/identity.tables.ts';

export const communities = pgTable('communities', {
  id: uuid('id').primaryKey(),
  name: text('name').notNull(),
  description: text('description'),
  createdBy: refersTo('created_by', () => users.id),
  createdAt: stampedAt('created_at'),
  /**
   * Set by an instance administrator who knows who runs this community: its follow-ups may skip
   * the double opt-in (never the consent) and its daily bulk-mail cap is higher.
   */
  verifiedAt: timestamptz('verified_at'),
  verifiedBy: refersTo('verified_by', () => users.id),
});

export const communityMembers = pgTable(
  'community_members',
  {
    communityId: belongsTo('community_id', () => communities.id),
    userId: belongsTo('user_id', () => users.id),
    /** owner | admin | member */
    role: text('role').notNull(),
    joinedAt: stampedAt('joined_at'),
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
    invitedBy: refersTo('invited_by', () => users.id),
    createdAt: stampedAt('created_at'),
    expiresAt: timestamptz('expires_at').notNull(),
    acceptedAt: timestamptz('accepted_at'),
    declinedAt: timestamptz('declined_at'),
    revokedAt: timestamptz('revoked_at'),
  },
  (t) => [
    uniqueIndex('community_invitations_token_uq').on(t.tokenHash),
    index('community_invitations_community_idx').on(t.communityId, t.createdAt),
  ],
);
