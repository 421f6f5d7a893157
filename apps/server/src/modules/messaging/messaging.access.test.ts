import type { ChannelView, EventChannelKind } from '@muster/protocol';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type ActorName,
  buildWorld,
  COMMUNITY_ROLES,
  EVENT_ROLES,
  type World,
} from '../../../test/authz/actors.ts';
import { buildEvent, call, grantRole, quickUsers } from '../../../test/factories/events.ts';
import {
  buildChannel,
  listEventChannels,
  postMessage,
  scopeChanges,
} from '../../../test/factories/messaging.ts';
import { registerUser } from '../../../test/factories.ts';
import { useTestServer } from '../../../test/harness.ts';

/**
 * Who may read and post in each event channel kind, for every relation to a private event. Reading
 * is checked through the messages list, the sync of the channel scope and the event's channel list;
 * posting through a send. Non-readers get 404 (never told the channel exists), readers who may not
 * post get 403.
 */
const eventActors = EVENT_ROLES.map((r) => `event:${r}` as ActorName);
const communityActors = COMMUNITY_ROLES.map((r) => `community:${r}` as ActorName);
const all: ActorName[] = ['outsider', ...communityActors, ...eventActors];
const viewers = new Set<ActorName>([...communityActors, ...eventActors]);
const staff = new Set<ActorName>(['community:owner', 'community:admin', 'event:organiser', 'event:staff']);
const staffChannel = new Set<ActorName>([...staff, 'event:volunteer']);
const vendorsChannel = new Set<ActorName>([...staff, 'event:vendor', 'event:sponsor']);

const matrix: Record<EventChannelKind, { read: Set<ActorName>; post: Set<ActorName> }> = {
  announcements: { read: viewers, post: staff },
  topic: { read: viewers, post: viewers },
  session: { read: viewers, post: viewers },
  staff: { read: staffChannel, post: staffChannel },
  vendors: { read: vendorsChannel, post: vendorsChannel },
};

const server = useTestServer();
let world: World;
beforeAll(async () => {
  world = await buildWorld(server);
}, 120_000);

describe('channel access matrix', () => {
  it('every kind × every relation: read, post, sync, list', async () => {
    const owner = world.actors['community:owner']!;
    const channels = {} as Record<EventChannelKind, ChannelView>;
    for (const kind of Object.keys(matrix) as EventChannelKind[])
      channels[kind] = await buildChannel(server, owner, world.own.eventId, {
        kind,
        ...(kind === 'session' ? { sessionId: world.own.sessionId } : {}),
      });
    const failures: string[] = [];
    for (const actor of all) {
      const user = world.actors[actor]!;
      const listed = viewers.has(actor)
        ? (await listEventChannels(server, user, world.own.eventId)).items.map((c) => c.id)
        : [];
      for (const [kind, rule] of Object.entries(matrix) as [EventChannelKind, (typeof matrix)['topic']][]) {
        const channel = channels[kind];
        const canRead = rule.read.has(actor);
        const canPost = rule.post.has(actor);
        const read = await server.app.inject({
          method: 'GET',
          url: `/api/v1/channels/${channel.id}/messages`,
          headers: user.headers,
        });
        const sent = await postMessage(server, user, channel.id, `hi from ${actor} in ${kind}`);
        const sync = await server.app.inject({
          method: 'GET',
          url: `/api/v1/sync?scopes=channel:${channel.id}@0`,
          headers: user.headers,
        });
        const followed = 'changes' in sync.json().scopes[`channel:${channel.id}`];
        const expected = { read: canRead ? 200 : 404, post: canPost ? 201 : canRead ? 403 : 404 };
        if (read.statusCode !== expected.read) failures.push(`${kind} read as ${actor}: ${read.statusCode}`);
        if (sent.statusCode !== expected.post) failures.push(`${kind} post as ${actor}: ${sent.statusCode}`);
        if (followed !== canRead) failures.push(`${kind} sync as ${actor}: ${followed}`);
        if (listed.includes(channel.id) !== canRead) failures.push(`${kind} listed to ${actor}: ${!canRead}`);
      }
    }
    expect(failures).toEqual([]);
    const anonymous = await server.app.inject({
      method: 'GET',
      url: `/api/v1/channels/${channels.topic.id}/messages`,
    });
    expect(anonymous.statusCode).toBe(401);
  });

  it('lets only event managers open channels; others get 403, strangers to a private event 404', async () => {
    const eventId = world.own.eventId;
    const body = { kind: 'topic', name: 'Hallway' };
    for (const actor of all) {
      const res = await server.app.inject({
        method: 'POST',
        url: `/api/v1/events/${eventId}/channels`,
        headers: world.actors[actor]!.headers,
        payload: body,
      });
      const manager = ['community:owner', 'community:admin', 'event:organiser'].includes(actor);
      expect([actor, res.statusCode]).toEqual([actor, manager ? 201 : viewers.has(actor) ? 403 : 404]);
    }
  });
});

