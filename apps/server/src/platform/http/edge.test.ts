import { Validator } from '@seriousme/openapi-schema-validator';
import { beforeAll, describe, expect, it } from 'vitest';
import { registerUser, type TestUser } from '../../../test/factories.ts';
import { useTestServer } from '../../../test/harness.ts';
import { metricsHeaders } from '../../../test/scrape-token.ts';

const server = useTestServer();
let user: TestUser;
beforeAll(async () => {
  user = await registerUser(server);
});

describe('HTTP edge', () => {
  it('publishes a valid OpenAPI 3.1 document and the docs UI', async () => {
    const res = await server.app.inject({ method: 'GET', url: '/api/openapi.json' });
    expect(res.statusCode).toBe(200);
    const document = res.json();
    expect(document.openapi).toBe('3.1.0');
    const result = await new Validator().validate(document);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(Object.keys(document.paths)).toContain('/api/v1/auth/register');
    expect((await server.app.inject({ method: 'GET', url: '/api/docs' })).statusCode).toBeLessThan(400);
  });

  it('answers health, readiness and Prometheus metrics', async () => {
    expect((await server.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    expect((await server.app.inject({ method: 'GET', url: '/readyz' })).json()).toMatchObject({ ok: true });
    const metrics = await server.app.inject({ method: 'GET', url: '/metrics', headers: metricsHeaders });
    expect(metrics.body).toContain('muster_http_request_duration_seconds');
    expect(metrics.body).toContain('process_cpu_user_seconds_total');
  });

  it('answers 413 problem+json for a body over 1 MiB, and the process keeps serving', async () => {
    const res = await server.app.inject({
      method: 'PATCH',
      url: '/api/v1/me',
      headers: { ...user.headers, 'content-type': 'application/json' },
      payload: JSON.stringify({ bio: 'x'.repeat(1024 * 1024 + 10) }),
    });
    expect(res.statusCode).toBe(413);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json()).toMatchObject({ code: 'payload_too_large' });
    expect((await server.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
  });

  it('refuses deeply nested JSON with a 400, never a crash', async () => {
    const depth = 100_000;
    const res = await server.app.inject({
      method: 'PATCH',
      url: '/api/v1/me',
      headers: { ...user.headers, 'content-type': 'application/json' },
      payload: `{"interests":${'['.repeat(depth)}${']'.repeat(depth)}}`,
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('validation_failed');
  });

  it('names the field in validation errors and refuses unknown fields (mass assignment)', async () => {
    const res = await server.app.inject({
      method: 'PATCH',
      url: '/api/v1/me',
      headers: user.headers,
      payload: { name: 'x', id: 'mine', role: 'admin' },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0].field).toMatch(/^body\.(id|role)$/);
    const wrongType = await server.app.inject({
      method: 'PATCH',
      url: '/api/v1/me',
      headers: user.headers,
      payload: { interests: 'not-a-list' },
    });
    expect(wrongType.json().errors[0].field).toBe('body.interests');
  });

  it('refuses NUL characters anywhere in the query or the body with a 400 naming the field', async () => {
    const query = await server.app.inject({ method: 'GET', url: '/api/v1/events?q=%00' });
    expect(query.statusCode).toBe(400);
    expect(query.json().errors[0].field).toBe('querystring.q');
    const body = await server.app.inject({
      method: 'PATCH',
      url: '/api/v1/me',
      headers: user.headers,
      payload: { interests: ['ok', 'bad\u0000'] },
    });
    expect(body.statusCode).toBe(400);
    expect(body.json().errors[0].field).toBe('body.interests.1');
  });

  it('answers problem+json 404 for unknown routes and 415 for non-JSON bodies', async () => {
    const missing = await server.app.inject({ method: 'GET', url: '/api/v1/nothing-here' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().code).toBe('not_found');
    const xml = await server.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      headers: { 'content-type': 'application/xml' },
      payload: '<a/>',
    });
    expect(xml.statusCode).toBe(415);
  });
});
