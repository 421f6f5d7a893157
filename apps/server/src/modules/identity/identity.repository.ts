import { isUuid } from '@muster/protocol';
import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import type { Queryable } from '../../platform/db/client.ts';
import { refreshTokens, users } from './identity.tables.ts';

export type UserRow = typeof users.$inferSelect;
export type RefreshTokenRow = typeof refreshTokens.$inferSelect;

export async function findUserByEmail(q: Queryable, email: string): Promise<UserRow | undefined> {
  const [row] = await q.select().from(users).where(eq(users.email, email.toLowerCase()));
  return row;
}

export async function findUserById(q: Queryable, id: string): Promise<UserRow | undefined> {
  const [row] = await q.select().from(users).where(eq(users.id, id));
  return row;
}

/** Locks the user row: a password reset checks and replaces the hash under it. */
export async function findUserForUpdate(q: Queryable, id: string): Promise<UserRow | undefined> {
  const [row] = await q.select().from(users).where(eq(users.id, id)).for('update');
  return row;
}

/**
 * True when no account exists yet, decided under a transaction-scoped advisory lock so that two
 * concurrent first registrations cannot both see an empty table. Once any account exists the
 * answer is false without the lock, so ordinary registrations never queue behind each other.
 */
export async function isFirstAccount(tx: Queryable): Promise<boolean> {
  const anyUser = async () => (await tx.select({ id: users.id }).from(users).limit(1)).length > 0;
  if (await anyUser()) return false;
  await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtext('muster.first-account'))`);
  return !(await anyUser());
}

export async function setAdminByEmail(
  q: Queryable,
  email: string,
  isAdmin: boolean,
): Promise<UserRow | undefined> {
  const [row] = await q
    .update(users)
    .set({ isAdmin, updatedAt: new Date() })
    .where(eq(users.email, email.toLowerCase()))
    .returning();
  return row;
}

export async function insertUser(
  q: Queryable,
  values: typeof users.$inferInsert,
): Promise<UserRow | undefined> {
  const [row] = await q.insert(users).values(values).onConflictDoNothing({ target: users.email }).returning();
  return row;
}

export async function updateUser(
  q: Queryable,
  id: string,
  values: Partial<typeof users.$inferInsert>,
): Promise<UserRow | undefined> {
  const [row] = await q
    .update(users)
    .set({ ...values, updatedAt: new Date() })
    .where(eq(users.id, id))
    .returning();
  return row;
}

export async function insertRefreshToken(
  q: Queryable,
  values: typeof refreshTokens.$inferInsert,
): Promise<void> {
  await q.insert(refreshTokens).values(values);
}

/** Locks the token row so two concurrent refreshes with one token cannot both succeed. */
export async function findRefreshTokenForUpdate(
  q: Queryable,
  tokenHash: string,
): Promise<RefreshTokenRow | undefined> {
  const [row] = await q
    .select()
    .from(refreshTokens)
    .where(eq(refreshTokens.tokenHash, tokenHash))
    .for('update');
  return row;
}

export async function markSpent(q: Queryable, id: string): Promise<void> {
  await q.update(refreshTokens).set({ spentAt: new Date() }).where(eq(refreshTokens.id, id));
}

/** Revokes one family (device); its owner, or undefined when nothing was left to revoke. */
export async function revokeFamily(q: Queryable, familyId: string): Promise<string | undefined> {
  const rows = await q
    .update(refreshTokens)
    .set({ revokedAt: new Date() })
    .where(and(eq(refreshTokens.familyId, familyId), isNull(refreshTokens.revokedAt)))
    .returning({ userId: refreshTokens.userId });
  return rows[0]?.userId;
}

/** Revokes every family of the user; the ids of the families that were still signed in. */
export async function revokeAllOfUser(q: Queryable, userId: string): Promise<string[]> {
  const rows = await q
    .update(refreshTokens)
    .set({ revokedAt: new Date() })
    .where(and(eq(refreshTokens.userId, userId), isNull(refreshTokens.revokedAt)))
    .returning({ familyId: refreshTokens.familyId });
  return [...new Set(rows.map((r) => r.familyId))];
}

/**
 * Which of `familyIds` are still signed in: not revoked and not past the expiry of their newest
 * token. Ids that are not UUIDs are simply not signed in (one bad id must not fail the batch).
 */
export async function liveFamilies(q: Queryable, familyIds: readonly string[]): Promise<Set<string>> {
  const ids = [...new Set(familyIds.filter((id) => isUuid(id)).map((id) => id.toLowerCase()))];
  if (!ids.length) return new Set();
  const rows = await q
    .selectDistinct({ familyId: refreshTokens.familyId })
    .from(refreshTokens)
    .where(
      and(
        sql`${refreshTokens.familyId} = any(${sql.param(ids)}::uuid[])`,
        isNull(refreshTokens.revokedAt),
        gt(refreshTokens.expiresAt, sql`now()`),
      ),
    );
  return new Set(rows.map((r) => r.familyId));
}

export async function listActiveTokens(q: Queryable, userId: string): Promise<RefreshTokenRow[]> {
  return q
    .select()
    .from(refreshTokens)
    .where(
      and(eq(refreshTokens.userId, userId), isNull(refreshTokens.revokedAt), isNull(refreshTokens.spentAt)),
    );
}
