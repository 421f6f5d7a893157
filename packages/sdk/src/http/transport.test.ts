import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isTransient, MusterApiError, MusterNetworkError } from '../errors.ts';
import { defaultTimers } from '../platform.ts';
import { normaliseScope } from '../session.ts';
import { path, queryString, Transport } from './transport.ts';

/**
 * What stands between the SDK and the server is not always Muster: a proxy answers HTML, a load
 * balancer 503 with Retry-After, a request hangs. A real HTTP server plays them here.
 */
let proxy: http.Server;
let baseUrl: string;
const seen: { url: string; headers: http.IncomingHttpHeaders }[] = [];

beforeAll(async () => {
  proxy = http.createServer((req, res) => {
    seen.push({ url: req.url ?? '', headers: req.headers });
    if (req.url?.startsWith('/html'))
      return res.writeHead(502, { 'content-type': 'text/html' }).end('<h1>Bad gateway</h1>');
    if (req.url?.startsWith('/busy')) return res.writeHead(503, { 'retry-after': '7' }).end();
    if (req.url?.startsWith('/hang')) return; // never answers
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: true }));
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
});
afterAll(async () => {
  proxy.closeAllConnections();
  await new Promise((resolve) => proxy.close(resolve));
});

describe('Transport', () => {
  it('turns a non-Muster error page into a MusterApiError, and a 503 into a transient one', async () => {
    const transport = new Transport({ baseUrl, timers: defaultTimers });
    const html = await transport.request('GET', '/html').catch((e: unknown) => e);
    expect(html).toBeInstanceOf(MusterApiError);
    expect(html).toMatchObject({ status: 502, code: 'internal' });
    const busy = await transport.request('GET', '/busy').catch((e: unknown) => e);
    expect(busy).toMatchObject({ status: 503, retryAfterSeconds: 7 });
    expect(isTransient(busy)).toBe(true);
    expect(isTransient(new MusterApiError(404, { code: 'not_found' }))).toBe(false);
    expect(isTransient(new MusterApiError(409, { code: 'conflict' }, 1))).toBe(true);
  });

  it('gives up on a request that never answers, as a network error', async () => {
    const transport = new Transport({ baseUrl, timers: defaultTimers, timeoutMs: 200 });
    await expect(transport.request('GET', '/hang')).rejects.toBeInstanceOf(MusterNetworkError);
  });

  it('sends the idempotency key and encodes ids so they cannot change the path', async () => {
    const transport = new Transport({ baseUrl, timers: defaultTimers });
    await transport.request('PUT', path`/api/v1/sessions/${'../../admin?x=1#'}/note`, {
      body: { body: 'x' },
      idempotencyKey: 'key-1',
      auth: false,
    });
    const last = seen.at(-1)!;
    expect(last.url).toBe('/api/v1/sessions/..%2F..%2Fadmin%3Fx%3D1%23/note');
    expect(last.headers['idempotency-key']).toBe('key-1');
    expect(queryString({ scopes: 'event:a@1,user:b@2', limit: undefined })).toBe(
      '?scopes=event%3Aa%401%2Cuser%3Ab%402',
    );
  });

  it('accepts only well-formed scopes', () => {
    expect(normaliseScope('event:01900000-0000-7000-8000-0000000000AB')).toBe(
      'event:01900000-0000-7000-8000-0000000000ab',
    );
    for (const bad of ['event:../x', 'event:', 'EVENT:01900000-0000-7000-8000-000000000000', 'event:1@2'])
      expect(() => normaliseScope(bad), bad).toThrow(/Not a scope/);
  });
});
