import { Ok, PasswordResetBody, PasswordResetRequestBody, User, VerifyEmailBody } from '@muster/protocol';
import type { Platform } from '../../platform/context.ts';
import { authedCtx, ctxOf } from '../../platform/http/request-context.ts';
import type { App } from '../../platform/http/server.ts';
import * as reset from './identity.reset.service.ts';
import * as verification from './identity.verification.service.ts';

const tags = ['identity'];
const secured = [{ bearer: [] }];

/** E-mail verification and password reset (A1): links sent by mail, redeemed here. */
export function accountRoutes(app: App, platform: Platform) {
  app.post(
    '/api/v1/auth/verify-email/request',
    { schema: { tags, security: secured, response: { 202: Ok } } },
    async (request, reply) => {
      await verification.requestVerification(authedCtx(platform, request));
      return reply.status(202).send({ ok: true });
    },
  );

  app.post(
    '/api/v1/auth/verify-email',
    { schema: { tags, body: VerifyEmailBody, response: { 200: User } } },
    async (request) => verification.verifyEmail(ctxOf(platform, request), request.body.token, request.ip),
  );

  app.post(
    '/api/v1/auth/password-reset/request',
    { schema: { tags, body: PasswordResetRequestBody, response: { 202: Ok } } },
    async (request, reply) => {
      await reset.requestPasswordReset(ctxOf(platform, request), request.body.email, request.ip);
      return reply.status(202).send({ ok: true });
    },
  );

  app.post(
    '/api/v1/auth/password-reset',
    { schema: { tags, body: PasswordResetBody, response: { 200: Ok } } },
    async (request) => {
      await reset.resetPassword(ctxOf(platform, request), request.body, request.ip);
      return { ok: true as const };
    },
  );
}
