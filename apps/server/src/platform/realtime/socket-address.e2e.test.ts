import { io, type Socket } from 'socket.io-client';
import { afterAll, describe, expect, it } from 'vitest';
import { registerUser } from '../../../test/factories.ts';
import { useTestServer } from '../../../test/harness.ts';
import { connectSocket } from '../../../test/realtime-client.ts';

const sockets: Socket[] = [];
afterAll(() => {
  for (const socket of sockets) socket.close();
});

/** The address the gateway recorded for the one socket of `userId` (what per-address limits read). */
async function addressOf(server: ReturnType<typeof useTestServer>, userId: string): Promise<string> {
  const all = await server.gateway!.io.local.fetchSockets();
  const mine = all.filter((s) => (s.data as { actor: { userId: string } }).actor.userId === userId);
  expect(mine).toHaveLength(1);
  return (mine[0]!.data as { address: string }).address;
}

async function connectForging(server: ReturnType<typeof useTestServer>, forwardedFor: string) {
  const user = await registerUser(server);
  const socket = io(server.url, {
    transports: ['websocket'],
    auth: { token: user.accessToken },
    extraHeaders: { 'x-forwarded-for': forwardedFor },
    forceNew: true,
    reconnection: false,
  });
  sockets.push(socket);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  return user;
}

describe('socket client address, TRUST_PROXY unset', () => {
  const server = useTestServer({ listen: true });

  it('is the connection, whatever X-Forwarded-For says', async () => {
    const user = await connectForging(server, '203.0.113.77');
    expect(await addressOf(server, user.id)).toMatch(/127\.0\.0\.1$/);
  });
});

describe('socket client address, TRUST_PROXY names the proxy', () => {
  const server = useTestServer({ listen: true, env: { TRUST_PROXY: 'loopback' } });

  it("is the client the proxy saw, by the same rule as HTTP's request.ip", async () => {
    const user = await connectForging(server, '203.0.113.1, 192.0.2.44');
    expect(await addressOf(server, user.id)).toBe('192.0.2.44');
    const plain = await registerUser(server);
    await connectSocket(server.url, plain.accessToken, sockets);
    expect(await addressOf(server, plain.id)).toMatch(/127\.0\.0\.1$/);
  });
});
