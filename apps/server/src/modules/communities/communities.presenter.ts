import type { Community, CommunityRole, Member } from '@muster/protocol';
import type { CommunityRow, MemberRow } from './communities.repository.ts';

/**
 * `myRole` is the viewer's own role; change records on the shared `community:<id>` scope are
 * presented with `myRole: null` because every member reads the same record.
 */
export function presentCommunity(
  row: CommunityRow,
  memberCount: number,
  myRole: CommunityRole | null,
): Community {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    memberCount,
    myRole,
    verified: row.verifiedAt !== null,
    createdAt: row.createdAt.toISOString(),
  };
}

export function presentMember(row: MemberRow): Member {
  return {
    userId: row.userId,
    name: row.name,
    role: row.role as CommunityRole,
    joinedAt: row.joinedAt.toISOString(),
  };
}
