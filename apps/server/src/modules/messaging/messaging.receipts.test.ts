import type { ChannelPage, ChannelView, Mentioned, ReadState, ReceiptUpdated } from '@muster/protocol';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  addMember,
  buildCommunity,
  buildEvent,
  call,
  grantRole,
  quickUsers,
} from '../../../test/factories/events.ts';
import {
  buildChannel,
  listEventChannels,
  mark,
  openDm,
  scopeChanges,
  sendMessage,
} from '../../../test/factories/messaging.ts';
import { registerUser, type TestUser } from '../../../test/factories.ts';
import { useTestServer } from '../../../test/harness.ts';

const server = useTestServer();
let organiser: TestUser;
let eventId: string;
beforeAll(async () => {
  organiser = await registerUser(server);
  eventId = (await buildEvent(server, organiser)).id;
});

async function pair(): Promise<[TestUser, TestUser]> {
  const owner = await registerUser(server);
  const community = await buildCommunity(server, owner);
  const [other] = await quickUsers(server, 1);
  await addMember(server, community.id, owner, other!);
  return [owner, other!];
}

const head = async (user: TestUser, scope: string) =>
  (
    await call<{ scopes: Record<string, { head: number }> }>(
      server,
      'GET',
      `/api/v1/sync?scopes=${scope}@0`,
      user,
    )
  ).scopes[scope]!.head;

describe('receipts in a DM', () => {
  it('moves delivered and read forward only, onto messages, and tells the sender on the channel', async () => {
    const [ann, ben] = await pair();
    const channel = await openDm(server, ann, [ben]);
    const scope = `channel:${channel.id}`;
    for (const body of ['one', 'two', 'three']) await sendMessage(server, ann, channel.id, body);

    expect(await mark(server, ben, channel.id, 'delivered', 3)).toEqual({
      channelId: channel.id,
      lastDeliveredSeq: 3,
      lastReadSeq: 0,
      unreadCount: 3,
    });
    expect(await mark(server, ben, channel.id, 'read', 2)).toMatchObject({
      lastDeliveredSeq: 3,
      lastReadSeq: 2,
      unreadCount: 1,
    });
    const before = await head(ann, scope);
    // Backwards and repeated markers change nothing and record nothing.
    expect(await mark(server, ben, channel.id, 'read', 1)).toMatchObject({ lastReadSeq: 2 });
    expect(await mark(server, ben, channel.id, 'delivered', 2)).toMatchObject({ lastDeliveredSeq: 3 });
    expect(await head(ann, scope)).toBe(before);
    // A seq on a receipt record rounds down to the newest message: marking the head reads all.
    expect(await mark(server, ben, channel.id, 'read', before)).toMatchObject({
      lastReadSeq: 3,
      unreadCount: 0,
    });
    const now = await head(ann, scope);
    const beyond = await server.app.inject({
      method: 'POST',
      url: `/api/v1/channels/${channel.id}/read`,
      headers: ben.headers,
      payload: { seq: now + 1 },
    });
    expect([beyond.statusCode, beyond.json().errors[0].field]).toEqual([400, 'body.seq']);

    const receipts = (await scopeChanges(server, ann, scope)).filter(
      (c) => c.entity === 'messaging.receiptUpdated',
    );
    expect(receipts.map((c) => c.data as ReceiptUpdated)).toEqual([
      { channelId: channel.id, userId: ben.id, deliveredSeq: 3, readSeq: 0 },
      { channelId: channel.id, userId: ben.id, deliveredSeq: 3, readSeq: 2 },
      { channelId: channel.id, userId: ben.id, deliveredSeq: 3, readSeq: 3 },
    ]);
    expect(receipts.every((c) => c.id === ben.id)).toBe(true);
    // Answering receipts with receipts cannot loop: nothing new to read, nothing recorded.
    await mark(server, ann, channel.id, 'read', now);
    const settled = await head(ann, scope);
    await mark(server, ben, channel.id, 'read', settled);
    await mark(server, ann, channel.id, 'read', settled);
    expect(await head(ann, scope)).toBe(settled);

    const mine = (await scopeChanges(server, ben, `user:${ben.id}`)).filter(
      (c) => c.entity === 'messaging.readStateChanged',
    );
    expect(mine.map((c) => (c.data as ReadState).lastReadSeq)).toEqual([2, 3]);
    expect(mine.every((c) => c.id === channel.id)).toBe(true);
  });
});

