import type { CommunityRole, EventRole } from '@muster/protocol';
import { and, eq, inArray, ne, or } from 'drizzle-orm';
import type { Queryable } from '../../platform/db/client.ts';
import { communityMembers } from '../communities/index.ts';
import { eventRoles, rsvps } from '../events/index.ts';

/** How people relate to each other and to an event, looked up in batches for messaging's rules. */

// ── Who may open a DM with whom ─────────────────────────────────────────────────────────────────

/**
 * Which of `candidates` share a community with `userId`, or a role or a (not declined) RSVP in one
 * event. Strangers cannot be messaged: that is the spam rule of DMs.
 */
export async function usersSharingContext(
  q: Queryable,
  userId: string,
  candidates: readonly string[],
): Promise<Set<string>> {
  if (!candidates.length) return new Set();
  const ids = [...candidates];
  const myCommunities = q
    .select({ id: communityMembers.communityId })
    .from(communityMembers)
    .where(eq(communityMembers.userId, userId));
  const myRoleEvents = q
    .select({ id: eventRoles.eventId })
    .from(eventRoles)
    .where(eq(eventRoles.userId, userId));
  const myRsvpEvents = q
    .select({ id: rsvps.eventId })
    .from(rsvps)
    .where(and(eq(rsvps.userId, userId), ne(rsvps.status, 'declined')));
  const viaCommunity = await q
    .selectDistinct({ id: communityMembers.userId })
    .from(communityMembers)
    .where(and(inArray(communityMembers.userId, ids), inArray(communityMembers.communityId, myCommunities)));
  const viaRole = await q
    .selectDistinct({ id: eventRoles.userId })
    .from(eventRoles)
    .where(
      and(
        inArray(eventRoles.userId, ids),
        or(inArray(eventRoles.eventId, myRoleEvents), inArray(eventRoles.eventId, myRsvpEvents)),
      ),
    );
  const viaRsvp = await q
    .selectDistinct({ id: rsvps.userId })
    .from(rsvps)
    .where(
      and(
        inArray(rsvps.userId, ids),
        ne(rsvps.status, 'declined'),
        or(inArray(rsvps.eventId, myRoleEvents), inArray(rsvps.eventId, myRsvpEvents)),
      ),
    );
  return new Set([...viaCommunity, ...viaRole, ...viaRsvp].map((r) => r.id));
}

// ── Relations to an event, many users at once ───────────────────────────────────────────────────

export interface EventRelation {
  eventRole: EventRole | null;
  communityRole: CommunityRole | null;
}

/** Event and community roles of `userIds` (users with neither are absent), for batched policy checks. */
export async function eventRelationsOf(
  q: Queryable,
  event: { id: string; communityId: string },
  userIds: readonly string[],
): Promise<Map<string, EventRelation>> {
  const result = new Map<string, EventRelation>();
  if (!userIds.length) return result;
  const ids = [...userIds];
  const roles = await q
    .select({ userId: eventRoles.userId, role: eventRoles.role })
    .from(eventRoles)
    .where(and(eq(eventRoles.eventId, event.id), inArray(eventRoles.userId, ids)));
  const members = await q
    .select({ userId: communityMembers.userId, role: communityMembers.role })
    .from(communityMembers)
    .where(and(eq(communityMembers.communityId, event.communityId), inArray(communityMembers.userId, ids)));
  for (const r of roles) result.set(r.userId, { eventRole: r.role as EventRole, communityRole: null });
  for (const m of members) {
    const relation = result.get(m.userId) ?? { eventRole: null, communityRole: null };
    result.set(m.userId, { ...relation, communityRole: m.role as CommunityRole });
  }
  return result;
}

/** Users holding one of `eventRoleNames` in the event or one of `communityRoleNames` in its community. */
export async function usersWithRoles(
  q: Queryable,
  event: { id: string; communityId: string },
  eventRoleNames: readonly EventRole[],
  communityRoleNames: readonly CommunityRole[],
): Promise<string[]> {
  const byEvent = await q
    .select({ userId: eventRoles.userId })
    .from(eventRoles)
    .where(and(eq(eventRoles.eventId, event.id), inArray(eventRoles.role, [...eventRoleNames])));
  const byCommunity = await q
    .select({ userId: communityMembers.userId })
    .from(communityMembers)
    .where(
      and(
        eq(communityMembers.communityId, event.communityId),
        inArray(communityMembers.role, [...communityRoleNames]),
      ),
    );
  return [...new Set([...byEvent, ...byCommunity].map((r) => r.userId))];
}
