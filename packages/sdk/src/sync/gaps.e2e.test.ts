import type { Change, Session } from '@muster/protocol';
import { and, eq, lte } from 'drizzle-orm';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { changes, scopeHeads } from '../../../../apps/server/src/platform/changes/changes.tables.ts';
import { postMessage } from '../../../../apps/server/test/factories/messaging.ts';
import { registerUser } from '../../../../apps/server/test/factories.ts';
import { createTestServer, type TestServer } from '../../../../apps/server/test/harness.ts';
import { asUser, buildWorld, clientFor, eventually, retimedToken, type World } from '../../test/helpers.ts';
import type { StoredAuth } from '../http/auth.ts';
import type { FetchLike } from '../platform.ts';
import type { PersistedState } from '../store/store.ts';
import type { SocketFactory } from './realtime.ts';

/** Gaps no pushed record reveals: healed by the `heads` beat, by `reset`, and the socket's `auth`. */
let server: TestServer;
let world: World;

beforeAll(async () => {
  server = await createTestServer({ listen: true, headsIntervalMs: 300 });
  world = await buildWorld(server);
});
afterAll(async () => server?.stop());

const rename = (session: Session, title: string) =>
  asUser<Session>(server, world.organiser, 'PATCH', `/api/v1/sessions/${session.id}`, { title });
const eventScope = () => `event:${world.event.id}`;
const headOf = async (scope: string) =>
  (await server.platform.db.select().from(scopeHeads).where(eq(scopeHeads.scope, scope)))[0]?.seq ?? 0;

