import { buildSession } from '../factories/agenda.ts';
import { addMember, buildCommunity, buildEvent, call, grantRole } from '../factories/events.ts';
import { registerUser, type TestUser } from '../factories.ts';
import type { TestServer } from '../harness.ts';

export const EVENT_ROLES = [
  'organiser',
  'staff',
  'volunteer',
  'speaker',
  'vendor',
  'sponsor',
  'attendee',
] as const;
export const COMMUNITY_ROLES = ['owner', 'admin', 'member'] as const;

/** Every kind of caller the matrix checks, by how they relate to the event under test. */
export type ActorName =
  | 'anonymous'
  | 'outsider'
  | `community:${(typeof COMMUNITY_ROLES)[number]}`
  | `event:${(typeof EVENT_ROLES)[number]}`;

/** One community with one event; `speakerId` (its owner) speaks at its one session. */
export interface WorldSide {
  communityId: string;
  eventId: string;
  sessionId: string;
  invitationId: string;
  speakerId: string;
}

export interface World {
  actors: Record<ActorName, TestUser | null>;
  /** A private, published event in a community; every actor except outsider/anonymous relates to it. */
  own: WorldSide;
  /** The same shape in a community nobody in `actors` belongs to. */
  other: WorldSide;
  /** A user with no relation to anything, used as the target of member/role writes. */
  bystander: TestUser;
}

async function buildEventWorld(server: TestServer, owner: TestUser) {
  const community = await buildCommunity(server, owner, { name: 'Matrix community' });
  const startsAt = new Date(Date.now() + 7 * 86_400_000);
  const event = await buildEvent(server, owner, {
    status: 'draft',
    communityId: community.id,
    title: 'Matrix event',
    startsAt: startsAt.toISOString(),
    endsAt: new Date(startsAt.getTime() + 8 * 3_600_000).toISOString(),
    timezone: 'Europe/Paris',
    visibility: 'private',
    capacity: 1000,
  });
  const session = await buildSession(server, owner, event.id, {
    title: 'Matrix session',
    startsAt: startsAt.toISOString(),
    endsAt: new Date(startsAt.getTime() + 3_600_000).toISOString(),
    room: 'A',
    speakerIds: [owner.id],
  });
  await call(server, 'POST', `/api/v1/events/${event.id}/publish`, owner);
  const invitation = await call<{ id: string }>(
    server,
    'POST',
    `/api/v1/communities/${community.id}/invitations`,
    owner,
    { email: `invited-${community.id}@example.test` },
  );
  return {
    communityId: community.id,
    eventId: event.id,
    sessionId: session.id,
    invitationId: invitation.id,
    speakerId: owner.id,
  };
}

export async function buildWorld(server: TestServer): Promise<World> {
  // The instance's first account is its administrator: taken here so that no actor below is one.
  await registerUser(server, { name: 'Instance admin' });
  const owner = await registerUser(server, { name: 'Owner' });
  const own = await buildEventWorld(server, owner);
  const stranger = await registerUser(server, { name: 'Other owner' });
  const other = await buildEventWorld(server, stranger);
  const actors = { anonymous: null, 'community:owner': owner } as Record<ActorName, TestUser | null>;
  actors.outsider = await registerUser(server, { name: 'Outsider' });
  for (const role of ['admin', 'member'] as const) {
    const user = await registerUser(server, { name: `Community ${role}` });
    await addMember(server, own.communityId, owner, user, role);
    actors[`community:${role}`] = user;
  }
  for (const role of EVENT_ROLES) {
    const user = await registerUser(server, { name: `Event ${role}` });
    await grantRole(server, own.eventId, owner, user, role);
    actors[`event:${role}`] = user;
  }
  // The creator holds the organiser role too; the matrix's `community:owner` is checked through
  // the community role, so the organiser actor is a separate person.
  const bystander = await registerUser(server, { name: 'Bystander' });
  return { actors, own, other, bystander };
}
