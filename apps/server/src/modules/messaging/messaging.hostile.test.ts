import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildEvent } from '../../../test/factories/events.ts';
import { buildChannel, sendMessage } from '../../../test/factories/messaging.ts';
import { registerUser, type TestUser } from '../../../test/factories.ts';
import { useTestServer } from '../../../test/harness.ts';

const server = useTestServer();
let organiser: TestUser;
let eventId: string;
let channelId: string;
let messageId: string;
beforeAll(async () => {
  organiser = await registerUser(server);
  eventId = (await buildEvent(server, organiser)).id;
  channelId = (await buildChannel(server, organiser, eventId)).id;
  messageId = (await sendMessage(server, organiser, channelId, 'target')).id;
});

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

async function expect400(method: Method, url: string, payload: unknown, field: string) {
  const res = await server.app.inject({
    method,
    url,
    headers: {
      ...organiser.headers,
      ...(payload === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(payload === undefined ? {} : { payload: JSON.stringify(payload) }),
  });
  expect(res.statusCode, `${method} ${url} ${JSON.stringify(payload)?.slice(0, 80)} → ${res.body}`).toBe(400);
  expect(res.json()).toMatchObject({ code: 'validation_failed' });
  expect(res.json().errors.map((e: { field: string }) => e.field)).toContain(field);
}

const send = (extra: Record<string, unknown>) => ({ body: 'hi', clientMsgId: randomUUID(), ...extra });
const tag = () => `@[x](${randomUUID()})`;

describe('hostile input to messaging', () => {
  it('refuses bad message bodies, naming the field', async () => {
    const url = `/api/v1/channels/${channelId}/messages`;
    await expect400('POST', url, send({ body: 'x'.repeat(4001) }), 'body.body');
    await expect400('POST', url, send({ body: '' }), 'body.body');
    await expect400('POST', url, send({ body: ' \n\t ' }), 'body.body');
    await expect400('POST', url, send({ body: 'nul\u0000byte' }), 'body.body');
    await expect400('POST', url, send({ body: { $ne: null } }), 'body.body');
    await expect400('POST', url, send({ body: Array.from({ length: 21 }, tag).join(' ') }), 'body.body');
    await expect400('POST', url, { body: 'hi' }, 'body.clientMsgId');
    await expect400('POST', url, send({ clientMsgId: '' }), 'body.clientMsgId');
    await expect400('POST', url, send({ clientMsgId: 'x'.repeat(101) }), 'body.clientMsgId');
    await expect400('POST', url, send({ clientMsgId: 'line\nbreak' }), 'body.clientMsgId');
    await expect400('POST', url, send({ replyToId: 'nope' }), 'body.replyToId');
    await expect400('POST', url, send({ replyToId: randomUUID() }), 'body.replyToId');
    await expect400('POST', url, send({ seq: 1 }), 'body.seq');
    await expect400('POST', url, send({ senderId: organiser.id }), 'body.senderId');
    await expect400('POST', '/api/v1/channels/not-a-uuid/messages', send({}), 'params.id');
    await expect400('PATCH', `/api/v1/messages/${messageId}`, { body: 'x'.repeat(4001) }, 'body.body');
    await expect400('PATCH', `/api/v1/messages/${messageId}`, { body: 'ok', deleted: false }, 'body.deleted');
    await expect400('PATCH', '/api/v1/messages/123', { body: 'ok' }, 'params.id');
    // Limits count characters (code points), not UTF-16 units.
    const emoji = await server.app.inject({
      method: 'POST',
      url,
      headers: organiser.headers,
      payload: send({ body: '🎉'.repeat(4000) }),
    });
    expect(emoji.statusCode).toBe(201);
  });

  it('refuses bad emoji, channels, DMs, markers and list parameters', async () => {
    const reaction = (emoji: string) =>
      `/api/v1/messages/${messageId}/reactions/${encodeURIComponent(emoji)}`;
    for (const emoji of ['a b', 'x'.repeat(33), '\u0000', '<script>', 'DROP;', '👍\n'])
      await expect400('PUT', reaction(emoji), undefined, 'params.emoji');
    await expect400('PUT', `/api/v1/messages/nope/reactions/👍`, undefined, 'params.id');

    const channels = `/api/v1/events/${eventId}/channels`;
    await expect400('POST', channels, { kind: 'dm', name: 'x' }, 'body.kind');
    await expect400('POST', channels, { kind: 'topic', name: '' }, 'body.name');
    await expect400('POST', channels, { kind: 'topic', name: '   ' }, 'body.name');
    await expect400('POST', channels, { kind: 'topic', name: 'x'.repeat(81) }, 'body.name');
    await expect400('POST', channels, { kind: 'topic', name: 'ok', eventId }, 'body.eventId');

    await expect400('POST', '/api/v1/dms', { userIds: [] }, 'body.userIds');
    await expect400(
      'POST',
      '/api/v1/dms',
      { userIds: Array.from({ length: 50 }, randomUUID) },
      'body.userIds',
    );
    const twice = randomUUID();
    await expect400('POST', '/api/v1/dms', { userIds: [twice, twice] }, 'body.userIds');
    await expect400('POST', '/api/v1/dms', { userIds: ['not-a-uuid'] }, 'body.userIds.0');
    await expect400('POST', '/api/v1/dms', { userIds: [randomUUID()], kind: 'group' }, 'body.kind');

    const read = `/api/v1/channels/${channelId}/read`;
    await expect400('POST', read, { seq: -1 }, 'body.seq');
    await expect400('POST', read, { seq: '1' }, 'body.seq');
    await expect400('POST', read, { seq: 1.5 }, 'body.seq');
    await expect400('POST', read, { seq: 1, userId: organiser.id }, 'body.userId');

    const list = `/api/v1/channels/${channelId}/messages`;
    await expect400('GET', `${list}?after=-1`, undefined, 'querystring.after');
    await expect400('GET', `${list}?before=0`, undefined, 'querystring.before');
    await expect400('GET', `${list}?limit=0`, undefined, 'querystring.limit');
    await expect400('GET', `${list}?limit=201`, undefined, 'querystring.limit');
    await expect400('GET', `${list}?after=5&before=3`, undefined, 'querystring.before');
    await expect400('GET', '/api/v1/me/channels?cursor=abc', undefined, 'querystring.cursor');
    await expect400(
      'GET',
      `${channels}?cursor=${Buffer.from('["x"]').toString('base64url')}`,
      undefined,
      'querystring.cursor',
    );
  });

  it('asks for a token on every messaging route', async () => {
    const routes: [Method, string, object?][] = [
      ['GET', `/api/v1/events/${eventId}/channels`],
      ['POST', `/api/v1/events/${eventId}/channels`, { kind: 'topic', name: 'x' }],
      ['POST', '/api/v1/dms', { userIds: [organiser.id] }],
      ['GET', '/api/v1/me/channels'],
      ['GET', `/api/v1/channels/${channelId}`],
      ['GET', `/api/v1/channels/${channelId}/messages`],
      ['POST', `/api/v1/channels/${channelId}/messages`, send({})],
      ['POST', `/api/v1/channels/${channelId}/read`, { seq: 0 }],
      ['POST', `/api/v1/channels/${channelId}/delivered`, { seq: 0 }],
      ['PATCH', `/api/v1/messages/${messageId}`, { body: 'x' }],
      ['DELETE', `/api/v1/messages/${messageId}`],
      ['PUT', `/api/v1/messages/${messageId}/reactions/👍`],
      ['DELETE', `/api/v1/messages/${messageId}/reactions/👍`],
    ];
    for (const [method, url, payload] of routes) {
      const res = await server.app.inject({ method, url, ...(payload ? { payload } : {}) });
      expect([method, url, res.statusCode]).toEqual([method, url, 401]);
    }
  });
});