describe('gaps the seqs cannot show', () => {
  it('heals a lost last record from the heads beat', async () => {
    const dropped: Change[] = [];
    let dropNext = false;
    const lossy: SocketFactory = (url, options) => {
      const socket = io(url, options);
      const on = socket.on.bind(socket);
      socket.on = ((event: string, listener: (...args: unknown[]) => void) =>
        on(event, (...args: unknown[]) => {
          if (event === 'change' && dropNext) {
            dropNext = false;
            dropped.push(args[0] as Change);
          } else listener(...args);
        })) as typeof socket.on;
      return socket;
    };
    const { client } = await clientFor(server, world.attendee, {
      realtime: { transports: ['websocket'], connect: lossy },
    });
    await client.openEvent(world.event.id);
    await eventually(() => client.current.realtime.status === 'connected', 'the socket');
    await client.sync();
    const requests = client.current.syncer.requests;
    dropNext = true;
    await rename(world.sessions[0]!, 'Renamed, but the push was lost');
    await eventually(() => dropped.length === 1, 'the dropped push');
    await eventually(
      () =>
        client.store.getState().sessions[world.sessions[0]!.id]?.title === 'Renamed, but the push was lost',
      'the heads beat to heal the gap',
    );
    expect(client.current.syncer.requests).toBeGreaterThan(requests);
    expect(client.store.cursor(eventScope())).toBe(await headOf(eventScope()));
    await client.close();
  });

  it('reloads a scope whose log was compacted past the cursor (reset)', async () => {
    const { client, signals } = await clientFor(server, world.attendee);
    await client.openEvent(world.event.id);
    const resets: string[] = [];
    client.events.on('reset', ({ scope }) => resets.push(scope));
    signals.set({ online: false });
    await rename(world.sessions[1]!, 'Renamed while offline');
    const extra = await asUser<Session>(
      server,
      world.organiser,
      'POST',
      `/api/v1/events/${world.event.id}/sessions`,
      {
        title: 'Added while offline',
        startsAt: '2031-06-01T15:00:00.000Z',
        endsAt: '2031-06-01T16:00:00.000Z',
      },
    );
    // Compaction: the log keeps nothing up to the head; a cursor before it cannot be served.
    const head = await headOf(eventScope());
    await server.platform.db
      .update(scopeHeads)
      .set({ floor: head })
      .where(eq(scopeHeads.scope, eventScope()));
    await server.platform.db
      .delete(changes)
      .where(and(eq(changes.scope, eventScope()), lte(changes.seq, head)));
    signals.set({ online: true });
    await eventually(() => resets.includes(eventScope()), 'the reset');
    await eventually(() => extra.id in client.store.getState().sessions, 'the reloaded agenda');
    const state = client.store.getState();
    expect(state.sessions[world.sessions[1]!.id]?.title).toBe('Renamed while offline');
    expect(Object.keys(state.sessions)).toHaveLength(world.sessions.length + 1);
    expect(client.store.cursor(eventScope())).toBe(head);
    await client.close();
  });

  it('rebuilds my own scope when the server is behind my cursor (restored from a backup)', async () => {
    const { client, storage } = await clientFor(server, world.attendee);
    const [a, b] = world.sessions;
    await client.bookmark(a!.id);
    await client.saveNote(b!.id, 'bring the slides');
    await client.idle();
    await client.close();
    const key = `state:${world.attendee.id}`;
    const saved = (await storage.get<PersistedState>(key))!;
    const userScope = `user:${world.attendee.id}`;
    await storage.set(key, {
      ...saved,
      tables: { ...saved.tables, bookmarks: {}, notes: {} },
      cursors: { ...saved.cursors, [userScope]: 10_000 },
    });
    const resets: string[] = [];
    client.events.on('reset', ({ scope }) => resets.push(scope));
    await client.start();
    await eventually(() => a!.id in client.store.getState().bookmarks, 'the replayed bookmark');
    expect(resets).toEqual([userScope]);
    expect(client.store.getState().notes[b!.id]?.body).toBe('bring the slides');
    // Not an immediate comparison: the fan-out job of an earlier test's rename can append a record
    // to this user's scope (they now bookmark the session) at any moment; it comes by push.
    await eventually(
      async () => client.store.cursor(userScope) === (await headOf(userScope)),
      'the head of my own scope',
    );
    await client.close();
  });

  it('renews the socket token before it expires, so a later subscribe is accepted', async () => {
    // A user of its own: refreshing spends the refresh token that the other tests' clients start from.
    const { client, storage } = await clientFor(server, await registerUser(server), { refreshMarginMs: 0 });
    await client.close();
    const saved = (await storage.get<StoredAuth>('auth'))!;
    await storage.set('auth', { ...saved, accessToken: await retimedToken(saved.accessToken, 2) });
    await client.start();
    await eventually(() => client.current.realtime.status === 'connected', 'the socket');
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect(client.auth.refreshCount).toBe(1);
    await client.openChannel(world.channel.id);
    const sent = await postMessage(server, world.organiser, world.channel.id, 'live after renewal');
    const id = sent.json<{ id: string }>().id;
    await eventually(() => id in client.store.getState().messages, 'the live message');
    await client.close();
  });

  it('reconnects with a fresh token when the socket token expired (renewal failed offline)', async () => {
    let refreshBlocked = true;
    const flaky: FetchLike = (url, init) =>
      refreshBlocked && url.endsWith('/api/v1/auth/refresh')
        ? Promise.reject(new TypeError('fetch failed'))
        : (fetch(url, init) as unknown as ReturnType<FetchLike>);
    const user = await registerUser(server);
    const { client, storage } = await clientFor(server, user, { refreshMarginMs: 0, fetch: flaky });
    await client.close();
    const saved = (await storage.get<StoredAuth>('auth'))!;
    await storage.set('auth', { ...saved, accessToken: await retimedToken(saved.accessToken, 2) });
    await client.start();
    await eventually(() => client.current.realtime.status === 'connected', 'the socket');
    await new Promise((resolve) => setTimeout(resolve, 2500));
    refreshBlocked = false;
    // The subscribe is refused as expired: refresh, then `auth` or, failing that, a new handshake.
    await client.openChannel(world.channel.id);
    await eventually(() => client.current.realtime.status === 'connected', 'the socket again');
    const sent = await postMessage(server, world.organiser, world.channel.id, 'live after re-auth');
    const id = sent.json<{ id: string }>().id;
    await eventually(() => id in client.store.getState().messages, 'the live message');
    await client.close();
  });
});
