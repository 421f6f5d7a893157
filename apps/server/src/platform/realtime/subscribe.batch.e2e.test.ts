import type { Change, SubscribeAck } from '@muster/protocol';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMember, buildCommunity, buildEvent, quickUsers } from '../../../test/factories/events.ts';
import { registerUser, type TestUser } from '../../../test/factories.ts';
import { useTestServer } from '../../../test/harness.ts';
import { connectSocket } from '../../../test/realtime-client.ts';
import { readHeads } from '../changes/change-log.ts';

/**
 * Subscriptions of many sockets to one scope are authorised together; each socket must still get
 * its own answer: members of a private event's community join it, outsiders subscribing in the same
 * burst are refused it (and keep their other scopes), and only the joined sockets get its changes.
 */
const server = useTestServer({ listen: true });
let organiser: TestUser;
let members: TestUser[];
let outsiders: TestUser[];
let eventId: string;
const sockets: Socket[] = [];

beforeAll(async () => {
  organiser = await registerUser(server);
  const community = await buildCommunity(server, organiser);
  eventId = (await buildEvent(server, organiser, { communityId: community.id, visibility: 'private' })).id;
  members = await quickUsers(server, 25, 'Member');
  for (const member of members) await addMember(server, community.id, organiser, member);
  outsiders = await quickUsers(server, 25, 'Outsider');
});
afterAll(async () => {
  for (const socket of sockets) socket.close();
});

const connect = (user: TestUser) => connectSocket(server.url, user.accessToken, sockets);

describe('subscribe under a crowd', () => {
  it('answers every socket of a concurrent burst by its own rights, and pushes only to the joined', async () => {
    const scope = `event:${eventId}`;
    const crowd = [...members, ...outsiders];
    const connected = await Promise.all(crowd.map(connect));
    const received = connected.map(() => [] as Change[]);
    connected.forEach((socket, i) => {
      socket.on('change', (c: Change) => received[i]!.push(c));
    });
    // Every socket at once; half of the members write the event id in upper case.
    const acks = (await Promise.all(
      connected.map((socket, i) =>
        socket.emitWithAck('subscribe', {
          scopes: [i % 2 ? `event:${eventId.toUpperCase()}` : scope, `user:${crowd[i]!.id}`],
        }),
      ),
    )) as (SubscribeAck & { ok: boolean })[];
    const { [scope]: head = -1 } = await readHeads(server.platform.db, [scope]);
    acks.forEach((ack, i) => {
      const user = crowd[i]!;
      expect(ack.ok).toBe(true);
      expect(ack.heads[`user:${user.id}`]).toBeTypeOf('number');
      if (i < members.length) {
        expect(ack.heads[scope], `member ${i}`).toBe(head);
        expect(ack.refused).toEqual({});
      } else {
        expect(ack.heads[scope], `outsider ${i}`).toBeUndefined();
        expect(Object.values(ack.refused)).toEqual(['not_found']);
      }
    });

    const res = await server.app.inject({
      method: 'PATCH',
      url: `/api/v1/events/${eventId}`,
      headers: organiser.headers,
      payload: { description: 'for members only' },
    });
    expect(res.statusCode).toBe(200);
    const ofEvent = (i: number) => received[i]!.filter((c) => c.scope === scope);
    await expect
      .poll(() => members.filter((_, i) => ofEvent(i).some((c) => c.seq === head + 1)).length, {
        timeout: 10_000,
      })
      .toBe(members.length);
    // The members' pushes are out: the outsiders', had they joined, went out in the same emit.
    expect(outsiders.map((_, k) => ofEvent(members.length + k).length)).toEqual(outsiders.map(() => 0));
  });
});
