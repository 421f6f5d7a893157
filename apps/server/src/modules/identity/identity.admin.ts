import { hashPassword } from '../../platform/auth/passwords.ts';
import type { AuthedCtx, Platform } from '../../platform/context.ts';
import { withTx } from '../../platform/db/unit-of-work.ts';
import { AppError, ErrorCode } from '../../platform/errors.ts';
import {
  findUserByEmail,
  findUserById,
  findUserForUpdate,
  revokeAllOfUser,
  setAdminByEmail,
  type UserRow,
  updateUser,
} from './identity.repository.ts';
import { recordSessionsRevoked } from './identity.sessions.ts';

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

/** The operator's password bounds, the same as the API's (protocol `Password`). */
export const PASSWORD_MIN = 10;
export const PASSWORD_MAX = 256;

/**
 * Sets an account's password by e-mail (`muster admin set-password <email>`): the operator's way
 * back in when no mail reaches anyone. Every device is signed out, as after a reset. Returns the
 * account, or undefined when no account has that address.
 */
export async function setPasswordByEmail(
  platform: Platform,
  email: string,
  password: string,
): Promise<UserRow | undefined> {
  if (password.length < PASSWORD_MIN || password.length > PASSWORD_MAX)
    throw new RangeError(`A password has ${PASSWORD_MIN} to ${PASSWORD_MAX} characters`);
  const existing = await findUserByEmail(platform.db, email.trim().toLowerCase());
  if (!existing) return undefined;
  const passwordHash = await hashPassword(password);
  return withTx(platform, async (work) => {
    const user = await findUserForUpdate(work.tx, existing.id);
    if (!user) return undefined;
    await updateUser(work.tx, user.id, { passwordHash });
    await recordSessionsRevoked(work, user.id, await revokeAllOfUser(work.tx, user.id));
    return user;
  });
}
