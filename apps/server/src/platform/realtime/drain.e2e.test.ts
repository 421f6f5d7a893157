import { io } from 'socket.io-client';
import { describe, expect, it } from 'vitest';
import { registerUser } from '../../../test/factories.ts';
import { createTestServer } from '../../../test/harness.ts';

describe('SIGTERM drain', () => {
  it('tells sockets to reconnect elsewhere and closes their transport so they retry on their own', async () => {
    const server = await createTestServer({ listen: true });
    const user = await registerUser(server);
    const socket = io(server.url, {
      transports: ['websocket'],
      auth: { token: user.accessToken },
      reconnectionDelay: 50,
    });
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    const draining = new Promise<{ reconnectInMs: number }>((resolve) => socket.once('draining', resolve));
    const reason = new Promise<string>((resolve) => socket.once('disconnect', resolve));
    const retried = new Promise<void>((resolve) => socket.io.once('reconnect_attempt', () => resolve()));
    const stopped = server.stop();
    expect((await draining).reconnectInMs).toBeGreaterThanOrEqual(0);
    // 'transport close' (not 'io server disconnect'): the client keeps trying, and finds another node.
    expect(await reason).toBe('transport close');
    await retried;
    socket.close();
    await stopped;
  });
});
