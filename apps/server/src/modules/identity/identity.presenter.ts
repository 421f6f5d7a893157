import type { User } from '@muster/protocol';
import type { UserRow } from './identity.repository.ts';

/** The caller's own profile includes the e-mail and account state; other people's never do. */
export function presentUser(row: UserRow, { self }: { self: boolean }): User {
  return {
    id: row.id,
    ...(self ? { email: row.email } : {}),
    name: row.name,
    headline: row.headline,
    company: row.company,
    bio: row.bio,
    interests: row.interests,
    avatarUrl: row.avatarUrl,
    avatar: row.avatar ?? null,
    createdAt: row.createdAt.toISOString(),
    ...(self
      ? {
          emailVerified: row.emailVerifiedAt !== null,
          isAdmin: row.isAdmin,
          directoryVisible: row.directoryVisible,
        }
      : {}),
  };
}
