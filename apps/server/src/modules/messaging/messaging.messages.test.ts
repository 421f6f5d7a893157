import { randomUUID } from 'node:crypto';
import type { Change, Message, ReactionsChanged } from '@muster/protocol';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildEvent, call, grantRole, quickUsers } from '../../../test/factories/events.ts';
import {
  buildChannel,
  listMessages,
  openDm,
  postMessage,
  scopeChanges,
  sendMessage,
} from '../../../test/factories/messaging.ts';
import { registerUser, type TestUser } from '../../../test/factories.ts';
import { useTestServer } from '../../../test/harness.ts';

const server = useTestServer();
let organiser: TestUser;
let eventId: string;
beforeAll(async () => {
  organiser = await registerUser(server, { name: 'Organiser' });
  eventId = (await buildEvent(server, organiser)).id;
  // These tests drive the send path itself (seqs, rate limits, retries) with many quick synthetic
  // texts ("n16" reads as a slur to the leetspeak-aware profanity filter); the filters have their
  // own tests in modules/moderation.
  await call(server, 'PUT', `/api/v1/events/${eventId}/moderation/settings`, organiser, {
    filters: { profanity: false, links: false, flood: false },
    blockedWords: [],
    qnaPremoderation: false,
  });
});

const topic = () => buildChannel(server, organiser, eventId, { kind: 'topic' });
const channelLog = (channelId: string, after = 0) =>
  scopeChanges(server, organiser, `channel:${channelId}`, after);

