import type { ImageRef } from '@muster/protocol';
import { boolean, index, jsonb, pgTable, primaryKey, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { belongsTo, stampedAt, timestamptz } from '../../platform/db/columns.ts';

export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey(),
    /** Stored lower-cased so that uniqueness ignores case. */
    email: text('email').notNull(),
    passwordHash: text('password_hash').notNull(),
    name: text('name').notNull(),
    headline: text('headline'),
    company: text('company'),
    bio: text('bio'),
    interests: text('interests').array().notNull().default([]),
    avatarUrl: text('avatar_url'),
    /** An uploaded photo, processed by the media module; the rows it names are content-addressed. */
    avatar: jsonb('avatar').$type<ImageRef>(),
    /** SHA-256 of the secret in the subscribable schedule feed URL; rotating it revokes old URLs. */
    calendarTokenHash: text('calendar_token_hash'),
    /** Set when the person proves they read mail at `email` (link from the verification mail). */
    emailVerifiedAt: timestamptz('email_verified_at'),
    /** Operates this Muster instance (queues, dev mailbox). The first account registered is one. */
    isAdmin: boolean('is_admin').notNull().default(false),
    /** Listed in the attendee directory of events the person takes part in (opt-in, H1). */
    directoryVisible: boolean('directory_visible').notNull().default(false),
    createdAt: stampedAt('created_at'),
    updatedAt: stampedAt('updated_at'),
  },
  (t) => [
    uniqueIndex('users_email_key').on(t.email),
    uniqueIndex('users_calendar_token_key').on(t.calendarTokenHash),
  ],
);

/**
 * Refresh tokens are opaque secrets stored only as hashes. Each login starts a family (a device);
 * refreshing spends the token and issues the next in the same family. Presenting a spent token
 * means it was stolen or replayed, so the whole family is revoked.
 */
export const refreshTokens = pgTable(
  'refresh_tokens',
  {
    id: uuid('id').primaryKey(),
    familyId: uuid('family_id').notNull(),
    userId: belongsTo('user_id', () => users.id),
    tokenHash: text('token_hash').notNull(),
    userAgent: text('user_agent'),
    createdAt: stampedAt('created_at'),
    expiresAt: timestamptz('expires_at').notNull(),
    spentAt: timestamptz('spent_at'),
    revokedAt: timestamptz('revoked_at'),
  },
  (t) => [
    uniqueIndex('refresh_tokens_hash_key').on(t.tokenHash),
    index('refresh_tokens_family_idx').on(t.familyId),
  ],
);

/**
 * A user's blocks (B1): no DMs either way, no mentions delivered, hidden from each other in member
 * lists. One row per direction; a rule that applies "either way" looks both up.
 */
export const userBlocks = pgTable(
  'user_blocks',
  {
    blockerId: belongsTo('blocker_id', () => users.id),
    blockedId: belongsTo('blocked_id', () => users.id),
    createdAt: stampedAt('created_at'),
  },
  (t) => [
    primaryKey({ columns: [t.blockerId, t.blockedId] }),
    index('user_blocks_blocked_idx').on(t.blockedId),
  ],
);
