import { randomUUID } from 'node:crypto';
import type {
  Change,
  ChannelPage,
  ChannelView,
  EventChannelKind,
  Message,
  MessagePage,
  ReadState,
} from '@muster/protocol';
import type { TestUser } from '../factories.ts';
import type { TestServer } from '../harness.ts';
import { call } from './events.ts';

/** Messaging test data, built through the public API like any client would. */

export async function buildChannel(
  server: TestServer,
  manager: TestUser,
  eventId: string,
  options: { kind?: EventChannelKind; name?: string; sessionId?: string } = {},
): Promise<ChannelView> {
  const { kind = 'topic', name = `${kind} channel`, sessionId } = options;
  return call<ChannelView>(server, 'POST', `/api/v1/events/${eventId}/channels`, manager, {
    kind,
    name,
    ...(sessionId ? { sessionId } : {}),
  });
}

/** Opens the DM (one other user) or a new group (several) as `user`. */
export async function openDm(
  server: TestServer,
  user: TestUser,
  others: TestUser[],
  name?: string,
): Promise<ChannelView> {
  return call<ChannelView>(server, 'POST', '/api/v1/dms', user, {
    userIds: others.map((o) => o.id),
    ...(name ? { name } : {}),
  });
}

export function postMessage(
  server: TestServer,
  user: TestUser,
  channelId: string,
  body: string,
  extra: { clientMsgId?: string; replyToId?: string } = {},
) {
  return server.app.inject({
    method: 'POST',
    url: `/api/v1/channels/${channelId}/messages`,
    headers: user.headers,
    payload: {
      body,
      clientMsgId: extra.clientMsgId ?? randomUUID(),
      ...(extra.replyToId ? { replyToId: extra.replyToId } : {}),
    },
  });
}

/** Sends a message and fails loudly unless it was created. */
export async function sendMessage(
  server: TestServer,
  user: TestUser,
  channelId: string,
  body = 'Hello',
  extra: { clientMsgId?: string; replyToId?: string } = {},
): Promise<Message> {
  const res = await postMessage(server, user, channelId, body, extra);
  if (res.statusCode !== 201) throw new Error(`send failed: ${res.statusCode} ${res.body}`);
  return res.json<Message>();
}

export function listMessages(
  server: TestServer,
  user: TestUser,
  channelId: string,
  query = '',
): Promise<MessagePage> {
  return call<MessagePage>(server, 'GET', `/api/v1/channels/${channelId}/messages${query}`, user);
}

export function listEventChannels(server: TestServer, user: TestUser, eventId: string): Promise<ChannelPage> {
  return call<ChannelPage>(server, 'GET', `/api/v1/events/${eventId}/channels`, user);
}

export function mark(
  server: TestServer,
  user: TestUser,
  channelId: string,
  kind: 'read' | 'delivered',
  seq: number,
): Promise<ReadState> {
  return call<ReadState>(server, 'POST', `/api/v1/channels/${channelId}/${kind}`, user, { seq });
}

/** Every change of one scope after `after`, through `GET /api/v1/sync` as `user`. */
export async function scopeChanges(
  server: TestServer,
  user: TestUser,
  scope: string,
  after = 0,
): Promise<Change[]> {
  const res = await call<{ scopes: Record<string, { changes?: Change[] }> }>(
    server,
    'GET',
    `/api/v1/sync?scopes=${encodeURIComponent(`${scope}@${after}`)}&limit=1000`,
    user,
  );
  const answer = res.scopes[scope];
  if (!answer?.changes) throw new Error(`sync of ${scope} answered ${JSON.stringify(answer)}`);
  return answer.changes;
}