describe('sending', () => {
  it('answers 201 with the message and its per-channel seq, recorded on the channel scope', async () => {
    const channel = await topic();
    const [alice] = await quickUsers(server, 1);
    const res = await postMessage(server, alice!, channel.id, `  Hello @[Org](${organiser.id})  `, {
      clientMsgId: 'c-1',
    });
    expect(res.statusCode).toBe(201);
    const message = res.json<Message>();
    expect(message).toMatchObject({
      channelId: channel.id,
      seq: 1,
      senderId: alice!.id,
      clientMsgId: 'c-1',
      body: `Hello @[Org](${organiser.id})`,
      replyToId: null,
      mentions: [organiser.id],
      reactions: [],
      myReactions: [],
      deleted: false,
      editedAt: null,
    });
    const log = await channelLog(channel.id);
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({ seq: 1, entity: 'messaging.messageSent', op: 'upsert', id: message.id });
    const { myReactions: _, ...shared } = message;
    expect(log[0]!.data).toEqual(shared);
  });

  it('gives concurrent senders consecutive seqs 1..50, listed in seq order', async () => {
    const channel = await topic();
    const senders = await quickUsers(server, 5);
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => sendMessage(server, senders[i % 5]!, channel.id, `m${i}`)),
    );
    expect(results.map((m) => m.seq).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 50 }, (_, i) => i + 1),
    );
    const page = await listMessages(server, organiser, channel.id, '?limit=200');
    expect(page.head).toBe(50);
    expect(page.items.map((m) => m.seq)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    const log = await channelLog(channel.id);
    expect(log.map((c) => [c.seq, c.id])).toEqual(page.items.map((m) => [m.seq, m.id]));
  });

  it('stores the same clientMsgId once, sequentially and concurrently', async () => {
    const channel = await topic();
    const [bob] = await quickUsers(server, 1);
    const first = await postMessage(server, bob!, channel.id, 'once', { clientMsgId: 'same' });
    const again = await postMessage(server, bob!, channel.id, 'different body', { clientMsgId: 'same' });
    expect(first.statusCode).toBe(201);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual(first.json());

    const burst = await Promise.all(
      Array.from({ length: 8 }, () =>
        postMessage(server, bob!, channel.id, 'burst', { clientMsgId: 'burst' }),
      ),
    );
    expect(burst.map((r) => r.statusCode).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 201]);
    expect(new Set(burst.map((r) => r.json<Message>().id)).size).toBe(1);
    // Another sender may use the same clientMsgId: keys are per sender.
    const [carol] = await quickUsers(server, 1);
    expect((await postMessage(server, carol!, channel.id, 'mine', { clientMsgId: 'same' })).statusCode).toBe(
      201,
    );

    const log = await channelLog(channel.id);
    expect(log.map((c) => c.entity)).toEqual([
      'messaging.messageSent',
      'messaging.messageSent',
      'messaging.messageSent',
    ]);
    expect(log.map((c) => c.seq)).toEqual([1, 2, 3]);
  });

  it('refuses each message of a concurrent burst on its own merits, without disturbing the others', async () => {
    const announcements = await buildChannel(server, organiser, eventId, { kind: 'announcements' });
    const elsewhere = await sendMessage(server, organiser, (await topic()).id, 'elsewhere');
    const attendees = await quickUsers(server, 4);
    const sends = [
      ...Array.from({ length: 6 }, (_, i) => postMessage(server, organiser, announcements.id, `news ${i}`)),
      ...attendees.map((a) => postMessage(server, a, announcements.id, 'may I?')),
      postMessage(server, organiser, announcements.id, 'bad reply', { replyToId: elsewhere.id }),
    ];
    const answers = await Promise.all(sends);
    expect(answers.slice(0, 6).map((r) => r.statusCode)).toEqual([201, 201, 201, 201, 201, 201]);
    expect(answers.slice(6, 10).map((r) => r.json().code)).toEqual([
      'forbidden',
      'forbidden',
      'forbidden',
      'forbidden',
    ]);
    expect(answers[10]!.statusCode).toBe(400);
    const seqs = answers.slice(0, 6).map((r) => r.json<Message>().seq);
    expect([...seqs].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6]);
    const log = await scopeChanges(server, organiser, `channel:${announcements.id}`, 0);
    expect(log.map((c) => c.seq)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('commits sends to many channels that arrive together, each channel with its own gap-free seqs', async () => {
    const channels = await Promise.all([topic(), topic(), topic()]);
    const [speaker, outsider, ...senders] = await quickUsers(server, 6);
    await grantRole(server, eventId, organiser, speaker!, 'speaker');
    const dm = await openDm(server, organiser, [speaker!]);
    const mention = `@[Org](${organiser.id})`;
    const answers = await Promise.all([
      ...channels.flatMap((c, ci) =>
        Array.from({ length: 8 }, (_, i) =>
          postMessage(server, senders[i % 4]!, c.id, `c${ci} m${i} ${mention}`),
        ),
      ),
      postMessage(server, speaker!, dm.id, `dm ${mention}`),
      postMessage(server, outsider!, dm.id, 'let me in'),
      postMessage(server, organiser, '01890000-0000-7000-8000-000000000000', 'nowhere'),
      // The same sender and clientMsgId in two channels are two messages: keys are per channel.
      postMessage(server, senders[0]!, channels[0]!.id, 'twin', { clientMsgId: 'twin' }),
      postMessage(server, senders[0]!, channels[1]!.id, 'twin', { clientMsgId: 'twin' }),
    ]);
    expect(answers.map((r) => r.statusCode)).toEqual([...Array(25).fill(201), 404, 404, 201, 201]);
    const created = answers.filter((r) => r.statusCode === 201).map((r) => r.json<Message>());
    expect(new Set(created.map((m) => m.id)).size).toBe(created.length);
    for (const [channelId, count] of [
      [channels[0]!.id, 9],
      [channels[1]!.id, 9],
      [channels[2]!.id, 8],
      [dm.id, 1],
    ] as const) {
      const mine = created.filter((m) => m.channelId === channelId);
      const seqs = Array.from({ length: count }, (_, i) => i + 1);
      expect(mine.map((m) => m.seq).sort((a, b) => a - b)).toEqual(seqs);
      const log = await channelLog(channelId);
      expect(log.map((c) => [c.seq, c.id])).toEqual(
        [...mine].sort((a, b) => a.seq - b.seq).map((m) => [m.seq, m.id]),
      );
    }
    const mentioned = (await scopeChanges(server, organiser, `user:${organiser.id}`, 0))
      .filter((c) => c.entity === 'messaging.mentioned')
      .map((c) => c.id);
    const withMention = created.filter((m) => m.mentions.includes(organiser.id)).map((m) => m.id);
    expect(withMention).toHaveLength(25);
    expect(mentioned.filter((id) => withMention.includes(id)).sort()).toEqual([...withMention].sort());
  });

  it('accepts replies to messages of the same channel only', async () => {
    const channel = await topic();
    const other = await topic();
    const original = await sendMessage(server, organiser, channel.id, 'question');
    const elsewhere = await sendMessage(server, organiser, other.id, 'elsewhere');
    const reply = await sendMessage(server, organiser, channel.id, 'answer', { replyToId: original.id });
    expect(reply.replyToId).toBe(original.id);
    const bad = await postMessage(server, organiser, channel.id, 'x', { replyToId: elsewhere.id });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].field).toBe('body.replyToId');
  });

  it('limits each sender to 30 messages per 10 seconds, but never a retry of a stored one', async () => {
    const channel = await topic();
    const [chatty] = await quickUsers(server, 1);
    for (let i = 0; i < 30; i++)
      await sendMessage(server, chatty!, channel.id, `n${i}`, { clientMsgId: `k${i}` });
    const limited = await postMessage(server, chatty!, channel.id, 'one more');
    expect(limited.statusCode).toBe(429);
    expect(limited.json().code).toBe('rate_limited');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect((await postMessage(server, chatty!, channel.id, 'n0', { clientMsgId: 'k0' })).statusCode).toBe(
      200,
    );
  });

  it('gives a retry of a stored message its rate-limit point back', async () => {
    const channel = await topic();
    const [careful] = await quickUsers(server, 1);
    for (let i = 0; i < 29; i++)
      await sendMessage(server, careful!, channel.id, `n${i}`, { clientMsgId: `k${i}` });
    for (let i = 0; i < 5; i++)
      expect((await postMessage(server, careful!, channel.id, 'n0', { clientMsgId: 'k0' })).statusCode).toBe(
        200,
      );
    expect((await postMessage(server, careful!, channel.id, 'last', { clientMsgId: 'k29' })).statusCode).toBe(
      201,
    );
    expect((await postMessage(server, careful!, channel.id, 'over', { clientMsgId: 'k30' })).statusCode).toBe(
      429,
    );
    const log = await listMessages(server, careful!, channel.id, '?limit=100');
    expect(log.items).toHaveLength(30);
  });
});