describe('receipts in a channel snapshot', () => {
  it('gives a fresh device the other members’ markers, so ticks do not fall back to sent', async () => {
    const [ann, ben] = await pair();
    const channel = await openDm(server, ann, [ben]);
    for (const body of ['one', 'two']) await sendMessage(server, ann, channel.id, body);
    await mark(server, ben, channel.id, 'read', 1);
    await mark(server, ben, channel.id, 'delivered', 2);

    const seenByAnn = await call<ChannelView>(server, 'GET', `/api/v1/channels/${channel.id}`, ann);
    expect(seenByAnn.receipts).toEqual([
      { channelId: channel.id, userId: ben.id, deliveredSeq: 2, readSeq: 1 },
    ]);
    // Each member sees the others' markers, never their own (those are `lastReadSeq`).
    const seenByBen = await call<ChannelView>(server, 'GET', `/api/v1/channels/${channel.id}`, ben);
    expect(seenByBen.receipts).toEqual([
      { channelId: channel.id, userId: ann.id, deliveredSeq: 0, readSeq: 0 },
    ]);
    expect(seenByBen.lastReadSeq).toBe(1);
  });

  it('carries no per-reader markers for event channels', async () => {
    const topic = await buildChannel(server, organiser, eventId, { name: 'Snapshot topic', kind: 'topic' });
    const view = await call<ChannelView>(server, 'GET', `/api/v1/channels/${topic.id}`, organiser);
    expect(view.receipts).toBeUndefined();
  });
});

