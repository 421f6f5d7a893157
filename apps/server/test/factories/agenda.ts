import type { Session } from '@muster/protocol';
import type { TestUser } from '../factories.ts';
import type { TestServer } from '../harness.ts';
import { call } from './events.ts';

/** Agenda test data, built through the public API like any client would (events: `./events.ts`). */

/** `2031-06-01T<hour>:<minute>Z`: readable fixed times for conflict and ordering tests. */
export const at = (hour: number, minute = 0) => new Date(Date.UTC(2031, 5, 1, hour, minute)).toISOString();

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
    'POST',
    `/api/v1/events/${eventId}/sessions`,
    organiser,
    sessionBody(overrides),
  );
}
