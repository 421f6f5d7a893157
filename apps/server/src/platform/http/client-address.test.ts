import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { useTestServer } from '../../../test/harness.ts';
import { clientAddress, compileTrust } from './client-address.ts';

const PROXY = '10.0.0.2';
let forged = 0;
/** A new, never seen X-Forwarded-For value: what an attacker sends to look like a new client. */
const forgedHeader = () => `203.0.113.${++forged % 250}, 198.18.${forged % 250}.${forged >> 8}`;

describe('TRUST_PROXY unset: a forged X-Forwarded-For buys no fresh limit', () => {
  const server = useTestServer();

  it('login per address: new header values after the limit still get 429', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 102; i++) {
      const res = await server.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email: `nobody-${i}@example.test`, password: 'whatever it is' },
        headers: { 'x-forwarded-for': forgedHeader() },
        remoteAddress: '198.51.100.7',
      });
      statuses.push(res.statusCode);
    }
    expect(statuses.slice(0, 100).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(100)).toEqual([429, 429]);
  });

  it('registration per address: new header values after the limit still get 429', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 31; i++) {
      const res = await server.app.inject({
        method: 'POST',
        url: '/api/v1/auth/register',
        payload: {
          email: `forger-${randomUUID()}@example.test`,
          password: 'long enough password',
          name: 'F',
        },
        headers: { 'x-forwarded-for': forgedHeader() },
        remoteAddress: '198.51.100.8',
      });
      statuses.push(res.statusCode);
    }
    expect(statuses.slice(0, 30).every((s) => s === 201)).toBe(true);
    expect(statuses[30]).toBe(429);
  });
});

describe('TRUST_PROXY unset: the anonymous HTTP limit counts the connection', () => {
  const server = useTestServer({ env: { HTTP_RATE_LIMIT_PER_MINUTE: '5' } });

  it('a new header value per request does not reset it', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) {
      const res = await server.app.inject({
        method: 'GET',
        url: `/api/v1/events/${randomUUID()}`,
        headers: { 'x-forwarded-for': forgedHeader() },
        remoteAddress: '198.51.100.9',
      });
      statuses.push(res.statusCode);
    }
    expect(statuses.slice(0, 5).every((s) => s !== 429)).toBe(true);
    expect(statuses.slice(5)).toEqual([429, 429]);
  });
});

describe('TRUST_PROXY names the proxy: its X-Forwarded-For client is used', () => {
  const server = useTestServer({ env: { HTTP_RATE_LIMIT_PER_MINUTE: '5', TRUST_PROXY: PROXY } });
  const anonymousGet = (remoteAddress: string, forwardedFor?: string) =>
    server.app.inject({
      method: 'GET',
      url: `/api/v1/events/${randomUUID()}`,
      headers: forwardedFor ? { 'x-forwarded-for': forwardedFor } : {},
      remoteAddress,
    });

  it('limits each client behind the proxy on its own, by the address the proxy saw', async () => {
    // The proxy appends the address it saw; what the client wrote before it is not believed.
    const first: number[] = [];
    for (let i = 0; i < 6; i++)
      first.push((await anonymousGet(PROXY, `${forgedHeader()}, 192.0.2.10`)).statusCode);
    expect(first.slice(0, 5).every((s) => s !== 429)).toBe(true);
    expect(first[5]).toBe(429);
    // Another client behind the same proxy is not throttled with the first.
    expect((await anonymousGet(PROXY, '192.0.2.11')).statusCode).not.toBe(429);
  });

  it('ignores the header from a peer that is not the proxy', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++)
      statuses.push((await anonymousGet('198.51.100.10', forgedHeader())).statusCode);
    expect(statuses[5]).toBe(429);
  });
});

describe('clientAddress (HTTP and sockets share it)', () => {
  const request = (remoteAddress: string, forwardedFor?: string) =>
    ({
      socket: { remoteAddress },
      headers: forwardedFor ? { 'x-forwarded-for': forwardedFor } : {},
    }) as unknown as IncomingMessage;

  it('is the connection when no proxy is trusted', () => {
    expect(clientAddress(request('198.51.100.1', '192.0.2.1'), compileTrust(false))).toBe('198.51.100.1');
  });

  it('is the nearest untrusted address when proxies are listed or counted', () => {
    const viaProxy = request(PROXY, '192.0.2.99, 192.0.2.1');
    expect(clientAddress(viaProxy, compileTrust([PROXY]))).toBe('192.0.2.1');
    expect(clientAddress(viaProxy, compileTrust(['10.0.0.0/8']))).toBe('192.0.2.1');
    expect(clientAddress(viaProxy, compileTrust(1))).toBe('192.0.2.1');
    expect(clientAddress(request('198.51.100.1', '192.0.2.1'), compileTrust([PROXY]))).toBe('198.51.100.1');
  });
});
