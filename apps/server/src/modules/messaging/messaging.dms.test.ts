import type { Channel, ChannelView } from '@muster/protocol';
import { describe, expect, it } from 'vitest';
import {
  addMember,
  buildCommunity,
  buildEvent,
  call,
  grantRole,
  quickUsers,
  rsvp,
} from '../../../test/factories/events.ts';
import { buildChannel, openDm, scopeChanges, sendMessage } from '../../../test/factories/messaging.ts';
import { registerUser, type TestUser } from '../../../test/factories.ts';
import { useTestServer } from '../../../test/harness.ts';

const server = useTestServer();

/** Users who share a community with `owner` (its members), created through the API. */
async function colleagues(n: number): Promise<[TestUser, ...TestUser[]]> {
  const owner = await registerUser(server);
  const community = await buildCommunity(server, owner);
  const others = await quickUsers(server, n);
  for (const user of others) await addMember(server, community.id, owner, user);
  return [owner, ...others];
}

const dm = (user: TestUser, userIds: string[], name?: string) =>
  server.app.inject({
    method: 'POST',
    url: '/api/v1/dms',
    headers: user.headers,
    payload: { userIds, ...(name ? { name } : {}) },
  });

describe('POST /api/v1/dms', () => {
  it('opens one DM per pair, whoever opens it, and announces it to both', async () => {
    const [ann, ben] = await colleagues(1);
    const first = await dm(ann, [ben!.id]);
    expect(first.statusCode).toBe(201);
    const channel = first.json<ChannelView>();
    expect(channel).toMatchObject({ kind: 'dm', eventId: null, name: null, canPost: true, unreadCount: 0 });
    expect([...channel.memberIds].sort()).toEqual([ann.id, ben!.id].sort());
    const again = await dm(ann, [ben!.id]);
    const reverse = await dm(ben!, [ann.id]);
    expect([again.statusCode, reverse.statusCode]).toEqual([200, 200]);
    expect(again.json().id).toBe(channel.id);
    expect(reverse.json().id).toBe(channel.id);
    const concurrent = await Promise.all([dm(ann, [ben!.id]), dm(ben!, [ann.id])]);
    expect(concurrent.map((r) => r.json().id)).toEqual([channel.id, channel.id]);
    for (const user of [ann, ben!]) {
      const created = (await scopeChanges(server, user, `user:${user.id}`)).filter(
        (c) => c.entity === 'messaging.channelCreated',
      );
      expect(created.map((c) => c.id)).toEqual([channel.id]);
      expect((created[0]!.data as Channel).memberIds.sort()).toEqual([ann.id, ben!.id].sort());
    }
  });

  it('opens a new group for two or more others, each time', async () => {
    const [ann, ben, cat] = await colleagues(2);
    const a = await dm(ann, [ben!.id, cat!.id], 'Lunch');
    const b = await dm(ann, [ben!.id, cat!.id]);
    expect([a.statusCode, b.statusCode]).toEqual([201, 201]);
    expect(a.json()).toMatchObject({ kind: 'group', name: 'Lunch' });
    expect(b.json().id).not.toBe(a.json().id);
    expect(a.json().memberIds).toHaveLength(3);
    const withName = await dm(ann, [ben!.id], 'Just us');
    expect([withName.statusCode, withName.json().errors[0].field]).toEqual([400, 'body.name']);
  });

  it('allows only people who share a community, an event role or an RSVP; others are 404 by position', async () => {
    const [ann, colleague] = await colleagues(1);
    const [stranger, rsvper, declined, speaker] = await quickUsers(server, 4);
    const organiser = await registerUser(server);
    const event = await buildEvent(server, organiser);
    await rsvp(server, ann, event.id, 'interested');
    await rsvp(server, rsvper!, event.id, 'going');
    await rsvp(server, declined!, event.id, 'declined');
    await grantRole(server, event.id, organiser, speaker!, 'speaker');

    const refused = await dm(ann, [colleague!.id, stranger!.id]);
    expect(refused.statusCode).toBe(404);
    expect(refused.json().errors).toEqual([{ field: 'body.userIds.1', message: 'not found' }]);
    const ghost = await dm(ann, ['01890000-0000-7000-8000-000000000000']);
    expect([ghost.statusCode, ghost.json().errors[0].field]).toEqual([404, 'body.userIds.0']);
    expect((await dm(ann, [declined!.id])).statusCode).toBe(404);
    expect((await dm(ann, [rsvper!.id])).statusCode).toBe(201);
    expect((await dm(ann, [speaker!.id])).statusCode).toBe(201);
    expect((await dm(speaker!, [organiser.id])).statusCode).toBe(201);
    const self = await dm(ann, [ann.id]);
    expect([self.statusCode, self.json().errors[0].field]).toEqual([400, 'body.userIds.0']);
  });

  it('cannot be opened with a stranger by adding them to one’s own community first (two-request trick)', async () => {
    const attacker = await registerUser(server);
    const [victim] = await quickUsers(server, 1);
    const community = await buildCommunity(server, attacker);
    const added = await server.app.inject({
      method: 'POST',
      url: `/api/v1/communities/${community.id}/members`,
      headers: attacker.headers,
      payload: { userId: victim!.id },
    });
    expect(added.statusCode).toBeGreaterThanOrEqual(400);
    expect((await dm(attacker, [victim!.id])).statusCode).toBe(404);
  });

  it('closes once the shared community is left', async () => {
    const [ann, ben] = await colleagues(1);
    const community = (await call<{ items: { id: string }[] }>(server, 'GET', '/api/v1/me/communities', ben!))
      .items[0]!;
    await call(server, 'DELETE', `/api/v1/communities/${community.id}/members/me`, ben!, undefined, [204]);
    expect((await dm(ann, [ben!.id])).statusCode).toBe(404);
  });

  it('keeps a DM to its members: others get 404 and cannot follow its scope', async () => {
    const [ann, ben, eve] = await colleagues(2);
    const channel = await openDm(server, ann, [ben!]);
    const message = await sendMessage(server, ben!, channel.id, 'psst');
    await call(server, 'GET', `/api/v1/channels/${channel.id}/messages`, eve!, undefined, [404]);
    await call(server, 'GET', `/api/v1/channels/${channel.id}`, eve!, undefined, [404]);
    await call(
      server,
      'POST',
      `/api/v1/channels/${channel.id}/messages`,
      eve!,
      { body: 'hi', clientMsgId: 'x' },
      [404],
    );
    await call(server, 'DELETE', `/api/v1/messages/${message.id}`, eve!, undefined, [404]);
    await call(server, 'DELETE', `/api/v1/messages/${message.id}`, ann, undefined, [403]);
    const sync = await call<{ scopes: Record<string, unknown> }>(
      server,
      'GET',
      `/api/v1/sync?scopes=channel:${channel.id}@0`,
      eve!,
    );
    expect(sync.scopes[`channel:${channel.id}`]).toEqual({ refused: true, code: 'not_found' });
  });
});

