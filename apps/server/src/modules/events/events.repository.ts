import type { EventRole, EventStatus } from '@muster/protocol';
import { and, asc, count, eq, gt, gte, ilike, inArray, lt, or, type SQL, sql } from 'drizzle-orm';
import type { Queryable } from '../../platform/db/client.ts';
import { communityMembers } from '../communities/index.ts';
import { users } from '../identity/index.ts';
import type { EventRow } from './events.access.ts';
import { eventRoles, events } from './events.tables.ts';

export type RoleRow = { userId: string; name: string; role: string };

export async function insertEvent(q: Queryable, values: typeof events.$inferInsert): Promise<EventRow> {
  const [row] = await q.insert(events).values(values).returning();
  return row!;
}

export async function findEvent(q: Queryable, id: string): Promise<EventRow | undefined> {
  const [row] = await q.select().from(events).where(eq(events.id, id));
  return row;
}

export async function updateEvent(
  q: Queryable,
  id: string,
  values: Partial<typeof events.$inferInsert>,
): Promise<EventRow> {
  const [row] = await q
    .update(events)
    .set({ ...values, updatedAt: new Date() })
    .where(eq(events.id, id))
    .returning();
  return row!;
}

/** Locks the event row for the rest of the transaction (RSVP capacity, counters, role changes). */
export async function lockEvent(q: Queryable, id: string): Promise<EventRow | undefined> {
  const [row] = await q.select().from(events).where(eq(events.id, id)).for('update');
  return row;
}

/**
 * Many ids as one bound array parameter: a batch of 500 stays one short statement instead of 500
 * parameters for the query builder and the driver to expand.
 */
export const uuidArray = (ids: readonly string[]) => sql`${sql.param([...ids])}::uuid[]`;

/** Event roles of many users at once (batched authorisation); users without one are absent. */
export async function eventRolesOf(
  q: Queryable,
  eventId: string,
  userIds: readonly string[],
): Promise<Map<string, EventRole>> {
  if (!userIds.length) return new Map();
  const rows = await q
    .select({ userId: eventRoles.userId, role: eventRoles.role })
    .from(eventRoles)
    .where(and(eq(eventRoles.eventId, eventId), sql`${eventRoles.userId} = any(${uuidArray(userIds)})`));
  return new Map(rows.map((r) => [r.userId, r.role as EventRole]));
}

/** Counters change on every RSVP; they do not bump `updatedAt`, which tracks what organisers edit. */
export async function setCounts(
  q: Queryable,
  id: string,
  counts: { goingCount: number; waitlistCount: number },
): Promise<EventRow> {
  const [row] = await q.update(events).set(counts).where(eq(events.id, id)).returning();
  return row!;
}

export interface EventFilter {
  viewerId: string | null;
  statuses: EventStatus[];
  q?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
  communityId?: string | undefined;
  after: { startsAt: Date; id: string } | null;
  limit: number;
}

/** `%` and `_` in a search are literal characters, not wildcards. */
export const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * Discovery: public events, plus private events of the viewer's communities or where the viewer
 * holds a role. Unlisted events are never listed (they are found by link). Keyset-paged by
 * (startsAt, id); `from`/`to` select events overlapping the window.
 */
export async function listVisibleEvents(q: Queryable, f: EventFilter): Promise<EventRow[]> {
  const conditions: (SQL | undefined)[] = [inArray(events.status, f.statuses), visibleTo(f.viewerId)];
  if (f.q?.trim()) {
    const pattern = `%${escapeLike(f.q.trim())}%`;
    conditions.push(
      or(ilike(events.title, pattern), ilike(events.description, pattern), ilike(events.venue, pattern)),
    );
  }
  if (f.from) conditions.push(gte(events.endsAt, f.from));
  if (f.to) conditions.push(lt(events.startsAt, f.to));
  if (f.communityId) conditions.push(eq(events.communityId, f.communityId));
  if (f.after)
    conditions.push(
      or(
        gt(events.startsAt, f.after.startsAt),
        and(eq(events.startsAt, f.after.startsAt), gt(events.id, f.after.id)),
      ),
    );
  return q
    .select()
    .from(events)
    .where(and(...conditions))
    .orderBy(asc(events.startsAt), asc(events.id))
    .limit(f.limit);
}

function visibleTo(viewerId: string | null): SQL {
  const isPublic = eq(events.visibility, 'public');
  if (!viewerId) return isPublic;
  const insider = sql`(exists (select 1 from ${communityMembers} cm where cm.community_id = ${events.communityId} and cm.user_id = ${viewerId})
    or exists (select 1 from ${eventRoles} er where er.event_id = ${events.id} and er.user_id = ${viewerId}))`;
  return or(isPublic, and(eq(events.visibility, 'private'), insider))!;
}

export async function findRole(q: Queryable, eventId: string, userId: string): Promise<EventRole | null> {
  const [row] = await q
    .select({ role: eventRoles.role })
    .from(eventRoles)
    .where(and(eq(eventRoles.eventId, eventId), eq(eventRoles.userId, userId)));
  return (row?.role as EventRole | undefined) ?? null;
}

export async function upsertRole(
  q: Queryable,
  eventId: string,
  userId: string,
  role: EventRole,
): Promise<void> {
  await q
    .insert(eventRoles)
    .values({ eventId, userId, role })
    .onConflictDoUpdate({
      target: [eventRoles.eventId, eventRoles.userId],
      set: { role, grantedAt: new Date() },
    });
}

export async function deleteRole(q: Queryable, eventId: string, userId: string): Promise<void> {
  await q.delete(eventRoles).where(and(eq(eventRoles.eventId, eventId), eq(eventRoles.userId, userId)));
}

export async function countRole(q: Queryable, eventId: string, role: EventRole): Promise<number> {
  const [row] = await q
    .select({ n: count() })
    .from(eventRoles)
    .where(and(eq(eventRoles.eventId, eventId), eq(eventRoles.role, role)));
  return Number(row?.n ?? 0);
}

/** Role holders keyset-paged by user id (UUIDv7, so roughly by sign-up time). */
export async function listRoles(
  q: Queryable,
  eventId: string,
  afterUserId: string | null,
  limit: number,
): Promise<RoleRow[]> {
  return q
    .select({ userId: eventRoles.userId, name: users.name, role: eventRoles.role })
    .from(eventRoles)
    .innerJoin(users, eq(users.id, eventRoles.userId))
    .where(and(eq(eventRoles.eventId, eventId), afterUserId ? gt(eventRoles.userId, afterUserId) : undefined))
    .orderBy(asc(eventRoles.userId))
    .limit(limit);
}
