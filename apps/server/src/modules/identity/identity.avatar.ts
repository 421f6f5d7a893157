import { entities, scopes, type User } from '@muster/protocol';
import type { Limit } from '../../platform/auth/rate-limiter.ts';
import type { AuthedCtx } from '../../platform/context.ts';
import { withTx } from '../../platform/db/unit-of-work.ts';
import { notFound } from '../../platform/errors.ts';
import { processUpload, saveImage } from '../media/index.ts';
import { presentUser } from './identity.presenter.ts';
import * as repo from './identity.repository.ts';

/**
 * Photo uploads per account per hour, on top of the per-session limit on the route: signing in on
 * many devices must not multiply how much decoding one person can ask for.
 */
export const AVATAR_UPLOADS_PER_HOUR: Limit = { name: 'avatar-upload', points: 30, durationSeconds: 3600 };

/**
 * Sets (or with `null`, clears) the caller's own photo. Only one's own profile has such a route, so
 * nobody can reach anyone else's. Decoding runs before and outside the transaction: on the embedded
 * database an open transaction blocks every other query.
 */
export async function setMyAvatar(ctx: AuthedCtx, bytes: Buffer | null): Promise<User> {
  const userId = ctx.actor.userId;
  if (bytes) await ctx.platform.limits.consume(AVATAR_UPLOADS_PER_HOUR, userId);
  const processed = bytes ? await processUpload(bytes) : null;
  return withTx(ctx.platform, async ({ tx, append }) => {
    const avatar = processed ? await saveImage(tx, processed) : null;
    const user = await repo.updateUser(tx, userId, { avatar });
    if (!user) throw notFound('User');
    const me = presentUser(user, { self: true });
    await append({
      scope: scopes.user(userId),
      entity: entities.identity.profileUpdated,
      op: 'upsert',
      id: userId,
      data: me,
      actorId: userId,
    });
    return me;
  });
}
