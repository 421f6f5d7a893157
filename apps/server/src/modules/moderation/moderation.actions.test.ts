import { randomUUID } from 'node:crypto';
import type { AuditPage, BulkModerationResult, Message, ModerationQueue } from '@muster/protocol';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildEvent, call, grantRole, quickUsers } from '../../../test/factories/events.ts';
import { buildChannel, listMessages, scopeChanges, sendMessage } from '../../../test/factories/messaging.ts';
import { registerUser, type TestUser } from '../../../test/factories.ts';
import { useTestServer } from '../../../test/harness.ts';

const server = useTestServer();
let organiser: TestUser;
let moderator: TestUser;
let eventId: string;
let channelId: string;
beforeAll(async () => {
  organiser = await registerUser(server, { name: 'Organiser' });
  moderator = (await quickUsers(server, 1, 'Moderator'))[0]!;
  eventId = (await buildEvent(server, organiser)).id;
  await grantRole(server, eventId, organiser, moderator, 'staff');
  channelId = (await buildChannel(server, organiser, eventId)).id;
});

const act = (as: TestUser, body: object, expected = [200]) =>
  call<{ id: string; action: string }>(server, 'POST', '/api/v1/moderation/actions', as, body, expected);
const queue = (as: TestUser = moderator) =>
  call<ModerationQueue>(server, 'GET', `/api/v1/events/${eventId}/moderation/queue`, as);
const audit = (as: TestUser = organiser) =>
  call<AuditPage>(server, 'GET', `/api/v1/events/${eventId}/moderation/audit`, as);
const report = (as: TestUser, body: object, expected = [204]) =>
  call(server, 'POST', '/api/v1/reports', as, body, expected);

describe('reports and the queue', () => {
  it('queues a reported message once per reporter, counting reporters, live on the moderation scope', async () => {
    const [author, r1, r2] = await quickUsers(server, 3);
    const message = await sendMessage(server, author!, channelId, 'A rude remark');
    const body = { targetType: 'message', targetId: message.id, reason: 'rude' };
    await report(r1!, body);
    await report(r1!, body);
    await report(r2!, body);
    const item = (await queue()).items.find((i) => i.targetId === message.id);
    expect(item).toMatchObject({
      targetType: 'message',
      reason: 'reported',
      reports: 2,
      excerpt: 'A rude remark',
      author: { id: author!.id },
      status: 'open',
    });
    const log = await scopeChanges(server, moderator, `moderation:${eventId}`);
    expect(log.filter((c) => c.entity === 'moderation.itemChanged' && c.id === item!.id)).toHaveLength(2);
    await report(author!, body, [400]);
    await report(r1!, { targetType: 'user', targetId: author!.id, eventId, reason: 'harassment' });
    await report(r1!, { targetType: 'user', targetId: author!.id, reason: 'no event' }, [400]);
    expect((await queue()).items.find((i) => i.targetId === author!.id)).toMatchObject({
      targetType: 'user',
      excerpt: null,
      reports: 1,
      flags: ['reported'],
    });
  });

  it('hides the queue from attendees and reports on what the reporter cannot see', async () => {
    const [attendee] = await quickUsers(server, 1);
    await call(server, 'GET', `/api/v1/events/${eventId}/moderation/queue`, attendee!, undefined, [403]);
    const staffChannel = await buildChannel(server, organiser, eventId, { kind: 'staff', name: 'crew' });
    const secret = await sendMessage(server, moderator, staffChannel.id, 'crew only');
    await report(attendee!, { targetType: 'message', targetId: secret.id, reason: 'x' }, [404]);
    await report(attendee!, { targetType: 'message', targetId: randomUUID(), reason: 'x' }, [404]);
  });
});

