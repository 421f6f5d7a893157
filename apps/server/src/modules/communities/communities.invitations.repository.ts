import { and, count, desc, eq, gt, isNull, lt, or, sql } from 'drizzle-orm';
import type { Queryable } from '../../platform/db/client.ts';
import { users } from '../identity/index.ts';
import { communityInvitations, communityMembers } from './communities.tables.ts';

export type InvitationRow = typeof communityInvitations.$inferSelect;

export async function insertInvitation(
  q: Queryable,
  values: typeof communityInvitations.$inferInsert,
): Promise<InvitationRow> {
  const [row] = await q.insert(communityInvitations).values(values).returning();
  return row!;
}

/** With `forUpdate` an e-mail invitation is accepted or declined once, however many tabs try. */
export async function findInvitation(
  q: Queryable,
  where: { id: string } | { tokenHash: string },
  options: { forUpdate?: boolean } = {},
): Promise<InvitationRow | undefined> {
  const t = communityInvitations;
  const query = q
    .select()
    .from(t)
    .where('id' in where ? eq(t.id, where.id) : eq(t.tokenHash, where.tokenHash));
  const [row] = options.forUpdate ? await query.for('update') : await query;
  return row;
}

export async function updateInvitation(
  q: Queryable,
  id: string,
  values: Partial<Pick<InvitationRow, 'acceptedAt' | 'declinedAt' | 'revokedAt'>>,
): Promise<InvitationRow> {
  const [row] = await q
    .update(communityInvitations)
    .set(values)
    .where(eq(communityInvitations.id, id))
    .returning();
  return row!;
}

/** Invitations still open (not used, declined, revoked or expired) in a community. */
export async function countOpenInvitations(q: Queryable, communityId: string): Promise<number> {
  const t = communityInvitations;
  const [row] = await q
    .select({ n: count() })
    .from(t)
    .where(
      and(
        eq(t.communityId, communityId),
        gt(t.expiresAt, new Date()),
        isNull(t.acceptedAt),
        isNull(t.declinedAt),
        isNull(t.revokedAt),
      ),
    );
  return Number(row?.n ?? 0);
}

/** Newest first, keyset-paged on `(createdAt, id)`. */
export async function listInvitations(
  q: Queryable,
  communityId: string,
  after: readonly [string, string] | null,
  limit: number,
): Promise<InvitationRow[]> {
  const t = communityInvitations;
  const page = after
    ? or(lt(t.createdAt, new Date(after[0])), and(eq(t.createdAt, new Date(after[0])), lt(t.id, after[1])))
    : undefined;
  return q
    .select()
    .from(t)
    .where(and(eq(t.communityId, communityId), page))
    .orderBy(desc(t.createdAt), desc(t.id))
    .limit(limit);
}

/** Whether the account with this (lower-cased) address is already a member. */
export async function isMemberByEmail(q: Queryable, communityId: string, email: string): Promise<boolean> {
  const [row] = await q
    .select({ one: sql<number>`1` })
    .from(communityMembers)
    .innerJoin(users, eq(users.id, communityMembers.userId))
    .where(and(eq(communityMembers.communityId, communityId), eq(users.email, email)));
  return row !== undefined;
}
