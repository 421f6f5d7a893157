import type { AuthedCtx } from '../../platform/context.ts';
import { AppError, ErrorCode } from '../../platform/errors.ts';
import { findUserById } from './identity.repository.ts';

/**
 * Instance operations (queues, the dev mailbox) are for the people who run this Muster, not for
 * every organiser of every community: `forbidden` for anyone else. Read from the primary, so a
 * grant or revoke applies to the very next request.
 */
export async function requirePlatformAdmin(ctx: AuthedCtx): Promise<void> {
  const user = await findUserById(ctx.platform.db, ctx.actor.userId);
  if (!user?.isAdmin)
    throw new AppError(ErrorCode.forbidden, 'Only an administrator of this instance may do this');
}
