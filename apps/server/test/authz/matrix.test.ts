import { beforeAll, describe, expect, it } from 'vitest';
import { useTestServer } from '../harness.ts';
import { type ActorName, buildWorld, COMMUNITY_ROLES, EVENT_ROLES, type World } from './actors.ts';

/**
 * QUALITY.md's authorisation matrix: every route × every role × own/other event. "allow" means the
 * request got past authorisation (any answer but 401/403/404); "deny" means it did not. An outsider
 * is never told that a private event exists: they get 404, not 403.
 */
type Target = World['own'];
interface Route {
  name: string;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: (t: Target, w: World) => string;
  body?: (t: Target, w: World) => object;
  allowed: ReadonlySet<ActorName>;
  /** Refused as 403 before anything is looked up, for everyone alike, so a 403 reveals nothing. */
  instanceAdminOnly?: boolean;
}

const eventActors = EVENT_ROLES.map((r) => `event:${r}` as ActorName);
const communityActors = COMMUNITY_ROLES.map((r) => `community:${r}` as ActorName);
const viewers = new Set<ActorName>([...eventActors, ...communityActors]);
const managers = new Set<ActorName>(['event:organiser', 'community:owner', 'community:admin']);
const staff = new Set<ActorName>([...managers, 'event:staff']);
const members = new Set<ActorName>(communityActors);
const communityAdmins = new Set<ActorName>(['community:owner', 'community:admin']);
const signedIn = new Set<ActorName>([...viewers, 'outsider']);

const later = (hours: number) => new Date(Date.now() + 7 * 86_400_000 + hours * 3_600_000).toISOString();

