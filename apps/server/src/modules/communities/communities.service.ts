import type {
  AddMemberBody,
  Community,
  CommunityRole,
  CreateCommunityBody,
  Member,
  MemberListQuery,
  PageQuery,
} from '@muster/protocol';
import { uuidv7 } from 'uuidv7';
import type { AuthedCtx } from '../../platform/context.ts';
import { type Work, withTx } from '../../platform/db/unit-of-work.ts';
import { AppError, ErrorCode, invalid, notFound } from '../../platform/errors.ts';
import { findUserById } from '../identity/index.ts';
import { communityRoleOf, requireCommunityMember } from './communities.access.ts';
import { decodeCursor, pageOf } from './communities.cursor.ts';
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
      scope: `community:${row.id}`,
      entity: 'communities.communityCreated',
      op: 'upsert',
      id: row.id,
      data: shared,
      actorId: userId,
    });
    const mine = presentCommunity(row, 1, 'owner');
    await append({
      scope: `user:${userId}`,
      entity: 'communities.membershipChanged',
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
  return { items: page.items.map(presentMember), nextCursor: page.nextCursor };
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
 * Adds an existing user, or changes the role of a member. Owners are protected: only an owner
 * can grant or take away ownership, and the last owner cannot be demoted. The community row is
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
    if (!(await findUserById(tx, input.userId))) throw notFound('User');
    const existing = await repo.findMember(tx, communityId, input.userId);
    if (existing?.role === role) return { member: presentMember(existing), created: false };
    if (existing?.role === 'owner') await assertOwnerMayLeave(work, communityId, actorRole);
    await repo.upsertMember(tx, { communityId, userId: input.userId, role });
    const member = (await repo.findMember(tx, communityId, input.userId))!;
    await publishMembership(
      work,
      ctx,
      community,
      member,
      existing ? 'communities.memberRoleChanged' : 'communities.memberAdded',
    );
    return { member: presentMember(member), created: !existing };
  });
}

async function assertOwnerMayLeave(work: Work, communityId: string, actorRole: CommunityRole | null) {
  if (actorRole !== 'owner')
    throw new AppError(ErrorCode.forbidden, 'Only an owner can change an owner’s role');
  if ((await repo.countMembers(work.tx, communityId, 'owner')) <= 1)
    throw new AppError(ErrorCode.conflict, 'A community must keep at least one owner');
}

async function publishMembership(
  work: Work,
  ctx: AuthedCtx,
  community: repo.CommunityRow,
  member: repo.MemberRow,
  entity: string,
) {
  const actorId = ctx.actor.userId;
  await work.append({
    scope: `community:${community.id}`,
    entity,
    op: 'upsert',
    id: member.userId,
    data: presentMember(member),
    actorId,
  });
  const memberCount = await repo.countMembers(work.tx, community.id);
  const theirs = presentCommunity(community, memberCount, member.role as CommunityRole);
  await work.append({
    scope: `user:${member.userId}`,
    entity: 'communities.membershipChanged',
    op: 'upsert',
    id: community.id,
    data: theirs,
    actorId,
  });
}
