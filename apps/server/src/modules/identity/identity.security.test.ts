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
  const login = (body: object, remoteAddress: string) =>
    server.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: body, remoteAddress });

  it("counts failures per account and address: a stranger's wrong passwords do not stop the owner signing in", async () => {
    const victim = await registerUser(server);
    const statuses: number[] = [];
    let retryAfter: string | undefined;
    for (let i = 0; i < 12; i++) {
      const res = await login({ email: victim.email, password: 'wrong password guess' }, '10.20.0.1');
      statuses.push(res.statusCode);
      if (res.statusCode === 429) retryAfter = res.headers['retry-after'] as string;
    }
    expect(statuses.slice(0, 10).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(10)).toEqual([429, 429]);
    expect(Number(retryAfter)).toBeGreaterThan(0);
    // The owner, from their own address, with no device token at all.
    const owner = await login({ email: victim.email, password: victim.password }, '10.20.9.9');
    expect(owner.statusCode).toBe(200);
  });

  it('throttles an account across addresses only after 100 failures, and still lets in a device that signed in before', async () => {
    const victim = await registerUser(server);
    const first = await login({ email: victim.email, password: victim.password }, '10.40.0.1');
    const deviceToken = first.json().deviceToken as string;
    expect(deviceToken).toEqual(expect.any(String));
    const statuses: number[] = [];
    for (let i = 0; i < 100; i++) {
      const address = `10.41.${i >> 4}.${(i % 16) + 1}`;
      statuses.push((await login({ email: victim.email, password: `guess ${i}` }, address)).statusCode);
    }
    expect(statuses.every((s) => s === 401)).toBe(true);
    const strangerAgain = await login({ email: victim.email, password: 'guess 101' }, '10.42.0.1');
    expect(strangerAgain.statusCode).toBe(429);
    // A new device of the owner's waits too (or uses a mailed reset link)…
    expect((await login({ email: victim.email, password: victim.password }, '10.42.0.2')).statusCode).toBe(
      429,
    );
    // …but a device that signed in before is let in, from any address.
    const known = await login({ email: victim.email, password: victim.password, deviceToken }, '10.42.0.3');
    expect(known.statusCode).toBe(200);
    // A device token proves a device, not a password, and one account's token is no other's.
    const other = await registerUser(server);
    const forged = await login({ email: victim.email, password: 'guess 102', deviceToken }, '10.42.0.4');
    expect(forged.statusCode).toBe(401);
    const otherToken = (await login({ email: other.email, password: other.password }, '10.43.0.1')).json()
      .deviceToken as string;
    const wrongAccount = await login(
      { email: victim.email, password: victim.password, deviceToken: otherToken },
      '10.42.0.5',
    );
    expect(wrongAccount.statusCode).toBe(429);
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