const routes: Route[] = [
  { name: 'read event', method: 'GET', url: (t) => `/api/v1/events/${t.eventId}`, allowed: viewers },
  {
    name: 'edit event',
    method: 'PATCH',
    url: (t) => `/api/v1/events/${t.eventId}`,
    body: () => ({ description: 'edited' }),
    allowed: managers,
  },
  {
    // Not an image: an allowed actor gets past authorisation to a 415, a denied one never reaches decoding.
    name: 'set event cover',
    method: 'PUT',
    url: (t) => `/api/v1/events/${t.eventId}/cover`,
    body: () => ({ not: 'an image' }),
    allowed: managers,
  },
  {
    name: 'clear event cover',
    method: 'DELETE',
    url: (t) => `/api/v1/events/${t.eventId}/cover`,
    allowed: managers,
  },
  {
    name: 'transition event',
    method: 'POST',
    url: (t) => `/api/v1/events/${t.eventId}/publish`,
    allowed: managers,
  },
  { name: 'list roles', method: 'GET', url: (t) => `/api/v1/events/${t.eventId}/roles`, allowed: staff },
  {
    name: 'assign role',
    method: 'PUT',
    url: (t, w) => `/api/v1/events/${t.eventId}/roles/${w.bystander.id}`,
    body: () => ({ role: 'attendee' }),
    allowed: managers,
  },
  {
    name: 'rsvp',
    method: 'PUT',
    url: (t) => `/api/v1/events/${t.eventId}/rsvp`,
    body: () => ({ status: 'interested' }),
    allowed: viewers,
  },
  {
    name: 'withdraw rsvp',
    method: 'DELETE',
    url: (t) => `/api/v1/events/${t.eventId}/rsvp`,
    allowed: viewers,
  },
  { name: 'list rsvps', method: 'GET', url: (t) => `/api/v1/events/${t.eventId}/rsvps`, allowed: staff },
  {
    // Those taking part: any event role (or, not exercised here, an RSVP) and the community's admins;
    // a community member without an RSVP (withdrawn just above) is not taking part.
    name: 'attendee directory',
    method: 'GET',
    url: (t) => `/api/v1/events/${t.eventId}/directory`,
    allowed: new Set<ActorName>([...eventActors, ...communityAdmins]),
  },
  // The game (issue 16) is for the same people taking part; its settings are read by anyone who
  // can see the event and changed by its managers.
  {
    name: 'leaderboard',
    method: 'GET',
    url: (t) => `/api/v1/events/${t.eventId}/leaderboard?kind=individual`,
    allowed: new Set<ActorName>([...eventActors, ...communityAdmins]),
  },
  {
    name: 'my points',
    method: 'GET',
    url: (t) => `/api/v1/me/points?eventId=${t.eventId}`,
    allowed: new Set<ActorName>([...eventActors, ...communityAdmins]),
  },
  {
    name: 'teams',
    method: 'GET',
    url: (t) => `/api/v1/events/${t.eventId}/teams`,
    allowed: new Set<ActorName>([...eventActors, ...communityAdmins]),
  },
  {
    name: 'create team',
    method: 'POST',
    url: (t) => `/api/v1/events/${t.eventId}/teams`,
    body: () => ({ name: `Team ${Math.random().toString(36).slice(2, 8)}` }),
    allowed: new Set<ActorName>([...eventActors, ...communityAdmins]),
  },
  {
    name: 'individual board visibility',
    method: 'PUT',
    url: (t) => `/api/v1/events/${t.eventId}/leaderboard/me`,
    body: () => ({ visible: true }),
    allowed: new Set<ActorName>([...eventActors, ...communityAdmins]),
  },
  {
    name: 'hunts',
    method: 'GET',
    url: (t) => `/api/v1/events/${t.eventId}/hunts`,
    allowed: new Set<ActorName>([...eventActors, ...communityAdmins]),
  },
  {
    name: 'create hunt',
    method: 'POST',
    url: (t) => `/api/v1/events/${t.eventId}/hunts`,
    body: () => ({ title: 'Hunt', checkpoints: [{ name: 'Somewhere' }] }),
    allowed: managers,
  },
  {
    name: 'recommendations',
    method: 'GET',
    url: (t) => `/api/v1/events/${t.eventId}/recommendations`,
    allowed: new Set<ActorName>([...eventActors, ...communityAdmins]),
  },
  {
    name: 'game settings',
    method: 'GET',
    url: (t) => `/api/v1/events/${t.eventId}/engagement`,
    allowed: viewers,
  },
  {
    name: 'edit game settings',
    method: 'PATCH',
    url: (t) => `/api/v1/events/${t.eventId}/engagement`,
    body: () => ({ teamSizeCap: 12 }),
    allowed: managers,
  },
  {
    name: 'event calendar',
    method: 'GET',
    url: (t) => `/api/v1/events/${t.eventId}/calendar.ics`,
    allowed: viewers,
  },
  {
    name: 'read agenda',
    method: 'GET',
    url: (t) => `/api/v1/events/${t.eventId}/sessions`,
    allowed: viewers,
  },
  {
    name: 'create session',
    method: 'POST',
    url: (t) => `/api/v1/events/${t.eventId}/sessions`,
    body: () => ({ title: 'New', startsAt: later(2), endsAt: later(3) }),
    allowed: managers,
  },
  { name: 'read session', method: 'GET', url: (t) => `/api/v1/sessions/${t.sessionId}`, allowed: viewers },
  {
    name: 'list speakers',
    method: 'GET',
    url: (t) => `/api/v1/events/${t.eventId}/speakers`,
    allowed: viewers,
  },
  {
    name: 'read speaker',
    method: 'GET',
    url: (t) => `/api/v1/events/${t.eventId}/speakers/${t.speakerId}`,
    allowed: viewers,
  },
  {
    name: 'edit session',
    method: 'PATCH',
    url: (t) => `/api/v1/sessions/${t.sessionId}`,
    body: () => ({ room: 'B' }),
    allowed: managers,
  },
  {
    name: 'session history',
    method: 'GET',
    url: (t) => `/api/v1/sessions/${t.sessionId}/history`,
    allowed: staff,
  },
  {
    name: 'bookmark',
    method: 'PUT',
    url: (t) => `/api/v1/sessions/${t.sessionId}/bookmark`,
    allowed: viewers,
  },
  {
    name: 'unbookmark',
    method: 'DELETE',
    url: (t) => `/api/v1/sessions/${t.sessionId}/bookmark`,
    allowed: viewers,
  },
  { name: 'read note', method: 'GET', url: (t) => `/api/v1/sessions/${t.sessionId}/note`, allowed: viewers },
  {
    name: 'write note',
    method: 'PUT',
    url: (t) => `/api/v1/sessions/${t.sessionId}/note`,
    body: () => ({ body: 'mine' }),
    allowed: viewers,
  },
  {
    name: 'read community',
    method: 'GET',
    url: (t) => `/api/v1/communities/${t.communityId}`,
    allowed: signedIn,
  },
  {
    name: 'list members',
    method: 'GET',
    url: (t) => `/api/v1/communities/${t.communityId}/members`,
    allowed: members,
  },
  {
    name: 'add member',
    method: 'POST',
    url: (t) => `/api/v1/communities/${t.communityId}/members`,
    body: (_t, w) => ({ userId: w.bystander.id, role: 'member' }),
    allowed: communityAdmins,
  },
  {
    name: 'create invitation',
    method: 'POST',
    url: (t) => `/api/v1/communities/${t.communityId}/invitations`,
    body: () => ({ role: 'member' }),
    allowed: communityAdmins,
  },
  {
    name: 'list invitations',
    method: 'GET',
    url: (t) => `/api/v1/communities/${t.communityId}/invitations`,
    allowed: communityAdmins,
  },
  {
    name: 'revoke invitation',
    method: 'DELETE',
    url: (t) => `/api/v1/invitations/${t.invitationId}`,
    allowed: communityAdmins,
  },
  // Accepting (anyone with a link) and leaving change who belongs: their own tests cover them.
  {
    name: 'block a user',
    method: 'PUT',
    url: (_t, w) => `/api/v1/me/blocks/${w.bystander.id}`,
    allowed: signedIn,
  },
  { name: 'list my blocks', method: 'GET', url: () => '/api/v1/me/blocks', allowed: signedIn },
  {
    // Not an image: a signed-in caller gets past authorisation to a 415; there is no route to anyone else's photo.
    name: 'set my photo',
    method: 'PUT',
    url: () => '/api/v1/me/avatar',
    body: () => ({ not: 'an image' }),
    allowed: signedIn,
  },
  { name: 'clear my photo', method: 'DELETE', url: () => '/api/v1/me/avatar', allowed: signedIn },
  {
    name: 'unblock a user',
    method: 'DELETE',
    url: (_t, w) => `/api/v1/me/blocks/${w.bystander.id}`,
    allowed: signedIn,
  },
  {
    name: 'create event',
    method: 'POST',
    url: () => '/api/v1/events',
    body: (t) => ({
      communityId: t.communityId,
      title: 'Another',
      startsAt: later(0),
      endsAt: later(1),
      timezone: 'UTC',
      visibility: 'public',
    }),
    allowed: communityAdmins,
  },
  {
    name: 'resend verification mail',
    method: 'POST',
    url: () => '/api/v1/auth/verify-email/request',
    allowed: signedIn,
  },
  {
    // Instance administration: no event or community role reaches it (the instance admin is not an actor here).
    name: 'verify community',
    method: 'PUT',
    url: (t) => `/api/v1/admin/communities/${t.communityId}/verified`,
    body: () => ({ verified: true }),
    allowed: new Set<ActorName>(),
    instanceAdminOnly: true,
  },
  // Last: cancelling changes the session for everything after it.
  {
    name: 'cancel session',
    method: 'DELETE',
    url: (t) => `/api/v1/sessions/${t.sessionId}`,
    allowed: managers,
  },
];

