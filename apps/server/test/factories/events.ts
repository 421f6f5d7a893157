import { randomUUID } from 'node:crypto';
import type {
  Community,
  CommunityInvitation,
  CommunityRole,
  CreateEventBody,
  Event,
  EventRole,
  EventStatus,
  EventTransition,
  Rsvp,
  RsvpChoice,
} from '@muster/protocol';
import { uuidv7 } from 'uuidv7';
import { refreshTokens, users } from '../../src/modules/identity/index.ts';
import type { TestUser } from '../factories.ts';
import type { TestServer } from '../harness.ts';

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** `app.inject` as a user (or anonymously), throwing unless the status is the expected one. */
export async function call<T>(
  server: TestServer,
  method: Method,
  url: string,
  as: TestUser | null,
  payload?: object,
  expected: number[] = [200, 201, 204],
): Promise<T> {
  const res = await server.app.inject({
    method,
    url,
    headers: as?.headers ?? {},
    ...(payload ? { payload } : {}),
  });
  if (!expected.includes(res.statusCode)) throw new Error(`${method} ${url} → ${res.statusCode} ${res.body}`);
  return (res.body ? res.json() : undefined) as T;
}

/** A community owned by `owner`, created through the API. */
export async function buildCommunity(
  server: TestServer,
  owner: TestUser,
  overrides: { name?: string; description?: string } = {},
): Promise<Community> {
  return call(server, 'POST', '/api/v1/communities', owner, { name: 'Test community', ...overrides });
}

/**
 * Makes `user` a member with `role` the way people join: `admin` creates a link invitation with
 * that role and `user` accepts it.
 */
export async function addMember(
  server: TestServer,
  communityId: string,
  admin: TestUser,
  user: TestUser,
  role: CommunityRole = 'member',
): Promise<void> {
  const invitation = await call<CommunityInvitation>(
    server,
    'POST',
    `/api/v1/communities/${communityId}/invitations`,
    admin,
    { role },
  );
  const token = new URL(invitation.url!).searchParams.get('token')!;
  await call(server, 'POST', `/api/v1/invitations/${encodeURIComponent(token)}/accept`, user);
}

const path: Record<EventStatus, EventTransition[]> = {
  draft: [],
  published: ['publish'],
  live: ['publish', 'start'],
  ended: ['publish', 'start', 'end'],
  archived: ['publish', 'start', 'end', 'archive'],
};

export type BuildEventOptions = Partial<CreateEventBody> & { status?: EventStatus };

/**
 * An event created by `organiser` through the API (in a new community they own unless
 * `communityId` is given) and walked through the lifecycle to `status` (default 'published').
 */
export async function buildEvent(
  server: TestServer,
  organiser: TestUser,
  options: BuildEventOptions = {},
): Promise<Event> {
  const { status = 'published', ...overrides } = options;
  const communityId = overrides.communityId ?? (await buildCommunity(server, organiser)).id;
  let event = await call<Event>(server, 'POST', '/api/v1/events', organiser, {
    title: 'Test event',
    startsAt: '2031-06-01T07:00:00.000Z',
    endsAt: '2031-06-01T10:00:00.000Z',
    timezone: 'Europe/Berlin',
    visibility: 'public',
    ...overrides,
    communityId,
  });
  for (const step of path[status])
    event = await call<Event>(server, 'POST', `/api/v1/events/${event.id}/${step}`, organiser);
  return event;
}

export async function grantRole(
  server: TestServer,
  eventId: string,
  manager: TestUser,
  user: TestUser,
  role: EventRole,
) {
  await call(server, 'PUT', `/api/v1/events/${eventId}/roles/${user.id}`, manager, { role });
}

export function rsvp(server: TestServer, user: TestUser, eventId: string, status: RsvpChoice): Promise<Rsvp> {
  return call<Rsvp>(server, 'PUT', `/api/v1/events/${eventId}/rsvp`, user, { status });
}

/**
 * Many signed-in users at once, for load-shaped tests. Rows are inserted directly and tokens signed
 * by the server's own key: registering through the API would spend ~0.1 s of argon2 per user.
 * They cannot log in with a password; use `registerUser` when a test needs that.
 */
export async function quickUsers(server: TestServer, n: number, namePrefix = 'User'): Promise<TestUser[]> {
  const rows = Array.from({ length: n }, (_, i) => ({
    id: uuidv7(),
    email: `quick-${randomUUID()}@example.test`,
    passwordHash: 'not-a-password-hash',
    name: `${namePrefix} ${i + 1}`,
  }));
  await server.platform.db.insert(users).values(rows);
  // A live session each: the realtime gateway refuses tokens of sessions that were signed out.
  const sessions = rows.map((row) => ({
    id: uuidv7(),
    familyId: uuidv7(),
    userId: row.id,
    tokenHash: randomUUID(),
    expiresAt: new Date(Date.now() + 24 * 3600 * 1000),
  }));
  await server.platform.db.insert(refreshTokens).values(sessions);
  return Promise.all(
    rows.map(async (row, i) => {
      const accessToken = await server.platform.tokens.signAccess({
        userId: row.id,
        familyId: sessions[i]!.familyId,
      });
      return {
        id: row.id,
        email: row.email,
        password: '',
        accessToken,
        refreshToken: '',
        headers: { authorization: `Bearer ${accessToken}` },
      };
    }),
  );
}
