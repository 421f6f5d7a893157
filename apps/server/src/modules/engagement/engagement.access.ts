import { and, eq } from 'drizzle-orm';
import type { Queryable } from '../../platform/db/client.ts';
import { type EventAccess, requireEvent, requireParticipant } from '../events/index.ts';
import { tickets } from '../tickets/index.ts';

/**
 * Someone taking part in the event (see `requireParticipant`) or holding a valid ticket to it: the
 * people who play, read its boards and join its teams. Outsiders who can see the event get
 * `forbidden`, who cannot see it `not_found`. `forUpdate` locks the event row (team creation
 * counts the event's teams under it).
 */
export async function requirePlayer(
  db: Queryable,
  eventId: string,
  userId: string,
  options: { forUpdate?: boolean } = {},
): Promise<EventAccess> {
  if (options.forUpdate) await requireEvent(db, eventId, userId, () => true, { forUpdate: true });
  return requireParticipant(db, eventId, userId, async () => {
    const [ticket] = await db
      .select({ id: tickets.id })
      .from(tickets)
      .where(and(eq(tickets.eventId, eventId), eq(tickets.holderId, userId), eq(tickets.status, 'valid')))
      .limit(1);
    return Boolean(ticket);
  });
}
