import type { Change, RevokedEvent, SessionEndedEvent } from '@muster/protocol';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkAccessProperty } from '../../../test/access-property.ts';
import { buildEvent, call, grantRole } from '../../../test/factories/events.ts';
import { buildChannel, postMessage } from '../../../test/factories/messaging.ts';
import { registerUser, type TestUser } from '../../../test/factories.ts';
import { useTestServer } from '../../../test/harness.ts';
import { connectSocket } from '../../../test/realtime-client.ts';

/**
 * Access changes made on one node reach sockets held by another: two nodes of one deployment
 * (one PostgreSQL database, one Redis), the write on node A, the socket on node B.
 */
const redisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const nodeA = useTestServer({ listen: true, env: { REDIS_URL: redisUrl } });
const nodeB = useTestServer(() => ({
  listen: true,
  env: { REDIS_URL: redisUrl },
  databaseUrl: nodeA.databaseUrl!,
}));
const sockets: Socket[] = [];
const POLL = { timeout: 10_000 };
let organiser: TestUser;
let eventId: string;
let staffChannelId: string;

beforeAll(async () => {
  organiser = await registerUser(nodeA);
  eventId = (await buildEvent(nodeA, organiser, { status: 'published', visibility: 'public' })).id;
  staffChannelId = (await buildChannel(nodeA, organiser, eventId, { kind: 'staff' })).id;
});
afterAll(() => {
  for (const socket of sockets) socket.close();
});

describe('access revoked across nodes', () => {
  it('a role removed through node A takes the staff channel from a socket on node B', async () => {
    const staff = await registerUser(nodeA);
    await grantRole(nodeA, eventId, organiser, staff, 'staff');
    const socket = await connectSocket(nodeB.url, staff.accessToken, sockets);
    const changes: Change[] = [];
    const revoked: RevokedEvent[] = [];
    socket.on('change', (change: Change) => changes.push(change));
    socket.on('revoked', (event: RevokedEvent) => revoked.push(event));
    const scopes = [`channel:${staffChannelId}`, `user:${staff.id}`];
    expect(await socket.timeout(5000).emitWithAck('subscribe', { scopes })).toMatchObject({ refused: {} });

    await call(nodeA, 'DELETE', `/api/v1/events/${eventId}/roles/${staff.id}`, organiser);
    await expect
      .poll(() => revoked, POLL)
      .toEqual([{ scope: `channel:${staffChannelId}`, code: 'not_found' }]);
    expect((await postMessage(nodeA, organiser, staffChannelId, 'after')).statusCode).toBe(201);
    await call(nodeA, 'PATCH', '/api/v1/me', staff, { name: 'fence' });
    await expect
      .poll(() => changes.some((c) => (c.data as { name?: string } | null)?.name === 'fence'), POLL)
      .toBe(true);
    expect(changes.filter((c) => c.entity === 'messaging.messageSent')).toEqual([]);
  });

  it('sign-out everywhere through node A disconnects the socket on node B', async () => {
    const user = await registerUser(nodeA);
    const socket = await connectSocket(nodeB.url, user.accessToken, sockets);
    const ended: SessionEndedEvent[] = [];
    socket.on('session_ended', (event: SessionEndedEvent) => ended.push(event));
    const closed = new Promise<string>((resolve) => socket.once('disconnect', resolve));
    await call(nodeA, 'POST', '/api/v1/auth/logout-all', user);
    expect(await closed).toBe('io server disconnect');
    expect(ended).toEqual([{ reason: 'session_revoked' }]);
  });

  it('keeps the access property with sockets spread over both nodes', async () => {
    await checkAccessProperty([nodeA, nodeB], sockets, 5);
  }, 240_000);
});
