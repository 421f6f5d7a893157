import { and, desc, eq, or, sql } from 'drizzle-orm';
import type { Queryable } from '../../platform/db/client.ts';
import { userBlocks, users } from './identity.tables.ts';

/** Adds the block; blocking twice keeps the first. */
export async function insertBlock(q: Queryable, blockerId: string, blockedId: string): Promise<void> {
  await q.insert(userBlocks).values({ blockerId, blockedId }).onConflictDoNothing();
}

export async function deleteBlock(q: Queryable, blockerId: string, blockedId: string): Promise<void> {
  await q
    .delete(userBlocks)
    .where(and(eq(userBlocks.blockerId, blockerId), eq(userBlocks.blockedId, blockedId)));
}

export async function countBlocks(q: Queryable, blockerId: string): Promise<number> {
  const [row] = await q
    .select({ n: sql<number>`count(*)` })
    .from(userBlocks)
    .where(eq(userBlocks.blockerId, blockerId));
  return Number(row?.n ?? 0);
}

/** Whom `blockerId` blocked, newest first. */
export async function listBlocks(q: Queryable, blockerId: string, limit: number) {
  return q
    .select({ userId: userBlocks.blockedId, name: users.name, createdAt: userBlocks.createdAt })
    .from(userBlocks)
    .innerJoin(users, eq(users.id, userBlocks.blockedId))
    .where(eq(userBlocks.blockerId, blockerId))
    .orderBy(desc(userBlocks.createdAt), desc(userBlocks.blockedId))
    .limit(limit);
}

/**
 * Which of `others` are on the other side of a block with `userId`, in either direction, in one
 * statement: the set every "either way" rule (DMs, mentions, directories) filters by.
 */
export async function blockedEitherWay(
  q: Queryable,
  userId: string,
  others: readonly string[],
): Promise<Set<string>> {
  if (!others.length) return new Set();
  const ids = sql`${sql.param([...new Set(others)])}::uuid[]`;
  const rows = await q
    .select({ blockerId: userBlocks.blockerId, blockedId: userBlocks.blockedId })
    .from(userBlocks)
    .where(
      or(
        and(eq(userBlocks.blockerId, userId), sql`${userBlocks.blockedId} = any(${ids})`),
        and(eq(userBlocks.blockedId, userId), sql`${userBlocks.blockerId} = any(${ids})`),
      ),
    );
  return new Set(rows.map((r) => (r.blockerId === userId ? r.blockedId : r.blockerId)));
}

/**
 * Which of the unordered `pairs` have a block between them, either way, in one statement (a send
 * round's DMs, a batch of mentions). Answers keys made by `pairKey`.
 */
export async function blockedPairs(
  q: Queryable,
  pairs: readonly (readonly [string, string])[],
): Promise<Set<string>> {
  if (!pairs.length) return new Set();
  const a = pairs.map((p) => p[0]);
  const b = pairs.map((p) => p[1]);
  const rows = await q
    .select({ blockerId: userBlocks.blockerId, blockedId: userBlocks.blockedId })
    .from(userBlocks)
    .where(
      sql`(${userBlocks.blockerId}, ${userBlocks.blockedId}) in (
        select x, y from unnest(${sql.param(a)}::uuid[], ${sql.param(b)}::uuid[]) as p(x, y)
        union all
        select y, x from unnest(${sql.param(a)}::uuid[], ${sql.param(b)}::uuid[]) as p(x, y))`,
    );
  return new Set(rows.map((r) => blockPairKey(r.blockerId, r.blockedId)));
}

/** The key of an unordered pair of users. */
export const blockPairKey = (a: string, b: string) => (a < b ? `${a}:${b}` : `${b}:${a}`);
