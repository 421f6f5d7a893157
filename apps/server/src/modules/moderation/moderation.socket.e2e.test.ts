import type { Change } from '@muster/protocol';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildEvent, call, quickUsers } from '../../../test/factories/events.ts';
import { buildChannel, sendMessage } from '../../../test/factories/messaging.ts';
import { registerUser, type TestUser } from '../../../test/factories.ts';
import { useTestServer } from '../../../test/harness.ts';

const server = useTestServer({ listen: true });
let organiser: TestUser;
let attendee: TestUser;
let eventId: string;
let topicId: string;
const sockets: Socket[] = [];

beforeAll(async () => {
  organiser = await registerUser(server);
  [attendee] = (await quickUsers(server, 1)) as [TestUser];
  eventId = (await buildEvent(server, organiser)).id;
  topicId = (await buildChannel(server, organiser, eventId, { kind: 'topic' })).id;
});
afterAll(() => {
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

const next = (socket: Socket, entity: string) =>
  new Promise<Change>((resolve) => {
    const on = (change: Change) => {
      if (change.entity !== entity) return;
      socket.off('change', on);
      resolve(change);
    };
    socket.on('change', on);
  });

describe('moderation, live', () => {
  it('pushes a hidden message as a tombstone to channel readers and the audit entry to staff only', async () => {
    const reader = await connect(attendee);
    expect(await ask(reader, 'subscribe', { scopes: [`channel:${topicId}`] })).toMatchObject({ ok: true });
    const refused = await ask(reader, 'subscribe', { scopes: [`moderation:${eventId}`] });
    expect(refused).toMatchObject({ refused: { [`moderation:${eventId}`]: 'not_found' } });
    const moderator = await connect(organiser);
    expect(await ask(moderator, 'subscribe', { scopes: [`moderation:${eventId}`] })).toMatchObject({
      ok: true,
    });
    const message = await sendMessage(server, attendee, topicId, 'Please hide this');
    const deleted = next(reader, 'messaging.messageDeleted');
    const audited = next(moderator, 'moderation.actionRecorded');
    await call(server, 'POST', '/api/v1/moderation/actions', organiser, {
      targetType: 'message',
      targetId: message.id,
      action: 'hide',
    });
    expect(await deleted).toMatchObject({ id: message.id, op: 'upsert', data: { deleted: true, body: '' } });
    expect(await audited).toMatchObject({ data: { action: 'hide', targetId: message.id } });
  });

  it('answers a refused socket send in its ack: 422 content_refused, then 403 for a banned sender', async () => {
    const socket = await connect(attendee);
    const rude = await ask(socket, 'message.send', {
      channelId: topicId,
      clientMsgId: 'r1',
      body: 'fuck off',
    });
    expect(rude).toMatchObject({ ok: false, code: 'content_refused' });
    await call(server, 'POST', '/api/v1/moderation/actions', organiser, {
      targetType: 'user',
      targetId: attendee.id,
      eventId,
      action: 'ban',
    });
    const banned = await ask(socket, 'message.send', {
      channelId: topicId,
      clientMsgId: 'r2',
      body: 'hello?',
    });
    expect(banned).toMatchObject({ ok: false, code: 'forbidden' });
  });
});
