import type { Change } from '@muster/protocol';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildEvent, quickUsers } from '../../../test/factories/events.ts';
import { buildChannel, listMessages } from '../../../test/factories/messaging.ts';
import { registerUser, type TestUser } from '../../../test/factories.ts';
import { useTestServer } from '../../../test/harness.ts';

const server = useTestServer({ listen: true });
let organiser: TestUser;
let attendee: TestUser;
let topicId: string;
let staffId: string;
const sockets: Socket[] = [];

beforeAll(async () => {
  organiser = await registerUser(server);
  [attendee] = (await quickUsers(server, 1)) as [TestUser];
  const event = await buildEvent(server, organiser);
  topicId = (await buildChannel(server, organiser, event.id, { kind: 'topic' })).id;
  staffId = (await buildChannel(server, organiser, event.id, { kind: 'staff' })).id;
});
afterAll(async () => {
  for (const socket of sockets) socket.close();
});

async function connect(user: TestUser): Promise<Socket> {
  const socket = io(server.url, { auth: { token: user.accessToken }, transports: ['websocket'] });
  sockets.push(socket);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  });
  return socket;
}

const ask = (socket: Socket, event: string, payload: object) =>
  socket.timeout(5000).emitWithAck(event, payload) as Promise<Record<string, unknown>>;

describe('messaging over the socket', () => {
  it('subscribes readers only, confirms a send with {id, seq} once per clientMsgId, and pushes it', async () => {
    const watcher = await connect(organiser);
    expect(await ask(watcher, 'subscribe', { scopes: [`channel:${topicId}`] })).toMatchObject({ ok: true });
    const pushed = new Promise<Change>((resolve) => watcher.on('change', resolve));

    const socket = await connect(attendee);
    const subscribed = await ask(socket, 'subscribe', {
      scopes: [`channel:${topicId}`, `channel:${staffId}`],
    });
    expect(subscribed).toEqual({
      ok: true,
      heads: { [`channel:${topicId}`]: 0 },
      refused: { [`channel:${staffId}`]: 'not_found' },
    });

    const send = { channelId: topicId, clientMsgId: 'socket-1', body: 'over the wire' };
    const ack = await ask(socket, 'message.send', send);
    expect(ack).toEqual({ ok: true, id: expect.any(String), seq: 1 });
    expect(await ask(socket, 'message.send', send)).toEqual(ack);
    expect(await pushed).toMatchObject({
      scope: `channel:${topicId}`,
      seq: 1,
      entity: 'messaging.messageSent',
      id: ack.id,
    });
    const page = await listMessages(server, organiser, topicId);
    expect(page.items.map((m) => [m.id, m.body])).toEqual([[ack.id, 'over the wire']]);
  });

  it('answers refusals in the ack with the HTTP error codes', async () => {
    const socket = await connect(attendee);
    const hidden = await ask(socket, 'message.send', { channelId: staffId, clientMsgId: 'x', body: 'hi' });
    expect(hidden).toMatchObject({ ok: false, code: 'not_found' });
    const blank = await ask(socket, 'message.send', { channelId: topicId, clientMsgId: 'y', body: '   ' });
    expect(blank).toMatchObject({ ok: false, code: 'validation_failed' });
    const long = await ask(socket, 'message.send', {
      channelId: topicId,
      clientMsgId: 'z',
      body: 'x'.repeat(4001),
    });
    expect(long).toMatchObject({ ok: false, code: 'validation_failed' });

    expect(await ask(socket, 'receipt', { channelId: topicId, seq: 1, kind: 'read' })).toEqual({ ok: true });
    const beyond = await ask(socket, 'receipt', { channelId: topicId, seq: 99, kind: 'delivered' });
    expect(beyond).toMatchObject({ ok: false, code: 'validation_failed' });
    const foreign = await ask(socket, 'receipt', { channelId: staffId, seq: 0, kind: 'read' });
    expect(foreign).toMatchObject({ ok: false, code: 'not_found' });
  });
});
