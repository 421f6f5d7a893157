import type { Change, CommunityRole, EventRole } from '@muster/protocol';
import { scopes } from '@muster/protocol';
import fc from 'fast-check';
import type { Socket } from 'socket.io-client';
import { expect } from 'vitest';
import { addMember, buildCommunity, buildEvent, call, grantRole, quickUsers } from './factories/events.ts';
import { buildChannel, postMessage } from './factories/messaging.ts';
import { registerUser, type TestUser } from './factories.ts';
import type { TestServer } from './harness.ts';
import { connectSocket } from './realtime-client.ts';

/**
 * The access property of the realtime gateway, for one node or several: random grants and
 * revocations of event roles, community roles and event visibility, with real sockets that stay
 * open throughout (spread over `nodes`; every write goes to `nodes[0]`). After every step, the
 * sockets that receive a message (or an event update) are exactly the users the REST rules let
 * read it. Clients subscribe again after every step, as a client would after `revoked` or a new
 * grant, so the property is "no more and no less than allowed": a subscription that outlived its
 * grant shows up as an extra receiver.
 */
export async function checkAccessProperty(nodes: TestServer[], sockets: Socket[], numRuns: number) {
  const api = nodes[0]!;
  const people: { user: TestUser; socket: Socket; seen: Change[] }[] = [];
  for (let i = 0; i < 3; i++) {
    const user = await registerUser(api, { name: `Person ${i}` });
    const socket = await connectSocket(nodes[i % nodes.length]!.url, user.accessToken, sockets);
    const seen: Change[] = [];
    socket.on('change', (change: Change) => seen.push(change));
    const ack = await socket.timeout(5000).emitWithAck('subscribe', { scopes: [scopes.user(user.id)] });
    expect(ack).toMatchObject({ ok: true, refused: {} });
    people.push({ user, socket, seen });
  }
  let organiser: TestUser;
  let fences = 0;

  async function apply(o: Op, communityId: string, eventId: string) {
    if (o.kind === 'grant') await grantRole(api, eventId, organiser, people[o.who]!.user, o.role);
    else if (o.kind === 'revoke')
      await call(api, 'DELETE', `/api/v1/events/${eventId}/roles/${people[o.who]!.user.id}`, organiser);
    else if (o.kind === 'member') await addMember(api, communityId, organiser, people[o.who]!.user, o.role);
    else await call(api, 'PATCH', `/api/v1/events/${eventId}`, organiser, { visibility: o.value });
  }

  /**
   * A change on each person's own scope, which no access change takes away: once it reached their
   * socket, everything published before it reached that socket's node too (one bus, in order).
   */
  async function fenceAll() {
    const name = `fence ${++fences}`;
    await Promise.all(
      people.map(async ({ user, seen }) => {
        await call(api, 'PATCH', '/api/v1/me', user, { name });
        await expect
          .poll(() => seen.some((c) => (c.data as { name?: string } | null)?.name === name), POLL)
          .toBe(true);
      }),
    );
  }

  const readable = async (user: TestUser, url: string) =>
    (await api.app.inject({ method: 'GET', url, headers: user.headers })).statusCode === 200;

  let run = 0;
  await fc.assert(
    fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 6 }), async (ops) => {
      run++;
      // A new organiser each run: one sender's messages are rate-limited (30 per 10 s).
      [organiser] = (await quickUsers(api, 1, 'Organiser')) as [TestUser];
      const communityId = (await buildCommunity(api, organiser)).id;
      const eventId = (await buildEvent(api, organiser, { communityId, visibility: 'public' })).id;
      const channels: string[] = [];
      for (const kind of ['staff', 'vendors', 'topic'] as const)
        channels.push((await buildChannel(api, organiser, eventId, { kind })).id);
      const followed = [scopes.event(eventId), ...channels.map((id) => scopes.channel(id))];
      for (const [i, o] of ops.entries()) {
        const step = `${run}.${i}`;
        await apply(o, communityId, eventId);
        // Every node has heard the change (fence), then finished re-checking what it touched.
        await fenceAll();
        await Promise.all(nodes.map((node) => node.gateway!.accessSettled()));
        for (const { seen } of people) seen.length = 0;
        await Promise.all(
          people.map(({ socket }) => socket.timeout(5000).emitWithAck('subscribe', { scopes: followed })),
        );
        for (const id of channels)
          expect((await postMessage(api, organiser, id, `message ${step}`)).statusCode).toBe(201);
        await call(api, 'PATCH', `/api/v1/events/${eventId}`, organiser, { description: `update ${step}` });
        await fenceAll();
        for (const { user, seen } of people) {
          const got = new Set(
            seen
              .filter(
                (c) =>
                  (c.data as { body?: string } | null)?.body === `message ${step}` ||
                  (c.data as { description?: string } | null)?.description === `update ${step}`,
              )
              .map((c) => c.scope),
          );
          const allowed = new Set<string>();
          if (await readable(user, `/api/v1/events/${eventId}`)) allowed.add(scopes.event(eventId));
          for (const id of channels)
            if (await readable(user, `/api/v1/channels/${id}`)) allowed.add(scopes.channel(id));
          expect({ step, op: o, user: user.id, got: [...got].sort() }).toEqual({
            step,
            op: o,
            user: user.id,
            got: [...allowed].sort(),
          });
        }
      }
    }),
    { numRuns },
  );
}

const POLL = { timeout: 15_000 };

type Op =
  | { kind: 'grant'; who: number; role: EventRole }
  | { kind: 'revoke'; who: number }
  | { kind: 'member'; who: number; role: Exclude<CommunityRole, 'owner'> }
  | { kind: 'visibility'; value: 'public' | 'private' };

const who = fc.nat(2);
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    kind: fc.constant('grant' as const),
    who,
    role: fc.constantFrom<EventRole>('organiser', 'staff', 'volunteer', 'vendor', 'sponsor', 'attendee'),
  }),
  fc.record({ kind: fc.constant('revoke' as const), who }),
  fc.record({
    kind: fc.constant('member' as const),
    who,
    role: fc.constantFrom('member' as const, 'admin' as const),
  }),
  fc.record({
    kind: fc.constant('visibility' as const),
    value: fc.constantFrom('public' as const, 'private' as const),
  }),
);
