import { setTimeout as sleep } from 'node:timers/promises';
import type { Change, RevokedEvent, SessionEndedEvent } from '@muster/protocol';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildEvent, call, grantRole } from '../../../test/factories/events.ts';
import { buildChannel, postMessage } from '../../../test/factories/messaging.ts';
import { registerUser, type TestUser } from '../../../test/factories.ts';
import { useTestServer } from '../../../test/harness.ts';
import { connectSocket } from '../../../test/realtime-client.ts';

/**
 * Access is checked for as long as it is used (QUALITY.md, Security): a socket loses a scope when
 * its user loses access, and the socket itself when its session is revoked or its token runs out.
 */
const server = useTestServer({ listen: true, env: { SOCKETS_PER_USER: '3' } });
const sockets: Socket[] = [];
/** Generous: these wait for something to happen, they do not time it. */
const POLL = { timeout: 10_000 };
let organiser: TestUser;
let eventId: string;
let staffChannelId: string;

beforeAll(async () => {
  organiser = await registerUser(server);
  eventId = (await buildEvent(server, organiser, { status: 'published', visibility: 'public' })).id;
  staffChannelId = (await buildChannel(server, organiser, eventId, { kind: 'staff' })).id;
});
afterAll(() => {
  for (const socket of sockets) socket.close();
});

/** Everything a socket is told, kept for assertions. */
function record(socket: Socket) {
  const seen = { changes: [] as Change[], revoked: [] as RevokedEvent[], ended: [] as SessionEndedEvent[] };
  socket.on('change', (change: Change) => seen.changes.push(change));
  socket.on('revoked', (event: RevokedEvent) => seen.revoked.push(event));
  socket.on('session_ended', (event: SessionEndedEvent) => seen.ended.push(event));
  return seen;
}

async function subscribe(socket: Socket, scopes: string[]) {
  const ack = await socket.timeout(5000).emitWithAck('subscribe', { scopes });
  expect(ack).toMatchObject({ ok: true, refused: {} });
}

/** Resolves once the server closed the socket (a server-side disconnect, never a client one). */
const closedByServer = (socket: Socket) =>
  new Promise<string>((resolve) => socket.once('disconnect', (reason) => resolve(reason)));

/**
 * A change on the user's own scope, which no access change can take away: pushed to the socket in
 * publication order, so once it has arrived everything published before it has arrived too.
 */
async function fence(user: TestUser, seen: { changes: Change[] }) {
  const name = `fence ${Math.random()}`;
  await call(server, 'PATCH', '/api/v1/me', user, { name });
  await expect
    .poll(() => seen.changes.some((c) => (c.data as { name?: string } | null)?.name === name), POLL)
    .toBe(true);
}

describe('access lost after subscribing', () => {
  it('a staff member whose role is removed stops receiving staff-channel messages', async () => {
    const staff = await registerUser(server);
    await grantRole(server, eventId, organiser, staff, 'staff');
    const socket = await connectSocket(server.url, staff.accessToken, sockets);
    const seen = record(socket);
    await subscribe(socket, [`channel:${staffChannelId}`, `event:${eventId}`, `user:${staff.id}`]);

    expect((await postMessage(server, organiser, staffChannelId, 'before')).statusCode).toBe(201);
    await expect
      .poll(() => seen.changes.filter((c) => c.scope === `channel:${staffChannelId}`).length, POLL)
      .toBe(1);

    await call(server, 'DELETE', `/api/v1/events/${eventId}/roles/${staff.id}`, organiser);
    await expect
      .poll(() => seen.revoked, POLL)
      .toEqual([{ scope: `channel:${staffChannelId}`, code: 'not_found' }]);
    expect((await postMessage(server, organiser, staffChannelId, 'after')).statusCode).toBe(201);
    await fence(staff, seen);
    const bodies = seen.changes
      .filter((c) => c.entity === 'messaging.messageSent')
      .map((c) => (c.data as { body: string }).body);
    expect(bodies).toEqual(['before']);
    // The public event itself is still theirs to follow.
    expect(socket.connected).toBe(true);
    const again = await socket
      .timeout(5000)
      .emitWithAck('subscribe', { scopes: [`channel:${staffChannelId}`] });
    expect(again).toMatchObject({ ok: true, refused: { [`channel:${staffChannelId}`]: 'not_found' } });
  });
});

