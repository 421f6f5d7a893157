import type { Community } from '@muster/protocol';
import { entities, scopes } from '@muster/protocol';
import { eq } from 'drizzle-orm';
import type { AuthedCtx, Platform } from '../../platform/context.ts';
import { withTx } from '../../platform/db/unit-of-work.ts';
import { notFound } from '../../platform/errors.ts';
import { requirePlatformAdmin } from '../identity/index.ts';
import { communityRoleOf } from './communities.access.ts';
import { presentCommunity } from './communities.presenter.ts';
import { type CommunityRow, countMembers } from './communities.repository.ts';
import { communities } from './communities.tables.ts';

/**
 * Marks a community as verified (or takes it back): an instance administrator vouches for who
 * sends its mail. Verified communities may mail follow-ups without the double opt-in (never
 * without consent) and have the higher daily bulk-mail cap. Keeps the first verification's time.
 * Answers undefined when there is no such community.
 */
export async function setCommunityVerified(
  platform: Platform,
  communityId: string,
  verified: boolean,
  by: string | null,
): Promise<CommunityRow | undefined> {
  return withTx(platform, async ({ tx, append }) => {
    const [current] = await tx
      .select()
      .from(communities)
      .where(eq(communities.id, communityId))
      .for('update');
    if (!current) return undefined;
    const [row] = await tx
      .update(communities)
      .set(
        verified
          ? { verifiedAt: current.verifiedAt ?? new Date(), verifiedBy: current.verifiedBy ?? by }
          : { verifiedAt: null, verifiedBy: null },
      )
      .where(eq(communities.id, communityId))
      .returning();
    await append({
      scope: scopes.community(communityId),
      entity: entities.communities.communityVerified,
      op: 'upsert',
      id: communityId,
      data: presentCommunity(row!, await countMembers(tx, communityId), null),
      actorId: by,
    });
    return row;
  });
}

/** `PUT /api/v1/admin/communities/:id/verified`: instance administrators only (403 first). */
export async function verifyCommunity(
  ctx: AuthedCtx,
  communityId: string,
  verified: boolean,
): Promise<Community> {
  await requirePlatformAdmin(ctx);
  const row = await setCommunityVerified(ctx.platform, communityId, verified, ctx.actor.userId);
  if (!row) throw notFound('Community');
  const db = ctx.platform.db;
  return presentCommunity(
    row,
    await countMembers(db, communityId),
    await communityRoleOf(db, communityId, ctx.actor.userId),
  );
}
