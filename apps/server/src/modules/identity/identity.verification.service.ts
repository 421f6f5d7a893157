import type { User } from '@muster/protocol';
import { entities, scopes } from '@muster/protocol';
import type { Limit } from '../../platform/auth/rate-limiter.ts';
import type { AuthedCtx, Ctx, Platform } from '../../platform/context.ts';
import { type Work, withTx } from '../../platform/db/unit-of-work.ts';
import { AppError, ErrorCode, invalid, notFound } from '../../platform/errors.ts';
import { enqueueMail } from '../../platform/mail/index.ts';
import {
  linkTo,
  readLinkToken,
  VERIFY_EMAIL,
  VERIFY_EMAIL_TTL_SECONDS,
  verifyEmailToken,
} from './identity.links.ts';
import { verifyEmailMail } from './identity.mail.ts';
import { presentUser } from './identity.presenter.ts';
import * as repo from './identity.repository.ts';

/** Re-sends per account: enough for a lost mail or two, not enough to mail-bomb the address. */
export const VERIFY_RESEND_PER_USER: Limit = { name: 'verify-resend-user', points: 5, durationSeconds: 3600 };
export const VERIFY_PER_IP: Limit = { name: 'verify-ip', points: 60, durationSeconds: 15 * 60 };

/**
 * Enqueues the verification mail in the caller's transaction. The token is signed beforehand by
 * `verifyEmailToken` (signing needs no database, but keeps the transaction minimal).
 */
export async function enqueueVerificationMail(
  platform: Platform,
  work: Pick<Work, 'enqueue'>,
  user: { email: string },
  token: string,
): Promise<void> {
  await enqueueMail(work, {
    to: user.email,
    template: verifyEmailMail.name,
    data: {
      email: user.email,
      link: linkTo(platform, 'verify-email', token),
      hours: VERIFY_EMAIL_TTL_SECONDS / 3600,
    },
  });
}

/** Sends the verification mail again; `conflict` when there is nothing left to verify. */
export async function requestVerification(ctx: AuthedCtx): Promise<void> {
  await ctx.platform.limits.consume(VERIFY_RESEND_PER_USER, ctx.actor.userId);
  const user = await repo.findUserById(ctx.platform.db, ctx.actor.userId);
  if (!user) throw notFound('User');
  if (user.emailVerifiedAt) throw new AppError(ErrorCode.conflict, 'This e-mail address is already verified');
  const token = await verifyEmailToken(ctx.platform, user.id, user.email);
  await withTx(ctx.platform, (work) => enqueueVerificationMail(ctx.platform, work, user, token));
}

/**
 * Marks the address as verified. Needs no session: the token names the account, and it was only
 * ever sent to that address. Verifying twice is harmless (the first time is kept).
 */
export async function verifyEmail(ctx: Ctx, token: string, ip: string): Promise<User> {
  await ctx.platform.limits.consume(VERIFY_PER_IP, ip);
  const { userId, claims } = await readLinkToken(ctx.platform, token, VERIFY_EMAIL);
  return withTx(ctx.platform, async ({ tx, append }) => {
    const user = await repo.findUserForUpdate(tx, userId);
    // The account is gone, or its address changed since the mail was sent.
    if (!user || user.email !== claims.email) throw invalid('body.token', 'is not a valid link token');
    if (user.emailVerifiedAt) return presentUser(user, { self: true });
    const updated = await repo.updateUser(tx, user.id, { emailVerifiedAt: new Date() });
    if (!updated) throw notFound('User');
    const me = presentUser(updated, { self: true });
    await append({
      scope: scopes.user(user.id),
      entity: entities.identity.emailVerified,
      op: 'upsert',
      id: user.id,
      data: me,
      actorId: user.id,
    });
    return me;
  });
}