const allActors: ActorName[] = ['anonymous', 'outsider', ...communityActors, ...eventActors];
const DENIED = [401, 403, 404];

const server = useTestServer();
let world: World;
beforeAll(async () => {
  world = await buildWorld(server);
}, 120_000);

describe('authorisation matrix', () => {
  for (const side of ['own', 'other'] as const) {
    it(`every route × every role on the ${side} event`, async () => {
      const failures: string[] = [];
      for (const route of routes) {
        for (const actor of allActors) {
          const target = world[side];
          const user = world.actors[actor];
          const res = await server.app.inject({
            method: route.method,
            url: route.url(target, world),
            headers: user ? user.headers : {},
            ...(route.body ? { payload: route.body(target, world) } : {}),
          });
          // On the other event nobody here holds a role; only what any signed-in user may do is allowed.
          const expectAllowed =
            side === 'own' ? route.allowed.has(actor) : route.allowed === signedIn && actor !== 'anonymous';
          const denied = DENIED.includes(res.statusCode);
          if (res.statusCode >= 500) failures.push(`${route.name} as ${actor}: ${res.statusCode}`);
          else if (expectAllowed && denied)
            failures.push(`${route.name} as ${actor}: expected allowed, got ${res.statusCode}`);
          else if (!expectAllowed && !denied)
            failures.push(`${route.name} as ${actor}: expected denied, got ${res.statusCode}`);
          else if (
            !expectAllowed &&
            actor === 'outsider' &&
            res.statusCode === 403 &&
            !route.instanceAdminOnly
          )
            failures.push(`${route.name} as outsider: 403 reveals the event exists; expected 404`);
        }
      }
      expect(failures).toEqual([]);
    });
  }

  it('lets only viewers follow the event scope and lists the private event only to them', async () => {
    for (const actor of allActors) {
      const user = world.actors[actor];
      const sync = await server.app.inject({
        method: 'GET',
        url: `/api/v1/sync?scopes=event:${world.own.eventId}@0,event:${world.other.eventId}@0`,
        headers: user ? user.headers : {},
      });
      if (!user) {
        expect(sync.statusCode, actor).toBe(401);
        continue;
      }
      const scopes = sync.json().scopes;
      expect('changes' in scopes[`event:${world.own.eventId}`], actor).toBe(viewers.has(actor));
      expect(scopes[`event:${world.other.eventId}`], actor).toMatchObject({ refused: true });
      const list = (
        await server.app.inject({ method: 'GET', url: '/api/v1/events?limit=200', headers: user.headers })
      ).json();
      const ids = list.items.map((e: { id: string }) => e.id);
      expect(ids.includes(world.own.eventId), actor).toBe(viewers.has(actor));
      expect(ids.includes(world.other.eventId), actor).toBe(false);
    }
  });
});
