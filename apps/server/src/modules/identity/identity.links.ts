import { ExpiredTokenError, sha256 } from '../../platform/auth/tokens.ts';
import type { Platform } from '../../platform/context.ts';
import { invalid } from '../../platform/errors.ts';

export const VERIFY_EMAIL = 'verify-email';
export const PASSWORD_RESET = 'password-reset';
export const VERIFY_EMAIL_TTL_SECONDS = 48 * 3600;
export const PASSWORD_RESET_TTL_SECONDS = 60 * 60;

type Purpose = typeof VERIFY_EMAIL | typeof PASSWORD_RESET;

/**
 * Binds a reset token to the password it replaces: the hash has a fresh salt each time, so once
 * the password changes every earlier reset token stops matching. That makes a reset link
 * single-use without storing it anywhere.
 */
export const passwordFingerprint = (passwordHash: string) => sha256(`reset:${passwordHash}`).slice(0, 32);

/** A verification link for `email` (a later change of address makes it stale). */
export function verifyEmailToken(platform: Platform, userId: string, email: string): Promise<string> {
  return platform.tokens.signPurpose(VERIFY_EMAIL, userId, { email }, VERIFY_EMAIL_TTL_SECONDS);
}

export function passwordResetToken(
  platform: Platform,
  user: { id: string; email: string; passwordHash: string },
): Promise<string> {
  return platform.tokens.signPurpose(
    PASSWORD_RESET,
    user.id,
    { email: user.email, pwd: passwordFingerprint(user.passwordHash) },
    PASSWORD_RESET_TTL_SECONDS,
  );
}

/** The page of the web app that receives the token (it posts it back to the API). */
export function linkTo(platform: Platform, page: 'verify-email' | 'reset-password', token: string): string {
  return `${platform.config.publicUrl}/${page}?token=${encodeURIComponent(token)}`;
}

/**
 * Verifies a link token of one purpose. Anything wrong is a 400 naming `body.token`; an expired
 * token says so, so that the app can offer to send a new link.
 */
export async function readLinkToken(
  platform: Platform,
  token: string,
  purpose: Purpose,
): Promise<{ userId: string; claims: Record<string, string> }> {
  try {
    const { subject, claims } = await platform.tokens.verifyPurpose(token, purpose);
    return { userId: subject, claims };
  } catch (error) {
    if (error instanceof ExpiredTokenError) throw invalid('body.token', 'has expired; ask for a new link');
    throw invalid('body.token', 'is not a valid link token');
  }
}
