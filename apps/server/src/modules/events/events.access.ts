import type { EventRole } from '@muster/protocol';
import { and, eq } from 'drizzle-orm';
import type { Queryable } from '../../platform/db/client.ts';
import { AppError, ErrorCode, notFound } from '../../platform/errors.ts';
import { communityRoleOf } from '../communities/communities.access.ts';
import { canViewEvent, type EventAccess } from './events.policy.ts';
import { eventRoles, events } from './events.tables.ts';

export type EventRow = typeof events.$inferSelect;

/**
 * Loads an event with the caller's roles. With `forUpdate` the event row is locked for the rest of
 * the transaction (RSVP capacity and counters rely on it).
 */
export async function loadEventAccess(
  q: Queryable,
  eventId: string,
  userId: string | null | undefined,
  options: { forUpdate?: boolean } = {},
): Promise<EventAccess | null> {
  const query = q.select().from(events).where(eq(events.id, eventId));
  const [event] = options.forUpdate ? await query.for('update') : await query;
  if (!event) return null;
  let eventRole: EventRole | null = null;
  if (userId) {
    const [role] = await q
      .select({ role: eventRoles.role })
      .from(eventRoles)
      .where(and(eq(eventRoles.eventId, eventId), eq(eventRoles.userId, userId)));
    eventRole = (role?.role as EventRole | undefined) ?? null;
  }
  const communityRole = await communityRoleOf(q, event.communityId, userId);
  return { event, userId: userId ?? null, eventRole, communityRole };
}

/**
 * Authorise before revealing: `not_found` both when the event is missing and when the caller may
 * not see it; `forbidden` only when the caller can see the event but `allowed` refuses the action.
 */
export async function requireEvent(
  q: Queryable,
  eventId: string,
  userId: string | null | undefined,
  allowed: (access: EventAccess) => boolean,
  options: { forUpdate?: boolean } = {},
): Promise<EventAccess> {
  const access = await loadEventAccess(q, eventId, userId, options);
  if (!access || !canViewEvent(access)) throw notFound('Event');
  if (!allowed(access))
    throw new AppError(ErrorCode.forbidden, 'Your role in this event does not allow this');
  return access;
}
