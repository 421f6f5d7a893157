import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildEvent } from '../../../test/factories/events.ts';
import { registerUser, type TestUser } from '../../../test/factories.ts';
import { createTestServer, type TestServer } from '../../../test/harness.ts';

let server: TestServer;
let user: TestUser;
let eventId: string;
let socket: Socket;
beforeAll(async () => {
  server = await createTestServer({ listen: true });
  user = await registerUser(server);
  eventId = (await buildEvent(server, user)).id;
});
afterAll(async () => {
  socket?.close();
  await server?.stop();
});

const ask = (event: string, payload: object) =>
  new Promise<{ ok: boolean; code?: string }>((resolve) => socket.emit(event, payload, resolve));

describe('renewing the token of an open socket', () => {
  it('refuses events once the token expired, but accepts `auth` with a fresh one and carries on', async () => {
    socket = io(server.url, { auth: { token: user.accessToken }, transports: ['websocket'] });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('connect_error', reject);
    });
    expect(await ask('subscribe', { scopes: [`event:${eventId}`] })).toMatchObject({ ok: true });
    // The token runs out while the socket stays open.
    for (const open of server.gateway!.io.of('/').sockets.values())
      (open.data as { expiresAt: number }).expiresAt = 0;
    expect(await ask('subscribe', { scopes: [`user:${user.id}`] })).toMatchObject({
      ok: false,
      code: 'unauthorized',
    });
    expect(await ask('auth', { token: 'not-a-token' })).toMatchObject({ ok: false, code: 'unauthorized' });
    const { familyId } = await server.platform.tokens.verifyAccess(user.accessToken);
    const fresh = await server.platform.tokens.signAccess({ userId: user.id, familyId });
    expect(await ask('auth', { token: fresh })).toEqual({ ok: true });
    expect(await ask('subscribe', { scopes: [`user:${user.id}`] })).toMatchObject({ ok: true });
  });
});
