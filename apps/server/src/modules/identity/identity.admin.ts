import type { AuthedCtx, Platform } from '../../platform/context.ts';
import { withTx } from '../../platform/db/unit-of-work.ts';
import { AppError, ErrorCode } from '../../platform/errors.ts';
import { findUserById, setAdminByEmail, type UserRow } from './identity.repository.ts';

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

/**
 * Grants or revokes instance administration by e-mail (`muster admin grant|revoke <email>`).
 * Returns the updated account, or undefined when no account has that address.
 */
export async function setInstanceAdmin(
  platform: Platform,
  email: string,
  isAdmin: boolean,
): Promise<UserRow | undefined> {
  return withTx(platform, ({ tx }) => setAdminByEmail(tx, email.trim(), isAdmin));
}
