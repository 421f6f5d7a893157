import { hashPassword } from '../../platform/auth/passwords.ts';
import type { Limit } from '../../platform/auth/rate-limiter.ts';
import type { Ctx } from '../../platform/context.ts';
import { withTx } from '../../platform/db/unit-of-work.ts';
import { invalid } from '../../platform/errors.ts';
import { enqueueMail, mailSafeText } from '../../platform/mail/index.ts';
import {
  linkTo,
  PASSWORD_RESET,
  PASSWORD_RESET_TTL_SECONDS,
  passwordFingerprint,
  passwordResetToken,
  readLinkToken,
} from './identity.links.ts';
import { passwordChangedMail, passwordResetMail } from './identity.mail.ts';
import * as repo from './identity.repository.ts';
import { LOGIN_FAILURES_PER_ACCOUNT } from './identity.service.ts';
import { recordSessionsRevoked } from './identity.sessions.ts';

export const RESET_REQUEST_PER_IP: Limit = { name: 'reset-request-ip', points: 20, durationSeconds: 3600 };
/** Counted per address whether or not an account has it, so the limit itself reveals nothing. */
export const RESET_REQUEST_PER_EMAIL: Limit = {
  name: 'reset-request-email',
  points: 3,
  durationSeconds: 3600,
};
export const RESET_PER_IP: Limit = { name: 'reset-ip', points: 30, durationSeconds: 15 * 60 };

const spent = () => invalid('body.token', 'is not a valid link token, or it was already used');

/**
 * Mails a reset link when an account has this address, and answers the same either way: the
 * caller cannot learn which addresses have accounts.
 */
export async function requestPasswordReset(ctx: Ctx, email: string, ip: string): Promise<void> {
  const address = email.toLowerCase();
  await ctx.platform.limits.consume(RESET_REQUEST_PER_IP, ip);
  await ctx.platform.limits.consume(RESET_REQUEST_PER_EMAIL, address);
  const user = await repo.findUserByEmail(ctx.platform.db, address);
  if (!user) return;
  const token = await passwordResetToken(ctx.platform, user);
  await withTx(ctx.platform, (work) =>
    enqueueMail(work, {
      to: user.email,
      template: passwordResetMail.name,
      data: {
        // Anyone may ask for a reset of any address: the name only once the address is proven.
        name: user.emailVerifiedAt ? mailSafeText(user.name) : '',
        link: linkTo(ctx.platform, 'reset-password', token),
        minutes: PASSWORD_RESET_TTL_SECONDS / 60,
      },
    }),
  );
}

/**
 * Sets a new password from a reset link and signs every device out (all refresh-token families
 * are revoked; access tokens lapse within their 15 minutes). The link dies with the old password
 * hash, so it works once; the row lock makes two concurrent uses of one link yield one winner.
 * Following a link from the mail also proves the address, so it counts as verified.
 */
export async function resetPassword(ctx: Ctx, input: { token: string; password: string }, ip: string) {
  await ctx.platform.limits.consume(RESET_PER_IP, ip);
  const { userId, claims } = await readLinkToken(ctx.platform, input.token, PASSWORD_RESET);
  const current = await repo.findUserById(ctx.platform.db, userId);
  const matches = (user: repo.UserRow | undefined): user is repo.UserRow =>
    !!user && user.email === claims.email && passwordFingerprint(user.passwordHash) === claims.pwd;
  if (!matches(current)) throw spent();
  // Hash before the transaction: it takes ~50 ms of CPU and must not hold the database.
  const passwordHash = await hashPassword(input.password);
  await withTx(ctx.platform, async (work) => {
    const user = await repo.findUserForUpdate(work.tx, userId);
    if (!matches(user)) throw spent();
    await repo.updateUser(work.tx, user.id, {
      passwordHash,
      emailVerifiedAt: user.emailVerifiedAt ?? new Date(),
    });
    await recordSessionsRevoked(work, user.id, await repo.revokeAllOfUser(work.tx, user.id));
    await enqueueMail(work, {
      to: user.email,
      template: passwordChangedMail.name,
      data: { name: mailSafeText(user.name) },
    });
  });
  // The owner proved the mailbox: guesses by others no longer throttle their sign-in.
  await ctx.platform.limits.reset(LOGIN_FAILURES_PER_ACCOUNT, current.email);
}
