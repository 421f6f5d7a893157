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

  it('refuses new connections once draining, so a client retrying at once cannot hold the stop open', async () => {
    const server = await createTestServer({ listen: true });
    const user = await registerUser(server);
    const connect = () =>
      io(server.url, { transports: ['websocket'], auth: { token: user.accessToken }, reconnectionDelay: 20 });
    const early = connect();
    await new Promise<void>((resolve) => early.once('connect', () => resolve()));
    await server.gateway!.drain();
    // A client arriving after the drain (here: a new one; in CI, a drained one reconnecting within
    // milliseconds) is refused instead of getting a connection the HTTP close would wait for.
    const late = connect();
    const refused = await new Promise<string>((resolve) =>
      late.once('connect_error', (e) => resolve(e.message)),
    );
    expect(refused).toMatch(/draining|websocket error|xhr poll error/i);
    expect(late.connected).toBe(false);
    // Both keep retrying while the server stops: the stop finishes all the same.
    await server.stop();
    early.close();
    late.close();
  }, 30_000);
});
