import {
  AuthResult,
  Device,
  LoginBody,
  Ok,
  RefreshBody,
  RegisterBody,
  TokenPair,
  UpdateMeBody,
  User,
} from '@muster/protocol';
import { Type } from 'typebox';
import type { Platform } from '../../platform/context.ts';
import { authedCtx, ctxOf } from '../../platform/http/request-context.ts';
import type { App } from '../../platform/http/server.ts';
import * as identity from './identity.service.ts';

const tags = ['identity'];
const secured = [{ bearer: [] }];

/**
 * Accounts and sessions: register, login, refresh, logout, the caller's own profile and devices.
 * Answers with tokens are never replayed for an `Idempotency-Key` (`neverReplay`).
 */
export function sessionRoutes(app: App, platform: Platform) {
  const client = (request: { ip: string; headers: { 'user-agent'?: string } }) => ({
    ip: request.ip,
    userAgent: request.headers['user-agent'],
  });

  app.post(
    '/api/v1/auth/register',
    { config: { neverReplay: true }, schema: { tags, body: RegisterBody, response: { 201: AuthResult } } },
    async (request, reply) => {
      const result = await identity.register(ctxOf(platform, request), request.body, client(request));
      return reply.status(201).send(result);
    },
  );

  app.post(
    '/api/v1/auth/login',
    { config: { neverReplay: true }, schema: { tags, body: LoginBody, response: { 200: AuthResult } } },
    async (request) => identity.login(ctxOf(platform, request), request.body, client(request)),
  );

  app.post(
    '/api/v1/auth/refresh',
    { config: { neverReplay: true }, schema: { tags, body: RefreshBody, response: { 200: TokenPair } } },
    async (request) => identity.refresh(ctxOf(platform, request), request.body.refreshToken, client(request)),
  );

  app.post(
    '/api/v1/auth/logout',
    { schema: { tags, body: RefreshBody, response: { 200: Ok } } },
    async (request) => {
      await identity.logout(ctxOf(platform, request), request.body.refreshToken);
      return { ok: true as const };
    },
  );

  app.post(
    '/api/v1/auth/logout-all',
    { schema: { tags, security: secured, response: { 200: Ok } } },
    async (request) => {
      await identity.logoutEverywhere(authedCtx(platform, request));
      return { ok: true as const };
    },
  );

  app.get('/api/v1/me', { schema: { tags, security: secured, response: { 200: User } } }, async (request) =>
    identity.getMe(authedCtx(platform, request)),
  );

  app.patch(
    '/api/v1/me',
    { schema: { tags, security: secured, body: UpdateMeBody, response: { 200: User } } },
    async (request) => identity.updateMe(authedCtx(platform, request), request.body),
  );

  app.get(
    '/api/v1/me/devices',
    {
      schema: {
        tags,
        security: secured,
        response: {
          200: Type.Object({
            items: Type.Array(Type.Intersect([Device, Type.Object({ current: Type.Boolean() })])),
          }),
        },
      },
    },
    async (request) => ({ items: await identity.listDevices(authedCtx(platform, request)) }),
  );
}
