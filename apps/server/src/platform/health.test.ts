import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { registerUser } from '../../test/factories.ts';
import { useTestServer } from '../../test/harness.ts';
import { metricsHeaders } from '../../test/scrape-token.ts';

const scrape = (server: ReturnType<typeof useTestServer>, headers: Record<string, string> = {}) =>
  server.app.inject({ method: 'GET', url: '/metrics', headers });

describe('/metrics with METRICS_TOKEN', () => {
  const server = useTestServer();

  it('refuses an anonymous scrape, a wrong token and a user access token', async () => {
    const user = await registerUser(server);
    for (const headers of [{}, { authorization: 'Bearer not-the-scrape-token' }, user.headers]) {
      const res = await scrape(server, headers);
      expect(res.statusCode, JSON.stringify(headers)).toBe(401);
      expect(res.json()).toMatchObject({ code: 'unauthorized' });
      expect(res.body).not.toContain('muster_');
    }
  });

  it('answers Prometheus text to the scrape token', async () => {
    const res = await scrape(server, metricsHeaders);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('muster_http_request_duration_seconds');
  });
});

describe('/metrics without METRICS_TOKEN', () => {
  const server = useTestServer({ env: { METRICS_TOKEN: '' } });

  it('requires the token generated into the data directory (owner-only)', async () => {
    const file = path.join(server.dataDir, 'metrics-token');
    const token = fs.readFileSync(file, 'utf8').trim();
    expect(token.length).toBeGreaterThanOrEqual(32);
    expect(fs.statSync(file).mode & 0o077).toBe(0);
    expect((await scrape(server)).statusCode).toBe(401);
    expect((await scrape(server, { authorization: `Bearer ${token}` })).statusCode).toBe(200);
  });
});