describe('the channel scope', () => {
  it('syncs exactly the records of its channel, in seq order', async () => {
    const [ann, ben] = await colleagues(1);
    const ours = await openDm(server, ann, [ben!]);
    const organiser = await registerUser(server);
    const event = await buildEvent(server, organiser);
    const elsewhere = await buildChannel(server, organiser, event.id);
    const sent = [];
    for (let i = 0; i < 4; i++) {
      sent.push(await sendMessage(server, i % 2 ? ann : ben!, ours.id, `ours ${i}`));
      await sendMessage(server, organiser, elsewhere.id, `theirs ${i}`);
    }
    await call(server, 'PATCH', `/api/v1/messages/${sent[0]!.id}`, ben!, { body: 'edited' });
    const log = await scopeChanges(server, ann, `channel:${ours.id}`);
    expect(log.map((c) => c.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(log.every((c) => c.scope === `channel:${ours.id}`)).toBe(true);
    expect(log.map((c) => c.id)).toEqual([...sent.map((m) => m.id), sent[0]!.id]);
    expect(JSON.stringify(log)).not.toContain('theirs');
    expect((await scopeChanges(server, ann, `channel:${ours.id}`, 3)).map((c) => c.seq)).toEqual([4, 5]);
    // What the bus published for the channel is exactly what sync serves.
    const published = server.published.filter((c) => c.scope === `channel:${ours.id}`);
    expect(published).toEqual(log);
  });
});