describe('paging by seq', () => {
  it('pages back from the newest and forward from a cursor, with tombstones', async () => {
    const channel = await topic();
    const sent: Message[] = [];
    for (let i = 1; i <= 7; i++) sent.push(await sendMessage(server, organiser, channel.id, `m${i}`));
    await call(server, 'DELETE', `/api/v1/messages/${sent[2]!.id}`, organiser);

    const latest = await listMessages(server, organiser, channel.id, '?limit=3');
    expect(latest.items.map((m) => m.body)).toEqual(['m5', 'm6', 'm7']);
    expect(latest.head).toBe(8);
    expect(await listMessages(server, organiser, channel.id.toUpperCase(), '?limit=3')).toEqual(latest);
    const back = await listMessages(server, organiser, channel.id, `?limit=3&before=${latest.nextCursor}`);
    expect(back.items.map((m) => m.seq)).toEqual([2, 3, 4]);
    expect(back.items[1]).toMatchObject({ deleted: true, body: '' });
    const first = await listMessages(server, organiser, channel.id, `?limit=3&before=${back.nextCursor}`);
    expect(first.items.map((m) => m.seq)).toEqual([1]);
    expect(first.nextCursor).toBeNull();

    const forward = await listMessages(server, organiser, channel.id, '?after=2&limit=4');
    expect(forward.items.map((m) => m.seq)).toEqual([3, 4, 5, 6]);
    const rest = await listMessages(server, organiser, channel.id, `?after=${forward.nextCursor}&limit=4`);
    expect(rest.items.map((m) => m.seq)).toEqual([7]);
    expect(rest.nextCursor).toBeNull();
    const window = await listMessages(server, organiser, channel.id, '?after=1&before=4');
    expect(window.items.map((m) => m.seq)).toEqual([2, 3]);
  });
});