describe('sessions that end', () => {
  it('after sign-out everywhere the socket is disconnected and its token opens no new one', async () => {
    const user = await registerUser(server);
    const socket = await connectSocket(server.url, user.accessToken, sockets);
    const seen = record(socket);
    await subscribe(socket, [`event:${eventId}`]);
    const closed = closedByServer(socket);
    await call(server, 'POST', '/api/v1/auth/logout-all', user);
    expect(await closed).toBe('io server disconnect');
    expect(seen.ended).toEqual([{ reason: 'session_revoked' }]);
    // The access token itself is still unexpired: the handshake must not take it.
    await expect(connectSocket(server.url, user.accessToken, sockets)).rejects.toThrow('unauthorized');
  });

  it('signing out one device disconnects only that device’s sockets', async () => {
    const user = await registerUser(server);
    const login = await call<{ accessToken: string; refreshToken: string }>(
      server,
      'POST',
      '/api/v1/auth/login',
      null,
      { email: user.email, password: user.password },
    );
    const first = await connectSocket(server.url, user.accessToken, sockets);
    const second = await connectSocket(server.url, login.accessToken, sockets);
    const closed = closedByServer(first);
    await call(server, 'POST', '/api/v1/auth/logout', null, { refreshToken: user.refreshToken });
    expect(await closed).toBe('io server disconnect');
    await sleep(200);
    expect(second.connected).toBe(true);
  });

  it('a socket whose token expires without renewal is disconnected', async () => {
    const user = await registerUser(server);
    const { familyId } = await server.platform.tokens.verifyAccess(user.accessToken);
    // `exp` is in whole seconds from a truncated `iat`: a 1 s token can live a few ms, too short to
    // connect and subscribe; 2 s leaves at least one.
    const shortLived = await server.platform.tokens.signAccess({ userId: user.id, familyId }, 2);
    const socket = await connectSocket(server.url, shortLived, sockets);
    const seen = record(socket);
    await subscribe(socket, [`event:${eventId}`]);
    expect(await closedByServer(socket)).toBe('io server disconnect');
    expect(seen.ended).toEqual([{ reason: 'token_expired' }]);
  });

  it('a socket that renews its token through `auth` stays connected past the first expiry', async () => {
    const user = await registerUser(server);
    const { familyId } = await server.platform.tokens.verifyAccess(user.accessToken);
    const shortLived = await server.platform.tokens.signAccess({ userId: user.id, familyId }, 2);
    const socket = await connectSocket(server.url, shortLived, sockets);
    expect(await socket.timeout(5000).emitWithAck('auth', { token: user.accessToken })).toEqual({ ok: true });
    await sleep(2500);
    expect(socket.connected).toBe(true);
    await subscribe(socket, [`event:${eventId}`]);
  });
});

describe('sockets per user', () => {
  it('refuses a user’s socket beyond SOCKETS_PER_USER with too_many_sockets, and takes it once one closes', async () => {
    const user = await registerUser(server);
    const open = [];
    for (let i = 0; i < 3; i++) open.push(await connectSocket(server.url, user.accessToken, sockets));
    await expect(connectSocket(server.url, user.accessToken, sockets)).rejects.toThrow('too_many_sockets');
    // Another user is not affected.
    const other = await registerUser(server);
    await connectSocket(server.url, other.accessToken, sockets);
    open[0]!.close();
    await expect
      .poll(
        () =>
          connectSocket(server.url, user.accessToken, sockets).then(
            () => 'connected',
            (error: Error) => error.message,
          ),
        POLL,
      )
      .toBe('connected');
  });

  it('gives a refused client a clear reason it can show (no silent retry loop)', async () => {
    const user = await registerUser(server);
    for (let i = 0; i < 3; i++) await connectSocket(server.url, user.accessToken, sockets);
    const socket = io(server.url, { transports: ['websocket'], auth: { token: user.accessToken } });
    sockets.push(socket);
    const error = await new Promise<Error>((resolve) => socket.once('connect_error', resolve));
    expect(error.message).toBe('too_many_sockets');
    // A middleware refusal does not make the client reconnect by itself.
    expect(socket.active).toBe(false);
  });
});
