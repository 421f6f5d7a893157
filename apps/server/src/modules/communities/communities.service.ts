import type {
  AddMemberBody,
  Community,
  CommunityRole,
  CreateCommunityBody,
  Member,
  MemberListQuery,
  PageQuery,
} from '@muster/protocol';
import { entities, scopes } from '@muster/protocol';
import { uuidv7 } from 'uuidv7';
import type { AuthedCtx } from '../../platform/context.ts';
import { type Work, withTx } from '../../platform/db/unit-of-work.ts';
import { AppError, ErrorCode, invalid, notFound } from '../../platform/errors.ts';
import { decodeCursor, pageOf } from '../../platform/paging.ts';
import { blockedEitherWay } from '../identity/index.ts';
import { communityRoleOf, requireCommunityMember } from './communities.access.ts';
import { canGrantCommunityRole, canManageMembers, isCommunityMember } from './communities.policy.ts';
import { presentCommunity, presentMember } from './communities.presenter.ts';
import * as repo from './communities.repository.ts';

export async function createCommunity(ctx: AuthedCtx, input: CreateCommunityBody): Promise<Community> {
  const name = input.name.trim();
  if (!name) throw invalid('body.name', 'must not be blank');
  const userId = ctx.actor.userId;
  return withTx(ctx.platform, async ({ tx, append }) => {
    const row = await repo.insertCommunity(tx, {
      id: uuidv7(),
      name,
      description: input.description ?? null,
      createdBy: userId,
    });
    await repo.upsertMember(tx, { communityId: row.id, userId, role: 'owner' });
    const shared = presentCommunity(row, 1, null);
    await append({
      scope: scopes.community(row.id),
      entity: entities.communities.communityCreated,
      op: 'upsert',
      id: row.id,
      data: shared,
      actorId: userId,
    });
    const mine = presentCommunity(row, 1, 'owner');
    await append({
      scope: scopes.user(userId),
      entity: entities.communities.membershipChanged,
      op: 'upsert',
      id: row.id,
      data: mine,
      actorId: userId,
    });
    return mine;
  });
}

/** Any signed-in person may read a community's name, description and size. */
export async function getCommunity(ctx: AuthedCtx, communityId: string): Promise<Community> {
  const db = ctx.platform.db;
  const row = await repo.findCommunity(db, communityId);
  if (!row) throw notFound('Community');
  const [memberCount, myRole] = await Promise.all([
    repo.countMembers(db, communityId),
    communityRoleOf(db, communityId, ctx.actor.userId),
  ]);
  return presentCommunity(row, memberCount, myRole);
}

export async function listMembers(ctx: AuthedCtx, communityId: string, query: MemberListQuery) {
  const db = ctx.platform.db;
  await requireCommunityMember(db, communityId, ctx.actor.userId, isCommunityMember);
  const limit = query.limit ?? 100;
  const cursor = decodeCursor(query.cursor, ['timestamp', 'uuid'] as const);
  const after = cursor ? { joinedAt: new Date(cursor[0]), userId: cursor[1] } : null;
  const rows = await repo.listMembers(db, communityId, after, limit + 1);
  const page = pageOf(rows, limit, (r) => [r.joinedAt.toISOString(), r.userId]);
  // People with a block between them do not see each other; the cursor still follows every row.
  const blocked = await blockedEitherWay(
    db,
    ctx.actor.userId,
    page.items.map((r) => r.userId),
  );
  return {
    items: page.items.filter((r) => !blocked.has(r.userId)).map(presentMember),
    nextCursor: page.nextCursor,
  };
}

export async function listMyCommunities(ctx: AuthedCtx, query: PageQuery) {
  const limit = query.limit ?? 50;
  const cursor = decodeCursor(query.cursor, ['timestamp', 'uuid'] as const);
  const after = cursor ? { joinedAt: new Date(cursor[0]), communityId: cursor[1] } : null;
  const rows = await repo.listCommunitiesOf(ctx.platform.db, ctx.actor.userId, after, limit + 1);
  const page = pageOf(rows, limit, (r) => [r.joinedAt.toISOString(), r.id]);
  return {
    items: page.items.map((r) => presentCommunity(r, r.memberCount, r.role as CommunityRole)),
    nextCursor: page.nextCursor,
  };
}