describe('channel creation', () => {
  it('announces open channels on the event scope and staff channels only to their readers', async () => {
    const organiser = await registerUser(server);
    const event = await buildEvent(server, organiser);
    const [staffer, attendee] = await quickUsers(server, 2);
    await grantRole(server, event.id, organiser, staffer!, 'staff');
    await grantRole(server, event.id, organiser, attendee!, 'attendee');
    const topic = await buildChannel(server, organiser, event.id, { kind: 'topic', name: 'General' });
    const backstage = await buildChannel(server, organiser, event.id, { kind: 'staff', name: 'Backstage' });
    expect(topic).toMatchObject({
      kind: 'topic',
      name: 'General',
      eventId: event.id,
      canPost: true,
      unreadCount: 0,
    });

    const eventLog = await scopeChanges(server, attendee!, `event:${event.id}`);
    const created = eventLog.filter((c) => c.entity === 'messaging.channelCreated');
    expect(created.map((c) => c.id)).toEqual([topic.id]);
    expect(JSON.stringify(eventLog)).not.toContain('Backstage');
    for (const [user, sees] of [
      [staffer!, true],
      [organiser, true],
      [attendee!, false],
    ] as const) {
      const mine = await scopeChanges(server, user, `user:${user.id}`);
      expect(mine.some((c) => c.entity === 'messaging.channelCreated' && c.id === backstage.id)).toBe(sees);
    }
  });

  it('ties a session channel to one session of the event', async () => {
    const organiser = await registerUser(server);
    const event = await buildEvent(server, organiser);
    const session = await call<{ id: string }>(
      server,
      'POST',
      `/api/v1/events/${event.id}/sessions`,
      organiser,
      {
        title: 'Keynote',
        startsAt: '2031-06-01T08:00:00.000Z',
        endsAt: '2031-06-01T09:00:00.000Z',
      },
    );
    const url = `/api/v1/events/${event.id}/channels`;
    const post = (payload: object) =>
      server.app.inject({ method: 'POST', url, headers: organiser.headers, payload });
    const missing = await post({ kind: 'session', name: 'Keynote chat' });
    expect([missing.statusCode, missing.json().errors[0].field]).toEqual([400, 'body.sessionId']);
    const stray = await post({ kind: 'topic', name: 'x', sessionId: session.id });
    expect([stray.statusCode, stray.json().errors[0].field]).toEqual([400, 'body.sessionId']);
    const foreign = await post({ kind: 'session', name: 'x', sessionId: world.own.sessionId });
    expect([foreign.statusCode, foreign.json().errors[0].field]).toEqual([400, 'body.sessionId']);
    const ok = await post({ kind: 'session', name: 'Keynote chat', sessionId: session.id });
    expect(ok.statusCode).toBe(201);
    expect(ok.json()).toMatchObject({ kind: 'session', sessionId: session.id });
    expect((await post({ kind: 'session', name: 'again', sessionId: session.id })).statusCode).toBe(409);
  });

  it('makes an archived event read-only', async () => {
    const organiser = await registerUser(server);
    const event = await buildEvent(server, organiser, { status: 'archived' });
    const channel = await buildChannel(server, organiser, event.id);
    const res = await postMessage(server, organiser, channel.id, 'too late');
    expect(res.statusCode).toBe(403);
    await call(server, 'GET', `/api/v1/channels/${channel.id}/messages`, organiser);
  });
});
