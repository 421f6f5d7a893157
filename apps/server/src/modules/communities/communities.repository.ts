import type { CommunityRole } from '@muster/protocol';
import { and, asc, count, eq, gt, or, sql } from 'drizzle-orm';
import type { Queryable } from '../../platform/db/client.ts';
import { users } from '../identity/index.ts';
import { communities, communityMembers } from './communities.tables.ts';

export type CommunityRow = typeof communities.$inferSelect;
export type MemberRow = { userId: string; name: string; role: string; joinedAt: Date };
export type MyCommunityRow = CommunityRow & { role: string; joinedAt: Date; memberCount: number };

export async function insertCommunity(
  q: Queryable,
  values: typeof communities.$inferInsert,
): Promise<CommunityRow> {
  const [row] = await q.insert(communities).values(values).returning();
  return row!;
}

/** With `forUpdate` the community row serialises membership changes (the last-owner rule needs it). */
export async function findCommunity(
  q: Queryable,
  id: string,
  options: { forUpdate?: boolean } = {},
): Promise<CommunityRow | undefined> {
  const query = q.select().from(communities).where(eq(communities.id, id));
  const [row] = options.forUpdate ? await query.for('update') : await query;
  return row;
}

export async function countMembers(q: Queryable, communityId: string, role?: CommunityRole): Promise<number> {
  const [row] = await q
    .select({ n: count() })
    .from(communityMembers)
    .where(
      and(eq(communityMembers.communityId, communityId), role ? eq(communityMembers.role, role) : undefined),
    );
  return Number(row?.n ?? 0);
}

const memberColumns = {
  userId: communityMembers.userId,
  name: users.name,
  role: communityMembers.role,
  joinedAt: communityMembers.joinedAt,
};

export async function findMember(
  q: Queryable,
  communityId: string,
  userId: string,
): Promise<MemberRow | undefined> {
  const [row] = await q
    .select(memberColumns)
    .from(communityMembers)
    .innerJoin(users, eq(users.id, communityMembers.userId))
    .where(and(eq(communityMembers.communityId, communityId), eq(communityMembers.userId, userId)));
  return row;
}

/** `joinedAt` is set here, in milliseconds, because cursors carry it as a JS Date (no microseconds). */
export async function upsertMember(
  q: Queryable,
  values: { communityId: string; userId: string; role: CommunityRole },
): Promise<void> {
  await q
    .insert(communityMembers)
    .values({ ...values, joinedAt: new Date() })
    .onConflictDoUpdate({
      target: [communityMembers.communityId, communityMembers.userId],
      set: { role: values.role },
    });
}

/** Members in join order, keyset-paged by (joinedAt, userId). */
export async function listMembers(
  q: Queryable,
  communityId: string,
  after: { joinedAt: Date; userId: string } | null,
  limit: number,
): Promise<MemberRow[]> {
  return q
    .select(memberColumns)
    .from(communityMembers)
    .innerJoin(users, eq(users.id, communityMembers.userId))
    .where(
      and(
        eq(communityMembers.communityId, communityId),
        after
          ? or(
              gt(communityMembers.joinedAt, after.joinedAt),
              and(eq(communityMembers.joinedAt, after.joinedAt), gt(communityMembers.userId, after.userId)),
            )
          : undefined,
      ),
    )
    .orderBy(asc(communityMembers.joinedAt), asc(communityMembers.userId))
    .limit(limit);
}

/** The caller's communities in join order, keyset-paged by (joinedAt, communityId). */
export async function listCommunitiesOf(
  q: Queryable,
  userId: string,
  after: { joinedAt: Date; communityId: string } | null,
  limit: number,
): Promise<MyCommunityRow[]> {
  const memberCount = sql<number>`(select count(*) from ${communityMembers} m where m.community_id = ${communities.id})`;
  const rows = await q
    .select({
      id: communities.id,
      name: communities.name,
      description: communities.description,
      createdBy: communities.createdBy,
      createdAt: communities.createdAt,
      verifiedAt: communities.verifiedAt,
      verifiedBy: communities.verifiedBy,
      role: communityMembers.role,
      joinedAt: communityMembers.joinedAt,
      memberCount: memberCount.mapWith(Number),
    })
    .from(communityMembers)
    .innerJoin(communities, eq(communities.id, communityMembers.communityId))
    .where(
      and(
        eq(communityMembers.userId, userId),
        after
          ? or(
              gt(communityMembers.joinedAt, after.joinedAt),
              and(
                eq(communityMembers.joinedAt, after.joinedAt),
                gt(communityMembers.communityId, after.communityId),
              ),
            )
          : undefined,
      ),
    )
    .orderBy(asc(communityMembers.joinedAt), asc(communityMembers.communityId))
    .limit(limit);
  return rows;
}

export async function deleteMember(q: Queryable, communityId: string, userId: string): Promise<void> {
  await q
    .delete(communityMembers)
    .where(and(eq(communityMembers.communityId, communityId), eq(communityMembers.userId, userId)));
}