describe('receipts and unread counts in event channels', () => {
  it('records the reader’s state on their own scope only, never on the channel', async () => {
    const channel = await buildChannel(server, organiser, eventId);
    const [reader, writer] = await quickUsers(server, 2);
    const sent = [];
    for (let i = 0; i < 5; i++) sent.push(await sendMessage(server, writer!, channel.id, `m${i}`));
    await sendMessage(server, reader!, channel.id, 'my own message does not count');
    await call(server, 'DELETE', `/api/v1/messages/${sent[4]!.id}`, writer!);
    const scope = `channel:${channel.id}`;
    const channelHead = await head(reader!, scope);

    const unreadOf = async (user: TestUser) =>
      (await listEventChannels(server, user, eventId)).items.find((c) => c.id === channel.id)!.unreadCount;
    expect(await unreadOf(reader!)).toBe(4);
    expect(await mark(server, reader!, channel.id, 'read', 2)).toMatchObject({
      lastReadSeq: 2,
      unreadCount: 2,
    });
    expect(await unreadOf(reader!)).toBe(2);
    expect(await mark(server, reader!, channel.id, 'delivered', channelHead)).toMatchObject({
      lastDeliveredSeq: 6,
      lastReadSeq: 2,
    });
    expect(await head(reader!, scope)).toBe(channelHead);
    const states = (await scopeChanges(server, reader!, `user:${reader!.id}`)).filter(
      (c) => c.entity === 'messaging.readStateChanged',
    );
    expect(states.map((c) => c.data)).toEqual([
      { channelId: channel.id, lastDeliveredSeq: 2, lastReadSeq: 2, unreadCount: 2 },
    ]);
  });

  it('records a marker moved by several devices at once exactly once', async () => {
    const channel = await buildChannel(server, organiser, eventId);
    const [reader, writer] = await quickUsers(server, 2);
    for (let i = 0; i < 3; i++) await sendMessage(server, writer!, channel.id, `m${i}`);
    const answers = await Promise.all(
      Array.from({ length: 8 }, (_, i) => mark(server, reader!, channel.id, 'read', i % 2 ? 2 : 3)),
    );
    expect(answers.map((a) => a.lastReadSeq).every((seq) => seq >= 2)).toBe(true);
    const states = (await scopeChanges(server, reader!, `user:${reader!.id}`))
      .filter((c) => c.entity === 'messaging.readStateChanged')
      .map((c) => (c.data as ReadState).lastReadSeq);
    expect(states.length).toBeGreaterThanOrEqual(1);
    expect(states.at(-1)).toBe(3);
    for (let i = 1; i < states.length; i++) expect(states[i]!).toBeGreaterThan(states[i - 1]!);
  });

  it('lists my DMs, groups and active event channels with unread counts, latest activity first', async () => {
    const [ann, ben] = await pair();
    const quiet = await openDm(server, ann, [ben]);
    const event = await buildChannel(server, organiser, eventId);
    const untouched = await buildChannel(server, organiser, eventId);
    await sendMessage(server, ann, event.id, 'hello event');
    await mark(server, ben, event.id, 'delivered', 1);
    const [cat] = await quickUsers(server, 1);
    await grantRole(server, eventId, organiser, cat!, 'attendee');
    await addMember(server, (await buildCommunity(server, ann)).id, ann, cat!);
    const group = await openDm(server, ann, [ben, cat!], 'Trio');
    await sendMessage(server, ann, quiet.id, 'ping');
    await sendMessage(server, cat!, group.id, 'hi all');

    const page = await call<ChannelPage>(server, 'GET', '/api/v1/me/channels', ben);
    expect(page.items.map((c) => c.id)).toEqual([group.id, quiet.id, event.id]);
    expect(page.items.map((c) => c.unreadCount)).toEqual([1, 1, 1]);
    expect(page.items.map((c) => c.id)).not.toContain(untouched.id);
    expect(page.items[0]!.memberIds).toHaveLength(3);

    const first = await call<ChannelPage>(server, 'GET', '/api/v1/me/channels?limit=2', ben);
    expect(first.items.map((c) => c.id)).toEqual([group.id, quiet.id]);
    const rest = await call<ChannelPage>(
      server,
      'GET',
      `/api/v1/me/channels?limit=2&cursor=${first.nextCursor}`,
      ben,
    );
    expect(rest.items.map((c) => c.id)).toEqual([event.id]);
    expect(rest.nextCursor).toBeNull();
  });
});

describe('mentions', () => {
  it('reach mentioned readers on their own scope, once, and never people who cannot read', async () => {
    const [reader, outsiderToStaff, staffer] = await quickUsers(server, 3);
    await grantRole(server, eventId, organiser, staffer!, 'staff');
    const topic = await buildChannel(server, organiser, eventId);
    const staffRoom = await buildChannel(server, organiser, eventId, { kind: 'staff' });
    const tag = (u: TestUser, name = 'Someone') => `@[${name}](${u.id})`;

    const message = await sendMessage(
      server,
      staffer!,
      topic.id,
      `hey ${tag(reader!)} and ${tag(reader!)} ${tag(staffer!)}`,
    );
    expect(message.mentions).toEqual([reader!.id, staffer!.id]);
    await sendMessage(server, staffer!, staffRoom.id, `secret for ${tag(outsiderToStaff!)}`);
    await call(server, 'PATCH', `/api/v1/messages/${message.id}`, staffer!, {
      body: `hey ${tag(reader!)} and now ${tag(organiser)}`,
    });

    const mentionsOf = async (user: TestUser) =>
      (await scopeChanges(server, user, `user:${user.id}`)).filter((c) => c.entity === 'messaging.mentioned');
    const toReader = await mentionsOf(reader!);
    expect(toReader).toHaveLength(1);
    expect(toReader[0]!.data as Mentioned).toMatchObject({
      messageId: message.id,
      channelId: topic.id,
      eventId,
      seq: message.seq,
      senderId: staffer!.id,
    });
    expect(await mentionsOf(outsiderToStaff!)).toEqual([]);
    expect(await mentionsOf(staffer!)).toEqual([]);
    expect((await mentionsOf(organiser)).map((c) => c.id)).toEqual([message.id]);
  });
});
