import type { CommunityRole, EventRole, Session } from '@muster/protocol';
import type { TestUser } from '../factories.ts';
import type { TestServer } from '../harness.ts';

/** Agenda test data, built through the public API like any client would. */
export interface TestEvent {
  id: string;
  communityId: string;
  timezone: string;
}

export interface BuildEventOptions {
  status?: 'draft' | 'published' | 'live';
  visibility?: 'public' | 'unlisted' | 'private';
  timezone?: string;
  title?: string;
  /** Reuse a community the organiser administers instead of creating one they own. */
  communityId?: string;
}

async function call<T>(server: TestServer, user: TestUser, method: string, url: string, payload?: object) {
  const res = await server.app.inject({
    method: method as 'POST',
    url,
    headers: user.headers,
    ...(payload ? { payload } : {}),
  });
  if (res.statusCode >= 300) throw new Error(`${method} ${url} failed: ${res.statusCode} ${res.body}`);
  return res.json<T>();
}

/** A community owned by `owner`. */
export async function buildCommunity(
  server: TestServer,
  owner: TestUser,
  name = 'Test community',
): Promise<string> {
  return (await call<{ id: string }>(server, owner, 'POST', '/api/v1/communities', { name })).id;
}

export async function addCommunityMember(
  server: TestServer,
  admin: TestUser,
  communityId: string,
  user: TestUser,
  role: CommunityRole = 'member',
): Promise<void> {
  await call(server, admin, 'POST', `/api/v1/communities/${communityId}/members`, { userId: user.id, role });
}

/** `2031-06-01T<hour>:<minute>Z`: readable fixed times for conflict and ordering tests. */
export const at = (hour: number, minute = 0) => new Date(Date.UTC(2031, 5, 1, hour, minute)).toISOString();

/**
 * A published public event (by default) whose organiser owns its community; the creator of an
 * event is its organiser.
 */
export async function buildEvent(
  server: TestServer,
  organiser: TestUser,
  options: BuildEventOptions = {},
): Promise<TestEvent> {
  const communityId = options.communityId ?? (await buildCommunity(server, organiser));
  const timezone = options.timezone ?? 'Europe/Berlin';
  const event = await call<{ id: string }>(server, organiser, 'POST', '/api/v1/events', {
    communityId,
    title: options.title ?? 'Test event',
    startsAt: at(7),
    endsAt: new Date(Date.parse(at(7)) + 3 * 86_400_000).toISOString(),
    timezone,
    visibility: options.visibility ?? 'public',
  });
  const status = options.status ?? 'published';
  if (status !== 'draft') await call(server, organiser, 'POST', `/api/v1/events/${event.id}/publish`);
  if (status === 'live') await call(server, organiser, 'POST', `/api/v1/events/${event.id}/start`);
  return { id: event.id, communityId, timezone };
}

export async function grantEventRole(
  server: TestServer,
  organiser: TestUser,
  eventId: string,
  user: TestUser,
  role: EventRole,
): Promise<void> {
  await call(server, organiser, 'PUT', `/api/v1/events/${eventId}/roles/${user.id}`, { role });
}

export function sessionBody(overrides: Record<string, unknown> = {}) {
  return { title: 'A session', startsAt: at(9), endsAt: at(10), room: 'Main hall', ...overrides };
}

/** Creates a session through the API and fails loudly if the API refuses. */
export async function buildSession(
  server: TestServer,
  organiser: TestUser,
  eventId: string,
  overrides: Record<string, unknown> = {},
): Promise<Session> {
  return call<Session>(
    server,
    organiser,
    'POST',
    `/api/v1/events/${eventId}/sessions`,
    sessionBody(overrides),
  );
}
