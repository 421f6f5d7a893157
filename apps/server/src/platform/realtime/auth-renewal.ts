import { Type } from 'typebox';
import type { Platform } from '../context.ts';
import { AppError, ErrorCode } from '../errors.ts';
import { dataOf } from './socket-data.ts';
import type { SocketHandler } from './socket-events.ts';
import { armExpiry } from './token-expiry.ts';

const AuthRequest = Type.Object({ token: Type.String({ maxLength: 4096 }) }, { additionalProperties: false });

/**
 * `auth`: renews the socket's access token without reconnecting. Allowed after the old token
 * expired (that is what it is for); the new one must be the same user's, of a live session.
 */
export function authRenewalHandler(
  platform: Platform,
  sessionLive: (familyId: string) => Promise<boolean>,
): SocketHandler<{ token: string }> {
  return {
    event: 'auth',
    allowExpiredToken: true,
    schema: AuthRequest,
    async handle(ctx, { token }, socket) {
      const verified = await platform.tokens.verifyAccess(token).catch(() => {
        throw new AppError(ErrorCode.unauthorized, 'Invalid access token');
      });
      if (verified.userId !== ctx.actor.userId)
        throw new AppError(ErrorCode.unauthorized, 'Token belongs to another user');
      if (!(await sessionLive(verified.familyId)))
        throw new AppError(ErrorCode.unauthorized, 'This session has been signed out');
      const data = dataOf(socket);
      // The socket now belongs to the token's session: signing that one out is what closes it.
      data.actor = { userId: verified.userId, familyId: verified.familyId };
      data.expiresAt = verified.expiresAt;
      armExpiry(socket);
      return {};
    },
  };
}
