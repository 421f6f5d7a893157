import type { FastifyRequest } from 'fastify';
import type { Actor, AuthedCtx, Ctx, Platform } from '../context.ts';
import { AppError, ErrorCode } from '../errors.ts';

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor | null;
  }
}

/** The service context of a request; the actor is null for anonymous callers. */
export function ctxOf(platform: Platform, request: FastifyRequest): Ctx {
  return { platform, actor: request.actor, requestId: request.id };
}

/** Like `ctxOf` but answers 401 when there is no valid access token. */
export function authedCtx(platform: Platform, request: FastifyRequest): AuthedCtx {
  if (!request.actor)
    throw new AppError(ErrorCode.unauthorized, 'Sign in first (Authorization: Bearer <accessToken>)');
  return { platform, actor: request.actor, requestId: request.id };
}
