import { randomUUID } from 'node:crypto';
import type { AuthResult } from '@muster/protocol';
import type { TestServer } from './harness.ts';

export interface TestUser {
  id: string;
  email: string;
  password: string;
  accessToken: string;
  refreshToken: string;
  /** `{ authorization: 'Bearer …' }` for `app.inject`. */
  headers: { authorization: string };
}

/** Registers a new user through the real API. */
export async function registerUser(
  server: TestServer,
  overrides: { name?: string; email?: string } = {},
): Promise<TestUser> {
  const email = overrides.email ?? `user-${randomUUID()}@example.test`;
  const password = 'correct horse battery staple';
  const res = await server.app.inject({
    method: 'POST',
    url: '/api/v1/auth/register',
    payload: { email, password, name: overrides.name ?? 'Test User' },
    remoteAddress: `10.9.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`,
  });
  if (res.statusCode !== 201) throw new Error(`register failed: ${res.statusCode} ${res.body}`);
  const body = res.json<AuthResult>();
  return {
    id: body.user.id,
    email,
    password,
    accessToken: body.accessToken,
    refreshToken: body.refreshToken,
    headers: { authorization: `Bearer ${body.accessToken}` },
  };
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * `inject(method, url, user?, payload?)` on `server`: `app.inject` as that user (anonymous without
 * one), answering the raw response, for tests that assert on refusals as well as successes.
 */
export function injectAs(server: TestServer) {
  return (method: Method, url: string, user?: TestUser | null, payload?: object) =>
    server.app.inject({ method, url, headers: user?.headers ?? {}, ...(payload ? { payload } : {}) });
}
