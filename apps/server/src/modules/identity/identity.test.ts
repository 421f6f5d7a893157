import { describe, expect, it } from 'vitest';
import { useTestServer } from '../../../test/harness.ts';

const server = useTestServer();

describe('identity', () => {
  it('registers and reads me', async () => {
    const res = await server.app.inject({
      method: 'POST',
      url: '/api/v1/auth/register',
      payload: { email: 'Ann@Example.com', password: 'correct horse battery', name: 'Ann' },
    });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body.user.email).toBe('ann@example.com');
    const me = await server.app.inject({
      method: 'GET',
      url: '/api/v1/me',
      headers: { authorization: `Bearer ${body.accessToken}` },
    });
    expect(me.json().name).toBe('Ann');
  });
});
