import type { CommunityRole, EventRole } from '@muster/protocol';
import { eq, sql } from 'drizzle-orm';
import type { Queryable } from '../../platform/db/client.ts';
import { communityMembers } from '../communities/index.ts';
import type { EventRow } from './events.access.ts';
import type { EventAccess } from './events.policy.ts';
import { uuidArray } from './events.repository.ts';
import { eventRoles, events } from './events.tables.ts';

/** One event and the standing of many callers in it, loaded together. */
export interface EventAccessAmong {
  event: EventRow;
  /** The same `EventAccess` that `loadEventAccess(q, event.id, userId)` would build. */
  accessOf(userId: string): EventAccess;
}

interface Standing {
  userId: string;
  eventRole: EventRole | null;
  communityRole: CommunityRole | null;
}

/**
 * `loadEventAccess` for many users at once, in one statement whatever their number: the event row,
 * and as JSON the event and community roles of those of `userIds` who hold one (the ids go as one
 * array parameter). Batched authorisation (a crowd subscribing to one event) decides with the
 * same policies on the same facts; on the embedded database each statement has a fixed cost of
 * about a millisecond, so one statement instead of three matters. Null when the event does not exist.
 */
export async function loadEventAccessAmong(
  q: Queryable,
  eventId: string,
  userIds: readonly string[],
): Promise<EventAccessAmong | null> {
  // Correlated with the outer `events` row; the columns are qualified by hand because Drizzle
  // leaves them unqualified in a single-table select.
  const standings = sql<Standing[] | string>`(
    select coalesce(json_agg(json_build_object(
      'userId', u.id, 'eventRole', er.role, 'communityRole', cm.role)), '[]'::json)
    from unnest(${uuidArray([...new Set(userIds)])}) as u(id)
    left join ${eventRoles} er on er.event_id = ${events}.id and er.user_id = u.id
    left join ${communityMembers} cm on cm.community_id = ${events}.community_id and cm.user_id = u.id
    where er.role is not null or cm.role is not null)`;
  const [row] = await q.select({ event: events, standings }).from(events).where(eq(events.id, eventId));
  if (!row) return null;
  const { event } = row;
  // Drivers hand `json` back parsed; the type allows text in case one does not.
  const list = typeof row.standings === 'string' ? (JSON.parse(row.standings) as Standing[]) : row.standings;
  const byUser = new Map(list.map((s) => [s.userId, s]));
  return {
    event,
    accessOf(userId) {
      // The database compares UUIDs whatever their case; so does this lookup.
      const standing = byUser.get(userId.toLowerCase());
      return {
        event,
        userId,
        eventRole: standing?.eventRole ?? null,
        communityRole: standing?.communityRole ?? null,
      };
    },
  };
}
