import type { Queryable } from '../../platform/db/client.ts';
import { AppError, ErrorCode, notFound } from '../../platform/errors.ts';
import { canUsePersonalAgenda, canViewEvent, type EventAccess, loadEventAccess } from '../events/index.ts';
import { findSession, type SessionRow } from './agenda.repository.ts';

/**
 * Loads a session and the caller's access to its event. Missing sessions and sessions of events the
 * caller may not see both answer "Session not found" (the message must not say which); `forbidden`
 * only when the caller sees the event but `allowed` refuses. With `forUpdate` the session row is
 * locked (`FOR NO KEY UPDATE`, which bookmark and note foreign keys do not wait for).
 */
export async function requireSession(
  q: Queryable,
  sessionId: string,
  userId: string | null | undefined,
  allowed: (access: EventAccess) => boolean,
  options: { forUpdate?: boolean } = {},
): Promise<{ session: SessionRow; access: EventAccess }> {
  const session = await findSession(q, sessionId, options);
  if (!session) throw notFound('Session');
  const access = await loadEventAccess(q, session.eventId, userId);
  if (!access || !canViewEvent(access)) throw notFound('Session');
  if (!allowed(access))
    throw new AppError(ErrorCode.forbidden, 'Your role in this event does not allow this');
  return { session, access };
}

/**
 * The events among `eventIds` where `userId` may still keep a personal agenda. Someone who lost
 * access to a private event keeps their bookmark rows, but no longer sees those sessions.
 */
export async function personalAgendaEvents(
  q: Queryable,
  userId: string,
  eventIds: Iterable<string>,
): Promise<Map<string, EventAccess>> {
  const visible = new Map<string, EventAccess>();
  for (const eventId of new Set(eventIds)) {
    const access = await loadEventAccess(q, eventId, userId);
    if (access && canUsePersonalAgenda(access)) visible.set(eventId, access);
  }
  return visible;
}
