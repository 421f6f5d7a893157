import { eq } from 'drizzle-orm';
import { SignJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { registerUser, type TestUser } from '../../../test/factories.ts';
import { useTestServer } from '../../../test/harness.ts';
import { users } from './identity.tables.ts';

const SECRET = new TextEncoder().encode('test-secret-test-secret-test-secret-0123456789');
const server = useTestServer();
let user: TestUser;

beforeAll(async () => {
  user = await registerUser(server);
});

const me = (token: string) =>
  server.app.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization: `Bearer ${token}` } });

const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

function claims(overrides: Record<string, unknown> = {}) {
  return {
    typ: 'access',
    fam: '01900000-0000-7000-8000-000000000000',
    sub: user.id,
    iss: 'muster',
    aud: 'muster-api',
    ...overrides,
  };
}

describe('JWT attack cases answer 401', () => {
  it('accepts a genuine access token (control)', async () => {
    expect((await me(user.accessToken)).statusCode).toBe(200);
  });

  it('rejects alg: none', async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims({ iat: now, exp: now + 600 }))}.`;
    expect((await me(token)).statusCode).toBe(401);
  });

  it('rejects another algorithm signed with the same secret (algorithm confusion)', async () => {
    const token = await new SignJWT(claims())
      .setProtectedHeader({ alg: 'HS512' })
      .setExpirationTime('10m')
      .sign(SECRET);
    expect((await me(token)).statusCode).toBe(401);
  });

  it('rejects an expired token', async () => {
    const past = Math.floor(Date.now() / 1000) - 3600;
    const token = await new SignJWT(claims())
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuedAt(past - 60)
      .setExpirationTime(past)
      .sign(SECRET);
    expect((await me(token)).statusCode).toBe(401);
  });

  it('rejects a wrong audience, a wrong issuer and a non-access token type', async () => {
    for (const bad of [{ aud: 'someone-else' }, { iss: 'evil' }, { typ: 'refresh' }]) {
      const token = await new SignJWT(claims(bad))
        .setProtectedHeader({ alg: 'HS256' })
        .setExpirationTime('10m')
        .sign(SECRET);
      expect((await me(token)).statusCode, JSON.stringify(bad)).toBe(401);
    }
  });

  it('rejects a token signed with another key, a tampered payload, and a refresh token used as access token', async () => {
    const other = await new SignJWT(claims())
      .setProtectedHeader({ alg: 'HS256' })
      .setExpirationTime('10m')
      .sign(new TextEncoder().encode('a-completely-different-secret-of-enough-length'));
    expect((await me(other)).statusCode).toBe(401);
    const [h, , s] = user.accessToken.split('.');
    expect(
      (await me(`${h}.${b64(claims({ sub: '01900000-0000-7000-8000-00000000beef' }))}.${s}`)).statusCode,
    ).toBe(401);
    expect((await me(user.refreshToken)).statusCode).toBe(401);
    const problem = (await me('garbage')).json();
    expect(problem).toMatchObject({ status: 401, code: 'unauthorized' });
  });
});

describe('passwords and refresh tokens', () => {
  it('stores passwords as argon2id with m ≥ 19456 KiB, t ≥ 2, p = 1', async () => {
    const [row] = await server.platform.db.select().from(users).where(eq(users.id, user.id));
    const match = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$/.exec(row!.passwordHash);
    expect(match).not.toBeNull();
    expect(Number(match![1])).toBeGreaterThanOrEqual(19_456);
    expect(Number(match![2])).toBeGreaterThanOrEqual(2);
    expect(Number(match![3])).toBe(1);
    expect(row!.passwordHash).not.toContain(user.password);
  });

  it('rotates refresh tokens, and reusing a spent one revokes the whole family', async () => {
    const login = (
      await server.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email: user.email, password: user.password },
      })
    ).json();
    const refresh = (token: string) =>
      server.app.inject({ method: 'POST', url: '/api/v1/auth/refresh', payload: { refreshToken: token } });
    const first = await refresh(login.refreshToken);
    expect(first.statusCode).toBe(200);
    const rotated = first.json().refreshToken as string;
    expect(rotated).not.toBe(login.refreshToken);
    expect((await refresh(login.refreshToken)).statusCode).toBe(401); // replay of the spent token
    expect((await refresh(rotated)).statusCode).toBe(401); // its family is revoked too
    expect((await refresh(user.refreshToken)).statusCode).toBe(200); // another device is untouched
  });

  it('lets only one of two concurrent refreshes with the same token succeed', async () => {
    const login = (
      await server.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email: user.email, password: user.password },
      })
    ).json();
    const results = await Promise.all(
      [1, 2].map(() =>
        server.app.inject({
          method: 'POST',
          url: '/api/v1/auth/refresh',
          payload: { refreshToken: login.refreshToken },
        }),
      ),
    );
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 401]);
  });

  it('logout revokes the refresh token', async () => {
    const login = (
      await server.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email: user.email, password: user.password },
      })
    ).json();
    expect(
      (
        await server.app.inject({
          method: 'POST',
          url: '/api/v1/auth/logout',
          payload: { refreshToken: login.refreshToken },
        })
      ).statusCode,
    ).toBe(200);
    expect(
      (
        await server.app.inject({
          method: 'POST',
          url: '/api/v1/auth/refresh',
          payload: { refreshToken: login.refreshToken },
        })
      ).statusCode,
    ).toBe(401);
  });
});

describe('login rate limits', () => {
  it('limits attempts per account, whatever the address, with Retry-After', async () => {
    const victim = await registerUser(server);
    const statuses: number[] = [];
    let retryAfter: string | undefined;
    for (let i = 0; i < 12; i++) {
      const res = await server.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email: victim.email, password: 'wrong password guess' },
        remoteAddress: `10.20.0.${i + 1}`,
      });
      statuses.push(res.statusCode);
      if (res.statusCode === 429) retryAfter = res.headers['retry-after'] as string;
    }
    expect(statuses.slice(0, 10).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(10)).toEqual([429, 429]);
    expect(Number(retryAfter)).toBeGreaterThan(0);
  });

  it('limits attempts per address across accounts', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 105; i++) {
      const res = await server.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email: `nobody-${i}@example.test`, password: 'whatever it is' },
        remoteAddress: '10.30.0.1',
      });
      statuses.push(res.statusCode);
    }
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0);
    expect(statuses.slice(0, 100).every((s) => s === 401)).toBe(true);
  });
});