describe('edits, deletes and reactions', () => {
  it('records an edit, ignores an edit that changes nothing, and lets only the sender edit', async () => {
    const channel = await topic();
    const [author, other] = await quickUsers(server, 2);
    const message = await sendMessage(server, author!, channel.id, 'frist');
    const edited = await call<Message>(server, 'PATCH', `/api/v1/messages/${message.id}`, author!, {
      body: 'first',
    });
    expect(edited).toMatchObject({ id: message.id, seq: message.seq, body: 'first' });
    expect(edited.editedAt).not.toBeNull();
    await call(server, 'PATCH', `/api/v1/messages/${message.id}`, author!, { body: 'first' });
    await call(server, 'PATCH', `/api/v1/messages/${message.id}`, other!, { body: 'hijack' }, [403]);
    await call(server, 'PATCH', `/api/v1/messages/${message.id}`, organiser, { body: 'hijack' }, [403]);
    const log = await channelLog(channel.id);
    expect(log.map((c) => c.entity)).toEqual(['messaging.messageSent', 'messaging.messageEdited']);
    expect(log[1]!.data).toMatchObject({ id: message.id, seq: message.seq, body: 'first' });
  });

  it('deletes as a tombstone, by the sender or by event staff, once', async () => {
    const channel = await topic();
    const [author, other, staffer] = await quickUsers(server, 3);
    await grantRole(server, eventId, organiser, staffer!, 'staff');
    const mine = await sendMessage(server, author!, channel.id, 'oops');
    const rude = await sendMessage(server, other!, channel.id, 'rude');
    await call(server, 'PUT', `/api/v1/messages/${mine.id}/reactions/👍`, other!);

    await call(server, 'DELETE', `/api/v1/messages/${rude.id}`, author!, undefined, [403]);
    const tombstone = await call<Message>(server, 'DELETE', `/api/v1/messages/${mine.id}`, author!);
    expect(tombstone).toMatchObject({
      id: mine.id,
      seq: mine.seq,
      deleted: true,
      body: '',
      reactions: [],
      mentions: [],
    });
    expect(tombstone.deletedAt).not.toBeNull();
    expect(await call<Message>(server, 'DELETE', `/api/v1/messages/${mine.id}`, author!)).toEqual(tombstone);
    const moderated = await call<Message>(server, 'DELETE', `/api/v1/messages/${rude.id}`, staffer!);
    expect(moderated.deleted).toBe(true);

    await call(server, 'PATCH', `/api/v1/messages/${mine.id}`, author!, { body: 'back' }, [409]);
    await call(server, 'PUT', `/api/v1/messages/${mine.id}/reactions/🎉`, other!, undefined, [409]);

    const log = await channelLog(channel.id);
    expect(log.map((c) => c.entity)).toEqual([
      'messaging.messageSent',
      'messaging.messageSent',
      'messaging.reactionsChanged',
      'messaging.messageDeleted',
      'messaging.messageDeleted',
    ]);
    const deletion = log[3]!;
    expect(deletion).toMatchObject({ op: 'upsert', id: mine.id, data: { deleted: true, body: '' } });
    expect(JSON.stringify(log.slice(3))).not.toContain('oops');
    expect(JSON.stringify(log.slice(3))).not.toContain('rude');
  });

  it('counts reactions per emoji, idempotently, and records each real change', async () => {
    const channel = await topic();
    const [a, b] = await quickUsers(server, 2);
    const message = await sendMessage(server, a!, channel.id, 'react to me');
    const url = (emoji: string) => `/api/v1/messages/${message.id}/reactions/${encodeURIComponent(emoji)}`;
    await call(server, 'PUT', url('👍'), a!);
    await call(server, 'PUT', url('👍'), a!);
    await call(server, 'PUT', url('👍'), b!);
    const both = await call<Message>(server, 'PUT', url('party_parrot'), b!);
    expect(both.reactions).toEqual([
      { emoji: '👍', count: 2 },
      { emoji: 'party_parrot', count: 1 },
    ]);
    expect(both.myReactions).toEqual(['👍', 'party_parrot']);
    const removed = await call<Message>(server, 'DELETE', url('👍'), a!);
    await call(server, 'DELETE', url('👍'), a!);
    expect(removed.reactions).toEqual([
      { emoji: '👍', count: 1 },
      { emoji: 'party_parrot', count: 1 },
    ]);
    expect(removed.myReactions).toEqual([]);
    const flag = await call<Message>(server, 'PUT', url('🇺🇦'), a!);
    expect(flag.myReactions).toEqual(['🇺🇦']);

    const changes = (await channelLog(channel.id)).filter(
      (c: Change) => c.entity === 'messaging.reactionsChanged',
    );
    expect(changes.map((c) => c.data as ReactionsChanged).map((d) => [d.userId, d.emoji, d.added])).toEqual([
      [a!.id, '👍', true],
      [b!.id, '👍', true],
      [b!.id, 'party_parrot', true],
      [a!.id, '👍', false],
      [a!.id, '🇺🇦', true],
    ]);
    const page = await listMessages(server, b!, channel.id);
    expect(page.items[0]!.myReactions).toEqual(['👍', 'party_parrot']);
  });

  it('answers 404 for a message id that does not exist or sits in a channel the caller cannot read', async () => {
    const staffChannel = await buildChannel(server, organiser, eventId, { kind: 'staff' });
    const secret = await sendMessage(server, organiser, staffChannel.id, 'secret');
    const [attendee] = await quickUsers(server, 1);
    for (const method of ['PATCH', 'DELETE'] as const) {
      const res = await server.app.inject({
        method,
        url: `/api/v1/messages/${secret.id}`,
        headers: attendee!.headers,
        ...(method === 'PATCH' ? { payload: { body: 'x' } } : {}),
      });
      expect(res.statusCode).toBe(404);
    }
    await call(server, 'PUT', `/api/v1/messages/${secret.id}/reactions/👍`, attendee!, undefined, [404]);
    await call(server, 'PUT', `/api/v1/messages/${randomUUID()}/reactions/👍`, attendee!, undefined, [404]);
  });
});
