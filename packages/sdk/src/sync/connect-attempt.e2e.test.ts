import net from 'node:net';
import type { Session } from '@muster/protocol';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestServer, type TestServer } from '../../../../apps/server/test/harness.ts';
import { asUser, buildWorld, clientFor, eventually, type World } from '../../test/helpers.ts';
import type { SocketFactory } from './realtime.ts';

/**
 * Every connection attempt ends: an engine closed mid-handshake is retried at once, and an attempt
 * the server never answers is abandoned at the deadline. Against a real server (and a silent one).
 */
let server: TestServer;
let world: World;

beforeAll(async () => {
  server = await createTestServer({ listen: true });
  world = await buildWorld(server);
});
afterAll(async () => server?.stop());

const eventScope = () => `event:${world.event.id}`;
const serverHead = (scope: string) =>
  Math.max(0, ...server.published.filter((c) => c.scope === scope).map((c) => c.seq));

describe('connection attempts', () => {
  it('retries at once when the network drops mid-handshake, then catches up (restart, move, drop)', async () => {
    const { client, storage } = await clientFor(server, world.attendee);
    await client.openEvent(world.event.id);
    await client.close();
    // The restarted app's first handshake is cut while its engine is still opening. Socket.IO does
    // not notice that by itself (only its 20 s connect timeout would end the attempt); the deadline
    // here is longer than the wait below, so only noticing the close can bring the client back.
    const closedWhile: string[] = [];
    const dropFirstHandshake: SocketFactory = (url, options) => {
      const socket = io(url, options);
      const connect = socket.connect.bind(socket);
      socket.connect = () => {
        connect();
        const engine = socket.io.engine;
        if (!closedWhile.length)
          queueMicrotask(() => {
            closedWhile.push(engine.readyState);
            engine.close();
          });
        return socket;
      };
      return socket;
    };
    const restarted = await clientFor(server, world.attendee, {
      storage,
      realtime: { transports: ['websocket'], connectTimeoutMs: 60_000, connect: dropFirstHandshake },
    });
    await asUser<Session>(server, world.organiser, 'PATCH', `/api/v1/sessions/${world.sessions[0]!.id}`, {
      room: 'Moved mid-handshake',
    });
    const head = serverHead(eventScope());
    await eventually(() => restarted.client.store.cursor(eventScope()) === head, 'the head', 10_000);
    expect(closedWhile).toEqual(['opening']);
    expect(restarted.client.current.realtime.status).toBe('connected');
    expect(restarted.client.store.getState().sessions[world.sessions[0]!.id]?.room).toBe(
      'Moved mid-handshake',
    );
    await restarted.client.close();
  });

  it('abandons an attempt the server never answers and tries again', async () => {
    // Accepts the connection and never answers the WebSocket upgrade.
    const held: net.Socket[] = [];
    const silent = net.createServer((socket) => held.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as net.AddressInfo;
    const { client } = await clientFor(server, world.attendee, {
      realtime: {
        transports: ['websocket'],
        connectTimeoutMs: 100,
        backoffBaseMs: 20,
        backoffMaxMs: 50,
        connect: (_url, options) => io(`http://127.0.0.1:${port}`, options),
      },
    });
    const statuses: string[] = [];
    client.events.on('status', ({ status }) => statuses.push(status));
    await eventually(
      () => statuses.filter((s) => s === 'connecting').length >= 2,
      'two more attempts (Socket.IO alone would wait 20 s)',
    );
    expect(statuses).toContain('waiting');
    expect(held.length).toBeGreaterThanOrEqual(2);
    await client.close();
    for (const socket of held) socket.destroy();
    await new Promise((resolve) => silent.close(resolve));
  });
});
