import type { Change } from '@muster/protocol';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCommunity, buildEvent } from '../../../test/factories/events.ts';
import { registerUser, type TestUser } from '../../../test/factories.ts';
import { useTestServer } from '../../../test/harness.ts';
import { SyncingClient } from '../../../test/realtime-client.ts';
import { readChanges } from '../changes/change-log.ts';

const server = useTestServer({ listen: true, headsIntervalMs: 300 });
let organiser: TestUser;
let attendee: TestUser;
let outsider: TestUser;
let eventId: string;
let privateEventId: string;
const clients: SyncingClient[] = [];

beforeAll(async () => {
  organiser = await registerUser(server);
  attendee = await registerUser(server);
  outsider = await registerUser(server);
  const community = await buildCommunity(server, organiser);
  eventId = (
    await buildEvent(server, organiser, {
      communityId: community.id,
      status: 'published',
      visibility: 'public',
    })
  ).id;
  privateEventId = (
    await buildEvent(server, organiser, {
      communityId: community.id,
      status: 'published',
      visibility: 'private',
    })
  ).id;
});
afterAll(async () => {
  for (const client of clients) client.close();
});

const client = (user: TestUser, scopes: string[], transports?: ('polling' | 'websocket')[]) => {
  const c = new SyncingClient({
    baseUrl: server.url,
    token: user.accessToken,
    scopes,
    ...(transports ? { transports } : {}),
  });
  clients.push(c);
  return c;
};

async function editEvent(n: number) {
  const res = await server.app.inject({
    method: 'PATCH',
    url: `/api/v1/events/${eventId}`,
    headers: organiser.headers,
    payload: { description: `edit ${n}` },
  });
  expect(res.statusCode).toBe(200);
}

async function serverLog(scope: string): Promise<Change[]> {
  const read = await readChanges(server.platform.db, scope, 0, 10_000);
  if ('reset' in read) throw new Error('reset');
  return read.changes;
}

const seqs = (changes: readonly Change[] | undefined) => (changes ?? []).map((c) => c.seq);