/**
 * Changes the role of a member (people join only by accepting an invitation, so that nobody can
 * be put into a community, and into DM reach of its members, without consent). Owners are
 * protected: only an owner can grant or take away ownership, and the last owner cannot be demoted. The community row is
 * locked so that two owners demoting each other cannot leave the community without one.
 */
export async function addMember(
  ctx: AuthedCtx,
  communityId: string,
  input: AddMemberBody,
): Promise<{ member: Member; created: boolean }> {
  const role: CommunityRole = input.role ?? 'member';
  return withTx(ctx.platform, async (work) => {
    const { tx } = work;
    const { community, role: actorRole } = await requireCommunityMember(
      tx,
      communityId,
      ctx.actor.userId,
      canManageMembers,
      {
        forUpdate: true,
      },
    );
    if (!canGrantCommunityRole(actorRole, role))
      throw new AppError(ErrorCode.forbidden, `Your role in this community cannot grant '${role}'`);
    const existing = await repo.findMember(tx, communityId, input.userId);
    // Whether the id is an account or not, the answer is the same: no one is added without consent.
    if (!existing)
      throw new AppError(
        ErrorCode.conflict,
        'Not a member: people join by accepting an invitation (POST /api/v1/communities/:id/invitations)',
      );
    if (existing.role === role) return { member: presentMember(existing), created: false };
    if (existing.role === 'owner') await assertOwnerMayLeave(work, communityId, actorRole);
    await repo.upsertMember(tx, { communityId, userId: input.userId, role });
    const member = (await repo.findMember(tx, communityId, input.userId))!;
    await publishMembership(work, ctx, community, member, entities.communities.memberRoleChanged);
    return { member: presentMember(member), created: false };
  });
}

async function assertOwnerMayLeave(work: Work, communityId: string, actorRole: CommunityRole | null) {
  if (actorRole !== 'owner')
    throw new AppError(ErrorCode.forbidden, 'Only an owner can change an owner’s role');
  if ((await repo.countMembers(work.tx, communityId, 'owner')) <= 1)
    throw new AppError(ErrorCode.conflict, 'A community must keep at least one owner');
}

/**
 * Leaves a community (B1). The last owner cannot leave (409): a community always keeps one. Told
 * to the community's scope and to the leaver's own, as a delete.
 */
export async function leaveCommunity(ctx: AuthedCtx, communityId: string): Promise<void> {
  const me = ctx.actor.userId;
  await withTx(ctx.platform, async (work) => {
    const { role } = await requireCommunityMember(work.tx, communityId, me, () => true, { forUpdate: true });
    if (role === 'owner' && (await repo.countMembers(work.tx, communityId, 'owner')) <= 1)
      throw new AppError(ErrorCode.conflict, 'The last owner cannot leave: make another member owner first');
    await repo.deleteMember(work.tx, communityId, me);
    await work.append({
      scope: scopes.community(communityId),
      entity: entities.communities.memberRemoved,
      op: 'delete',
      id: me,
      data: null,
      actorId: me,
    });
    await work.append({
      scope: scopes.user(me),
      entity: entities.communities.membershipChanged,
      op: 'delete',
      id: communityId,
      data: null,
      actorId: me,
    });
  });
}

/** Tells the community and the member of a membership change (an invitation accepted, a new role). */
export async function publishMembership(
  work: Work,
  ctx: AuthedCtx,
  community: repo.CommunityRow,
  member: repo.MemberRow,
  entity: typeof entities.communities.memberAdded | typeof entities.communities.memberRoleChanged,
) {
  const actorId = ctx.actor.userId;
  await work.append({
    scope: scopes.community(community.id),
    entity,
    op: 'upsert',
    id: member.userId,
    data: presentMember(member),
    actorId,
  });
  const memberCount = await repo.countMembers(work.tx, community.id);
  const theirs = presentCommunity(community, memberCount, member.role as CommunityRole);
  await work.append({
    scope: scopes.user(member.userId),
    entity: entities.communities.membershipChanged,
    op: 'upsert',
    id: community.id,
    data: theirs,
    actorId,
  });
}
