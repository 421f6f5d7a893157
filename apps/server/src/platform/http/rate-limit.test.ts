import { beforeAll, describe, expect, it } from 'vitest';
import { registerUser, type TestUser } from '../../../test/factories.ts';
import { useTestServer } from '../../../test/harness.ts';

const server = useTestServer({ env: { HTTP_RATE_LIMIT_PER_MINUTE: '5' } });
let user: TestUser;
beforeAll(async () => {
  user = await registerUser(server);
});

describe('HTTP rate limit', () => {
  it('answers 429 problem+json with Retry-After per session, without throttling other sessions', async () => {
    const statuses: number[] = [];
    let last: Awaited<ReturnType<typeof server.app.inject>> | undefined;
    for (let i = 0; i < 7; i++) {
      last = await server.app.inject({ method: 'GET', url: '/api/v1/me', headers: user.headers });
      statuses.push(last.statusCode);
    }
    expect(statuses.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
    expect(statuses.slice(5)).toEqual([429, 429]);
    expect(last!.json()).toMatchObject({ code: 'rate_limited', status: 429 });
    expect(Number(last!.headers['retry-after'])).toBeGreaterThan(0);
    // Another attendee behind the same venue address is not affected.
    const login = await server.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: user.email, password: user.password },
      remoteAddress: '10.77.0.1',
    });
    const other = login.json().accessToken as string;
    expect(
      (
        await server.app.inject({
          method: 'GET',
          url: '/api/v1/me',
          headers: { authorization: `Bearer ${other}` },
        })
      ).statusCode,
    ).toBe(200);
  });
});
