import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { brotliCompressSync, brotliDecompressSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { useTestServer } from '../../../test/harness.ts';

/** A stand-in for `apps/web/dist`, with the file names a Vite build produces. */
function fakeBuild(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'muster-web-'));
  fs.mkdirSync(path.join(dir, 'assets'));
  fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>Muster</title><div id="root"></div>');
  const script = `console.log(${JSON.stringify('app '.repeat(500))})`;
  fs.writeFileSync(path.join(dir, 'assets/index-Ab12Cd34.js'), script);
  fs.writeFileSync(path.join(dir, 'assets/index-Ab12Cd34.js.br'), brotliCompressSync(script));
  fs.writeFileSync(path.join(dir, 'sw.js'), 'self.addEventListener("fetch", () => {})');
  fs.writeFileSync(path.join(dir, 'manifest.webmanifest'), '{"name":"Muster"}');
  fs.writeFileSync(path.join(dir, 'icon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  return dir;
}

const built = fakeBuild();
const missing = path.join(os.tmpdir(), `muster-web-missing-${process.pid}`);
afterAll(() => fs.rmSync(built, { recursive: true, force: true }));

describe('the web app at /', () => {
  const server = useTestServer(() => ({ env: { MUSTER_WEB_DIR: built } }));
  const get = (url: string) => server.app.inject({ method: 'GET', url });

  it('serves index.html at / and for any client-side route, never cached, with the app CSP', async () => {
    for (const url of ['/', '/events/0190a0b0-0000-7000-8000-000000000000/agenda', '/schedule?x=1']) {
      const res = await get(url);
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type']).toContain('text/html');
      expect(res.body).toContain('<div id="root">');
      expect(res.headers['cache-control']).toBe('no-cache');
      expect(res.headers['content-security-policy']).toContain("script-src 'self'");
      expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(res.headers['x-content-type-options']).toBe('nosniff');
    }
  });

  it('caches hashed assets for a year and revalidates the service worker and manifest', async () => {
    const asset = await get('/assets/index-Ab12Cd34.js');
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['content-type']).toContain('javascript');
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const sw = await get('/sw.js');
    expect(sw.statusCode).toBe(200);
    expect(sw.headers['cache-control']).toBe('no-cache');
    expect((await get('/manifest.webmanifest')).headers['cache-control']).toBe('no-cache');
    expect((await get('/icon.svg')).headers['cache-control']).toBe('public, max-age=3600');
  });

  it('sends the precompressed file to browsers that accept it, the plain one to others', async () => {
    const url = '/assets/index-Ab12Cd34.js';
    const br = await server.app.inject({ method: 'GET', url, headers: { 'accept-encoding': 'gzip, br' } });
    expect(br.statusCode).toBe(200);
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers.vary).toContain('accept-encoding');
    expect(br.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const plain = fs.readFileSync(path.join(built, 'assets/index-Ab12Cd34.js'), 'utf8');
    expect(brotliDecompressSync(br.rawPayload).toString()).toBe(plain);
    const identity = await get(url);
    expect(identity.headers['content-encoding']).toBeUndefined();
    expect(identity.body).toBe(plain);
  });

  it("leaves the server's own paths alone: unknown API routes stay 404 problems", async () => {
    for (const url of ['/api/v1/nothing-here', '/api', '/socket.io/nope', '/metrics/x', '/healthz/deep']) {
      const res = await get(url);
      expect(res.statusCode, url).toBe(404);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.headers['content-security-policy'], url).toBeUndefined();
    }
    expect((await get('/healthz')).json()).toEqual({ ok: true });
    expect((await get('/api/openapi.json')).json().openapi).toBe('3.1.0');
    const post = await server.app.inject({ method: 'POST', url: '/events/new', payload: {} });
    expect(post.statusCode).toBe(404);
  });

  it('never serves a file outside the build, however the path is spelled', async () => {
    const secret = path.join(path.dirname(built), 'outside-secret.txt');
    fs.writeFileSync(secret, 'top secret');
    try {
      const name = path.basename(secret);
      for (const url of [
        `/../${name}`,
        `/%2e%2e/${name}`,
        `/assets/..%2f..%2f${name}`,
        `/%2e%2e%2f%2e%2e%2f${name}`,
        '/..%5c..%5cetc%5cpasswd',
        '/%00',
      ]) {
        const res = await get(url);
        expect(res.statusCode, url).toBeLessThan(500);
        expect(res.body, url).not.toContain('top secret');
        expect(res.body, url).not.toContain('root:');
      }
    } finally {
      fs.rmSync(secret, { force: true });
    }
  });
});

describe('the web app when it is not built', () => {
  const server = useTestServer(() => ({ env: { MUSTER_WEB_DIR: missing } }));

  it('answers a 503 problem that says how to build it, and the API keeps working', async () => {
    const res = await server.app.inject({ method: 'GET', url: '/' });
    expect(res.statusCode).toBe(503);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json()).toMatchObject({ code: 'unavailable', status: 503 });
    expect(res.json().detail).toContain('not built');
    expect(res.json().detail).toContain('npm run build:web');
    expect((await server.app.inject({ method: 'GET', url: '/events/x' })).statusCode).toBe(503);
    expect((await server.app.inject({ method: 'GET', url: '/api/v1/nope' })).statusCode).toBe(404);
    expect((await server.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
  });
});

describe('the web app behind one crowded address', () => {
  const server = useTestServer(() => ({ env: { MUSTER_WEB_DIR: built, HTTP_RATE_LIMIT_PER_MINUTE: '5' } }));

  it("serves the app's own files past the request limit, which still counts API calls", async () => {
    const remoteAddress = '10.88.0.1';
    for (let i = 0; i < 20; i++)
      for (const url of ['/', '/assets/index-Ab12Cd34.js', '/sw.js', '/events/x/agenda'])
        expect((await server.app.inject({ method: 'GET', url, remoteAddress })).statusCode, url).toBe(200);
    const api = [];
    for (let i = 0; i < 7; i++)
      api.push((await server.app.inject({ method: 'GET', url: '/api/v1/events', remoteAddress })).statusCode);
    expect(api.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
    expect(api.slice(5)).toEqual([429, 429]);
  });
});