describe('realtime gateway', () => {
  it('refuses a handshake without a valid token, and a browser from a foreign origin', async () => {
    const anonymous = io(server.url, {
      transports: ['websocket'],
      reconnection: false,
      auth: { token: 'nope' },
    });
    const error = await new Promise<Error>((resolve) => anonymous.once('connect_error', resolve));
    expect(error.message).toBe('unauthorized');
    anonymous.close();
    const foreign = io(server.url, {
      transports: ['polling'],
      reconnection: false,
      auth: { token: attendee.accessToken },
      extraHeaders: { origin: 'https://evil.example' },
    });
    await new Promise((resolve) => foreign.once('connect_error', resolve));
    expect(foreign.connected).toBe(false);
    foreign.close();
    // The page's own origin (whatever address the server answered on) is let in.
    const own = io(server.url, {
      transports: ['polling'],
      reconnection: false,
      auth: { token: attendee.accessToken },
      extraHeaders: { origin: new URL(server.url).origin },
    });
    await new Promise<void>((resolve, reject) => {
      own.once('connect', () => resolve());
      own.once('connect_error', reject);
    });
    expect(own.connected).toBe(true);
    own.close();
  });

  it('authorises every scope on subscribe and never joins a refused one', async () => {
    const socket = io(server.url, { transports: ['websocket'], auth: { token: outsider.accessToken } });
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    const ack = await socket.emitWithAck('subscribe', {
      scopes: [
        `event:${eventId}`,
        `event:${privateEventId}`,
        `user:${attendee.id}`,
        `user:${outsider.id}`,
        'bogus',
      ],
    });
    expect(ack.ok).toBe(true);
    expect(Object.keys(ack.heads).sort()).toEqual([`event:${eventId}`, `user:${outsider.id}`].sort());
    expect(Object.keys(ack.refused).sort()).toEqual(
      [`event:${privateEventId}`, `user:${attendee.id}`, 'bogus'].sort(),
    );
    const pushed: Change[] = [];
    socket.on('change', (c: Change) => pushed.push(c));
    await server.app.inject({
      method: 'PATCH',
      url: `/api/v1/events/${privateEventId}`,
      headers: organiser.headers,
      payload: { description: 'secret' },
    });
    await editEvent(0);
    await expect.poll(() => pushed.length).toBeGreaterThan(0);
    expect(pushed.every((c) => c.scope === `event:${eventId}`)).toBe(true);
    const bad = await socket.emitWithAck('subscribe', { scopes: 'not-a-list' });
    expect(bad).toMatchObject({ ok: false, code: 'validation_failed' });
    socket.close();
  });

  it('catches a client up exactly through sync after it missed changes while disconnected', async () => {
    const c = client(attendee, [`event:${eventId}`]);
    await new Promise<void>((resolve) => c.socket.once('connect', () => resolve()));
    await editEvent(1);
    c.socket.disconnect();
    for (let i = 2; i < 12; i++) await editEvent(i);
    c.socket.connect();
    await editEvent(12);
    const scope = `event:${eventId}`;
    await expect
      .poll(async () => seqs(c.log.get(scope)).at(-1), { timeout: 10_000 })
      .toBe(seqs(await serverLog(scope)).at(-1));
    expect(c.log.get(scope)).toEqual(await serverLog(scope));
  });

  it('gives a client limited to HTTP long-polling the same guarantee', async () => {
    const c = client(attendee, [`event:${eventId}`], ['polling']);
    await new Promise<void>((resolve) => c.socket.once('connect', () => resolve()));
    expect(c.socket.io.engine.transport.name).toBe('polling');
    for (let i = 0; i < 20; i++) await editEvent(100 + i);
    const scope = `event:${eventId}`;
    await expect
      .poll(async () => seqs(c.log.get(scope)).at(-1), { timeout: 10_000 })
      .toBe(seqs(await serverLog(scope)).at(-1));
    expect(c.log.get(scope)).toEqual(await serverLog(scope));
  });

  it('heals a publication lost on the bus through the heads heartbeat', async () => {
    const c = client(attendee, [`event:${eventId}`]);
    await new Promise<void>((resolve) => c.socket.once('connect', () => resolve()));
    const scope = `event:${eventId}`;
    await expect
      .poll(async () => seqs(c.log.get(scope)).at(-1), { timeout: 10_000 })
      .toBe(seqs(await serverLog(scope)).at(-1));
    const { bus } = server.platform;
    const publish = bus.publish;
    bus.publish = async () => {}; // the publication is lost: committed, never pushed
    try {
      await editEvent(200);
    } finally {
      bus.publish = publish;
    }
    const before = c.syncCalls;
    await expect
      .poll(async () => seqs(c.log.get(scope)).at(-1), { timeout: 5000 })
      .toBe(seqs(await serverLog(scope)).at(-1));
    expect(c.syncCalls).toBeGreaterThan(before);
    expect(c.log.get(scope)).toEqual(await serverLog(scope));
  });

  it('rate-limits a flooding socket without disconnecting the well-behaved ones', async () => {
    const socket = io(server.url, { transports: ['websocket'], auth: { token: attendee.accessToken } });
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    const acks = await Promise.all(
      Array.from({ length: 120 }, () => socket.emitWithAck('unsubscribe', { scopes: ['x:y'] })),
    );
    expect(acks.filter((a) => a.ok === false && a.code === 'rate_limited').length).toBeGreaterThan(0);
    expect(socket.connected).toBe(true);
    socket.close();
  });

  it('disconnects a socket that sends an oversized frame, and keeps serving', async () => {
    const socket = io(server.url, {
      transports: ['websocket'],
      auth: { token: attendee.accessToken },
      reconnection: false,
    });
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    const closed = new Promise((resolve) => socket.once('disconnect', resolve));
    socket.emit('subscribe', { scopes: ['x'.repeat(200_000)] });
    await closed;
    expect((await server.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
  });

  it('counts who is online in an event', async () => {
    const watcher = io(server.url, { transports: ['websocket'], auth: { token: organiser.accessToken } });
    await new Promise<void>((resolve) => watcher.once('connect', () => resolve()));
    const counts: number[] = [];
    watcher.on(
      'presence',
      (p: { scope: string; online: number }) => p.scope === `event:${eventId}` && counts.push(p.online),
    );
    await watcher.emitWithAck('subscribe', { scopes: [`event:${eventId}`] });
    await expect.poll(() => counts.at(-1), { timeout: 5000 }).toBeGreaterThanOrEqual(1);
    watcher.close();
  });
});
