import type { CommunityRole } from '@muster/protocol';
import { and, eq, sql } from 'drizzle-orm';
import type { Queryable } from '../../platform/db/client.ts';
import { AppError, ErrorCode, notFound } from '../../platform/errors.ts';
import { type CommunityRow, findCommunity } from './communities.repository.ts';
import { communityMembers } from './communities.tables.ts';

/** The caller's role in a community, or null for non-members and anonymous callers. */
export async function communityRoleOf(
  q: Queryable,
  communityId: string,
  userId: string | null | undefined,
): Promise<CommunityRole | null> {
  if (!userId) return null;
  const [row] = await q
    .select({ role: communityMembers.role })
    .from(communityMembers)
    .where(and(eq(communityMembers.communityId, communityId), eq(communityMembers.userId, userId)));
  return (row?.role as CommunityRole | undefined) ?? null;
}

/**
 * `communityRoleOf` for many users at once (batched authorisation), in one query with the ids as
 * one array parameter; non-members are absent.
 */
export async function communityRolesAmong(
  q: Queryable,
  communityId: string,
  userIds: readonly string[],
): Promise<Map<string, CommunityRole>> {
  if (!userIds.length) return new Map();
  const rows = await q
    .select({ userId: communityMembers.userId, role: communityMembers.role })
    .from(communityMembers)
    .where(
      and(
        eq(communityMembers.communityId, communityId),
        sql`${communityMembers.userId} = any(${sql.param([...new Set(userIds)])}::uuid[])`,
      ),
    );
  return new Map(rows.map((r) => [r.userId, r.role as CommunityRole]));
}

/**
 * Loads a community for something only its members may do. Non-members get `not_found`, as for
 * a community that does not exist (only the public card is readable by everyone signed in);
 * members whose role does not allow the action get `forbidden`. With `forUpdate` the community row
 * is locked for the rest of the transaction.
 */
export async function requireCommunityMember(
  q: Queryable,
  communityId: string,
  userId: string,
  allowed: (role: CommunityRole) => boolean,
  options: { forUpdate?: boolean } = {},
): Promise<{ community: CommunityRow; role: CommunityRole }> {
  const community = await findCommunity(q, communityId, options);
  const role = community ? await communityRoleOf(q, communityId, userId) : null;
  if (!community || !role) throw notFound('Community');
  if (!allowed(role))
    throw new AppError(ErrorCode.forbidden, 'Your role in this community does not allow this');
  return { community, role };
}