describe('actions', () => {
  it('hides a message: a delete record on the channel scope, gone for members; restore brings it back', async () => {
    const [author, reader, reporter] = await quickUsers(server, 3);
    const message = await sendMessage(server, author!, channelId, 'Hide me please');
    await report(reporter!, { targetType: 'message', targetId: message.id, reason: 'spam' });
    const entry = await act(moderator, {
      targetType: 'message',
      targetId: message.id,
      action: 'hide',
      reason: 'spam',
    });
    expect(entry).toMatchObject({
      action: 'hide',
      source: 'moderator',
      reason: 'spam',
      actor: { id: moderator.id },
    });
    const log = await scopeChanges(server, reader!, `channel:${channelId}`);
    const record = log.findLast((c) => c.id === message.id)!;
    expect(record).toMatchObject({ entity: 'messaging.messageDeleted', op: 'upsert' });
    expect(record.data).toMatchObject({ deleted: true, body: '' });
    const listed = (await listMessages(server, reader!, channelId)).items.find((m) => m.id === message.id)!;
    expect(listed).toMatchObject({ deleted: true, body: '' });
    expect((await queue()).items.find((i) => i.targetId === message.id)).toMatchObject({
      status: 'resolved',
    });
    const queueLog = await scopeChanges(server, moderator, `moderation:${eventId}`);
    expect(queueLog.findLast((c) => c.entity === 'moderation.itemChanged')).toMatchObject({ op: 'delete' });

    await act(moderator, { targetType: 'message', targetId: message.id, action: 'restore' });
    const back = (await scopeChanges(server, reader!, `channel:${channelId}`)).findLast(
      (c) => c.id === message.id,
    )!;
    expect(back).toMatchObject({ entity: 'messaging.messageEdited' });
    expect((back.data as Message).body).toBe('Hide me please');
    await act(moderator, { targetType: 'message', targetId: message.id, action: 'delete' });
    await act(moderator, { targetType: 'message', targetId: message.id, action: 'restore' }, [409]);
  });

  it('writes an audit entry for every action, readable by organisers and staff, not attendees', async () => {
    const [target, attendee] = await quickUsers(server, 2);
    const before = (await audit()).items.length;
    const until = new Date(Date.now() + 3600_000).toISOString();
    await act(moderator, {
      targetType: 'user',
      targetId: target!.id,
      eventId,
      action: 'mute',
      until,
      reason: 'calm down',
    });
    await act(moderator, { targetType: 'user', targetId: target!.id, eventId, action: 'unmute' });
    await act(moderator, { targetType: 'user', targetId: target!.id, eventId, action: 'ban' });
    await act(moderator, { targetType: 'user', targetId: target!.id, eventId, action: 'unban' });
    const page = await audit();
    expect(page.items.length - before).toBe(4);
    expect(page.items.slice(0, 4).map((e) => e.action)).toEqual(['unban', 'ban', 'unmute', 'mute']);
    expect(page.items[3]).toMatchObject({ reason: 'calm down', until, actor: { id: moderator.id } });
    await audit(moderator);
    await call(server, 'GET', `/api/v1/events/${eventId}/moderation/audit`, attendee!, undefined, [403]);
    const mine = await scopeChanges(server, target!, `user:${target!.id}`);
    const restrictions = mine.filter((c) => c.entity === 'moderation.restrictionChanged');
    expect(restrictions.map((c) => c.op)).toEqual(['upsert', 'delete', 'upsert', 'delete']);
    expect(restrictions[0]!.data).toMatchObject({ eventId, kind: 'mute', reason: 'calm down' });
  });

  it('refuses attendees, staff targets and mutes beyond 30 days', async () => {
    const [attendee, other] = await quickUsers(server, 2);
    await act(attendee!, { targetType: 'user', targetId: other!.id, eventId, action: 'ban' }, [403]);
    await act(moderator, { targetType: 'user', targetId: organiser.id, eventId, action: 'ban' }, [403]);
    const far = new Date(Date.now() + 31 * 24 * 3600_000).toISOString();
    await act(
      moderator,
      { targetType: 'user', targetId: other!.id, eventId, action: 'mute', until: far },
      [400],
    );
  });

  it('applies a bulk action by action: one bad target does not stop the others', async () => {
    const [author] = await quickUsers(server, 1);
    const a = await sendMessage(server, author!, channelId, 'first bulk');
    const b = await sendMessage(server, author!, channelId, 'second bulk');
    const result = await call<BulkModerationResult>(
      server,
      'POST',
      '/api/v1/moderation/actions/bulk',
      moderator,
      {
        actions: [
          { targetType: 'message', targetId: a.id, action: 'hide' },
          { targetType: 'message', targetId: randomUUID(), action: 'hide' },
          { targetType: 'question', targetId: randomUUID(), action: 'approve' },
          { targetType: 'message', targetId: b.id, action: 'delete' },
        ],
      },
    );
    expect(result.results.map((r) => (r.ok ? 'ok' : r.status))).toEqual(['ok', 404, 404, 'ok']);
    const items = (await listMessages(server, organiser, channelId)).items;
    expect(items.find((m) => m.id === a.id)?.deleted).toBe(true);
    expect(items.find((m) => m.id === b.id)?.deleted).toBe(true);
  });
});

describe('hostile input', () => {
  it('refuses a huge reason, NUL, unknown targets and bad ids', async () => {
    const [author, reporter] = await quickUsers(server, 2);
    const message = await sendMessage(server, author!, channelId, 'target');
    const base = { targetType: 'message', targetId: message.id };
    await act(moderator, { ...base, action: 'hide', reason: 'x'.repeat(100_000) }, [400]);
    await act(moderator, { ...base, action: 'hide', reason: 'bad\u0000reason' }, [400]);
    await act(moderator, { ...base, action: 'explode' }, [400]);
    await act(moderator, { ...base, targetId: randomUUID(), action: 'hide' }, [404]);
    await act(moderator, { ...base, targetId: 'not-a-uuid', action: 'hide' }, [400]);
    await act(moderator, { targetType: 'user', targetId: randomUUID(), eventId, action: 'ban' }, [404]);
    await act(moderator, { targetType: 'user', targetId: author!.id, action: 'ban' }, [400]);
    await report(reporter!, { ...base, reason: 'x'.repeat(10_000) }, [400]);
    await report(reporter!, { ...base, reason: 'nul\u0000' }, [400]);
    await report(reporter!, { ...base, targetType: 'post', reason: 'x' }, [404]);
    await call(
      server,
      'GET',
      `/api/v1/events/${eventId}/moderation/queue?limit=1000`,
      moderator,
      undefined,
      [400],
    );
    await call(
      server,
      'GET',
      `/api/v1/events/${eventId}/moderation/audit?cursor=zzz`,
      organiser,
      undefined,
      [400],
    );
    await call(server, 'GET', `/api/v1/events/${randomUUID()}/moderation/audit`, organiser, undefined, [404]);
    const settings = `/api/v1/events/${eventId}/moderation/settings`;
    const filters = { profanity: true, links: true, flood: true };
    await call(
      server,
      'PUT',
      settings,
      organiser,
      { filters, blockedWords: ['x'.repeat(61)], qnaPremoderation: false },
      [400],
    );
    await call(
      server,
      'PUT',
      settings,
      organiser,
      { filters, blockedWords: Array(501).fill('a'), qnaPremoderation: false },
      [400],
    );
    await call(
      server,
      'PUT',
      settings,
      organiser,
      { filters, blockedWords: ['   '], qnaPremoderation: false },
      [400],
    );
  });
});
