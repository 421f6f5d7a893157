import type { Change, Session } from '@muster/protocol';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postMessage } from '../../../../apps/server/test/factories/messaging.ts';
import { createTestServer, type TestServer } from '../../../../apps/server/test/harness.ts';
import { asUser, buildWorld, clientFor, eventually, type World } from '../../test/helpers.ts';
import type { SocketFactory } from './realtime.ts';

/**
 * The resync protocol against a real server: live records, catch-up after a pause or a lost
 * connection, and gaps healed from the seqs alone. `heads` comes every 15 s here, so only the
 * records and reconnections can reveal a gap (the heads beat has its own file).
 */
let server: TestServer;
let world: World;

beforeAll(async () => {
  server = await createTestServer({ listen: true });
  world = await buildWorld(server);
});
afterAll(async () => server?.stop());

const move = (session: Session, room: string) =>
  asUser<Session>(server, world.organiser, 'PATCH', `/api/v1/sessions/${session.id}`, { room });

const eventScope = () => `event:${world.event.id}`;
const serverHead = (scope: string) =>
  Math.max(0, ...server.published.filter((c) => c.scope === scope).map((c) => c.seq));

describe('real-time with resync', () => {
  it('loads a followed event and applies a moved session live, marked as changed', async () => {
    const { client } = await clientFor(server, world.attendee);
    await client.openEvent(world.event.id);
    const state = () => client.store.getState();
    expect(Object.keys(state().sessions).sort()).toEqual(world.sessions.map((s) => s.id).sort());
    expect(state().events[world.event.id]?.title).toBe('Test event');
    expect(state().channels[world.channel.id]?.name).toBe(world.channel.name);
    await eventually(() => client.current.realtime.status === 'connected', 'the socket');
    const session = world.sessions[0]!;
    await move(session, 'Hall A');
    await eventually(() => state().sessions[session.id]?.room === 'Hall A', 'the moved session');
    expect(state().sessionMarks[session.id]?.changed).toEqual(['room']);
    expect(client.store.cursor(eventScope())).toBe(serverHead(eventScope()));
    await client.close();
  });

  it('catches up every scope with one sync after pause and resume', async () => {
    const { client } = await clientFor(server, world.attendee);
    await client.follow(eventScope(), `channel:${world.channel.id}`);
    await eventually(() => client.current.realtime.status === 'connected', 'the socket');
    client.pause();
    expect(client.current.realtime.status).toBe('paused');
    await move(world.sessions[1]!, 'Hall B');
    await move(world.sessions[2]!, 'Hall C');
    const posted = await postMessage(server, world.organiser, world.channel.id, 'while you were away');
    expect(posted.statusCode).toBe(201);
    const requests = client.current.syncer.requests;
    client.resume();
    await eventually(
      () => client.store.getState().sessions[world.sessions[2]!.id]?.room === 'Hall C',
      'resync',
    );
    const state = client.store.getState();
    expect(state.sessions[world.sessions[1]!.id]?.room).toBe('Hall B');
    expect(Object.values(state.messages).map((m) => m.body)).toContain('while you were away');
    await eventually(() => client.current.realtime.status === 'connected', 'reconnection');
    expect(client.current.syncer.requests - requests).toBe(1);
    await client.close();
  });

  it('resyncs after the connection drops and after going offline', async () => {
    const { client, signals } = await clientFor(server, world.attendee);
    await client.openEvent(world.event.id);
    await eventually(() => client.current.realtime.status === 'connected', 'the socket');
    const statuses: string[] = [];
    client.events.on('status', ({ status }) => statuses.push(status));
    // The network drops under the socket: the client notices, backs off and reconnects by itself.
    client.current.realtime.rawSocket?.io.engine.close();
    await move(world.sessions[0]!, 'Dropped room');
    await eventually(
      () => client.store.getState().sessions[world.sessions[0]!.id]?.room === 'Dropped room',
      'resync',
    );
    expect(statuses).toContain('waiting');
    // Offline: nothing is attempted until the network is back, then one catch-up.
    signals.set({ online: false });
    expect(client.current.realtime.status).toBe('offline');
    await move(world.sessions[0]!, 'Offline room');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(client.store.getState().sessions[world.sessions[0]!.id]?.room).toBe('Dropped room');
    signals.set({ online: true });
    await eventually(
      () => client.store.getState().sessions[world.sessions[0]!.id]?.room === 'Offline room',
      'resync',
    );
    expect(client.store.cursor(eventScope())).toBe(serverHead(eventScope()));
    await client.close();
  });

  it('applies each record once, in order, whether it comes by socket, by sync or both', async () => {
    const dropped: Change[] = [];
    // Every third record of the event is "lost on the bus": the next one reveals the gap.
    let seen = 0;
    const lossy: SocketFactory = (url, options) => {
      const socket = io(url, options);
      const on = socket.on.bind(socket);
      socket.on = ((event: string, listener: (...args: unknown[]) => void) =>
        on(event, (...args: unknown[]) => {
          const change = args[0] as Change;
          if (event === 'change' && change.scope === eventScope() && ++seen % 3 === 0) dropped.push(change);
          else listener(...args);
        })) as typeof socket.on;
      return socket;
    };
    const { client } = await clientFor(server, world.attendee, {
      realtime: { transports: ['websocket'], connect: lossy },
    });
    await client.openEvent(world.event.id);
    await eventually(() => client.current.realtime.status === 'connected', 'the socket');
    const applied: Change[] = [];
    const applyInOrder = client.store.applyInOrder.bind(client.store);
    client.store.applyInOrder = (changes) => {
      applied.push(...changes);
      applyInOrder(changes);
    };
    for (let i = 0; i < 7; i++) await move(world.sessions[i % 3]!, `Room ${i}`);
    const head = serverHead(eventScope());
    await eventually(() => client.store.cursor(eventScope()) === head, 'the head');
    expect(dropped.length).toBeGreaterThan(0);
    const seqs = applied.filter((c) => c.scope === eventScope()).map((c) => c.seq);
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => seqs[0]! + i));
    expect(client.store.getState().sessions[world.sessions[0]!.id]?.room).toBe('Room 6');
    await client.close();
  });

  it('stops following a scope the server will never show, without breaking later catch-ups', async () => {
    const { client } = await clientFor(server, world.attendee);
    const refused: { scope: string; code: string }[] = [];
    client.events.on('refused', (event) => refused.push(event));
    const missing = `event:${crypto.randomUUID()}`;
    await client.follow(missing);
    expect(refused).toEqual([{ scope: missing, code: 'not_found' }]);
    expect(client.store.followed()).not.toContain(missing);
    await client.follow(eventScope());
    await client.sync();
    expect(client.store.cursor(eventScope())).toBe(serverHead(eventScope()));
    await client.close();
  });
});
