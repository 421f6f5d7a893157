import type { CommunityRole } from '@muster/protocol';
import { and, eq } from 'drizzle-orm';
import type { Queryable } from '../../platform/db/client.ts';
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
