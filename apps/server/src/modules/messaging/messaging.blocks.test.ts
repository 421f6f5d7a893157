import type { ChannelView, Member } from '@muster/protocol';
import { describe, expect, it } from 'vitest';
import {
  addMember,
  buildCommunity,
  buildEvent,
  call,
  quickUsers,
  rsvp,
} from '../../../test/factories/events.ts';
import { buildChannel, openDm, postMessage, sendMessage } from '../../../test/factories/messaging.ts';
import { injectAs, registerUser, type TestUser } from '../../../test/factories.ts';
import { useTestServer } from '../../../test/harness.ts';

const server = useTestServer();
const inject = injectAs(server);

const block = (as: TestUser, other: TestUser) => inject('PUT', `/api/v1/me/blocks/${other.id}`, as);
const unblock = (as: TestUser, other: TestUser) => inject('DELETE', `/api/v1/me/blocks/${other.id}`, as);
const dm = (as: TestUser, other: TestUser) => inject('POST', '/api/v1/dms', as, { userIds: [other.id] });
const mention = (user: TestUser) => `@[Someone](${user.id})`;
const mentionedIn = (user: TestUser, messageId: string) =>
  server.published.some(
    (c) => c.scope === `user:${user.id}` && c.entity === 'messaging.mentioned' && c.id === messageId,
  );

/** Two members of one community who both attend its event, with a topic channel. */
async function neighbours() {
  const owner = await registerUser(server);
  const community = await buildCommunity(server, owner);
  const [ann, ben] = await quickUsers(server, 2);
  for (const user of [ann!, ben!]) await addMember(server, community.id, owner, user);
  const event = await buildEvent(server, owner, { communityId: community.id });
  for (const user of [ann!, ben!]) await rsvp(server, user, event.id, 'going');
  const topic = await buildChannel(server, owner, event.id);
  return { owner, community, ann: ann!, ben: ben!, topic };
}

describe('blocking a user', () => {
  it('stops DMs both ways: no new DM, no sends into the existing one, until unblocked', async () => {
    const { ann, ben } = await neighbours();
    const channel = await openDm(server, ann, [ben]);
    await sendMessage(server, ben, channel.id, 'hi');
    expect((await block(ann, ben)).statusCode).toBe(204);
    expect((await block(ann, ben)).statusCode).toBe(204);
    for (const [from, to] of [
      [ann, ben],
      [ben, ann],
    ] as const) {
      expect((await dm(from, to)).statusCode).toBe(404);
      expect((await postMessage(server, from, channel.id, 'still there?')).statusCode).toBe(403);
    }
    const view = await call<ChannelView>(server, 'GET', `/api/v1/channels/${channel.id}`, ben);
    expect(view.canPost).toBe(false);
    expect((await unblock(ann, ben)).statusCode).toBe(204);
    expect((await dm(ben, ann)).statusCode).toBe(200);
    await sendMessage(server, ben, channel.id, 'hello again');
  });

  it('keeps mentions between the two from being delivered, either way', async () => {
    const { ann, ben, topic, owner } = await neighbours();
    await block(ben, ann);
    const fromBlocked = await sendMessage(server, ann, topic.id, `look ${mention(ben)} ${mention(owner)}`);
    const fromBlocker = await sendMessage(server, ben, topic.id, `and ${mention(ann)}`);
    const edited = await sendMessage(server, ann, topic.id, 'plain');
    await call(server, 'PATCH', `/api/v1/messages/${edited.id}`, ann, { body: `now ${mention(ben)}` });
    expect(mentionedIn(ben, fromBlocked.id)).toBe(false);
    expect(mentionedIn(ann, fromBlocker.id)).toBe(false);
    expect(mentionedIn(ben, edited.id)).toBe(false);
    expect(mentionedIn(owner, fromBlocked.id)).toBe(true);
  });

  it('hides the two from each other in the member directory, and lists my blocks', async () => {
    const { ann, ben, owner, community } = await neighbours();
    await block(ann, ben);
    const seenBy = async (user: TestUser) =>
      (
        await call<{ items: Member[] }>(server, 'GET', `/api/v1/communities/${community.id}/members`, user)
      ).items.map((m) => m.userId);
    expect(await seenBy(ann)).toEqual([owner.id, ann.id]);
    expect(await seenBy(ben)).toEqual([owner.id, ben.id]);
    expect(await seenBy(owner)).toEqual([owner.id, ann.id, ben.id]);
    const mine = await call<{ items: { userId: string; name: string }[] }>(
      server,
      'GET',
      '/api/v1/me/blocks',
      ann,
    );
    expect(mine.items.map((b) => b.userId)).toEqual([ben.id]);
    expect((await call<{ items: unknown[] }>(server, 'GET', '/api/v1/me/blocks', ben)).items).toEqual([]);
    expect((await inject('PUT', `/api/v1/me/blocks/${ann.id}`, ann)).statusCode).toBe(400);
    expect(
      (await inject('PUT', '/api/v1/me/blocks/01900000-0000-7000-8000-000000000000', ann)).statusCode,
    ).toBe(404);
    expect((await inject('PUT', `/api/v1/me/blocks/${ben.id}`, null)).statusCode).toBe(401);
  });
});
