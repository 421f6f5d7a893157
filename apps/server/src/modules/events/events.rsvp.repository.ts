import type { RsvpStatus } from '@muster/protocol';
import { and, asc, count, eq, gt, inArray, lt, sql } from 'drizzle-orm';
import { type Queryable, queryRows } from '../../platform/db/client.ts';
import { users } from '../identity/index.ts';
import { uuidArray } from './events.repository.ts';
import { rsvps } from './events.tables.ts';

export type RsvpRow = typeof rsvps.$inferSelect;
export type RsvpEntryRow = RsvpRow & { name: string; waitlistPosition: number | null };

export async function findRsvp(q: Queryable, eventId: string, userId: string): Promise<RsvpRow | undefined> {
  const [row] = await q
    .select()
    .from(rsvps)
    .where(and(eq(rsvps.eventId, eventId), eq(rsvps.userId, userId)));
  return row;
}

/** The stored RSVPs of many users for one event (a batch's starting point). */
export async function findRsvpsOf(
  q: Queryable,
  eventId: string,
  userIds: readonly string[],
): Promise<RsvpRow[]> {
  if (!userIds.length) return [];
  return q
    .select()
    .from(rsvps)
    .where(and(eq(rsvps.eventId, eventId), sql`${rsvps.userId} = any(${uuidArray(userIds)})`));
}

/**
 * Draws `n` fresh queue orders, ascending. Drawn while the event row is locked, so every one is
 * above any queue order already stored for that event.
 */
export async function drawQueueOrders(q: Queryable, n: number): Promise<number[]> {
  const rows = await queryRows<{ v: number | string }>(
    q,
    sql`select nextval('rsvp_queue_order') as v from generate_series(1, ${n})`,
  );
  return rows.map((r) => Number(r.v)).sort((a, b) => a - b);
}

/**
 * Writes many RSVPs of one event in one statement, passed as arrays rather than rows of parameters.
 * `created_at` of an existing row is kept.
 */
export async function upsertRsvps(q: Queryable, eventId: string, rows: readonly RsvpRow[]): Promise<void> {
  if (!rows.length) return;
  const column = <T>(pick: (r: RsvpRow) => T) => sql.param(rows.map(pick));
  await q.execute(sql`
    insert into ${rsvps} (event_id, user_id, status, queue_order, created_at, updated_at)
    select ${eventId}::uuid, u.user_id, u.status, u.queue_order, u.created_at, u.updated_at
    from unnest(
      ${column((r) => r.userId)}::uuid[],
      ${column((r) => r.status)}::text[],
      ${column((r) => r.queueOrder)}::bigint[],
      ${column((r) => r.createdAt.toISOString())}::timestamptz[],
      ${column((r) => r.updatedAt.toISOString())}::timestamptz[]
    ) as u(user_id, status, queue_order, created_at, updated_at)
    on conflict (event_id, user_id) do update
      set status = excluded.status, queue_order = excluded.queue_order, updated_at = excluded.updated_at`);
}

export async function deleteRsvps(q: Queryable, eventId: string, userIds: readonly string[]): Promise<void> {
  if (!userIds.length) return;
  await q
    .delete(rsvps)
    .where(and(eq(rsvps.eventId, eventId), sql`${rsvps.userId} = any(${uuidArray(userIds)})`));
}

/** The first `limit` waitlisted RSVPs in queue order (all of them when `limit` is null). */
export async function waitlistHead(q: Queryable, eventId: string, limit: number | null): Promise<RsvpRow[]> {
  const query = q
    .select()
    .from(rsvps)
    .where(and(eq(rsvps.eventId, eventId), eq(rsvps.status, 'waitlisted')))
    .orderBy(asc(rsvps.queueOrder));
  return limit === null ? query : query.limit(limit);
}

/** 1-based waitlist places of many users in one query (those not waitlisted are absent). */
export async function waitlistPlaces(
  q: Queryable,
  eventId: string,
  userIds: readonly string[],
): Promise<Map<string, number>> {
  if (!userIds.length) return new Map();
  const rows = await queryRows<{ user_id: string; place: number | string }>(
    q,
    sql`select user_id, place from (
      select user_id, row_number() over (order by queue_order) as place
      from ${rsvps} where event_id = ${eventId} and status = 'waitlisted'
    ) w where user_id = any(${uuidArray(userIds)})`,
  );
  return new Map(rows.map((r) => [r.user_id, Number(r.place)]));
}

/** 1-based place in the queue: one more than the waitlisted RSVPs that arrived earlier. */
export async function waitlistPosition(q: Queryable, eventId: string, queueOrder: number): Promise<number> {
  const [row] = await q
    .select({ n: count() })
    .from(rsvps)
    .where(and(eq(rsvps.eventId, eventId), eq(rsvps.status, 'waitlisted'), lt(rsvps.queueOrder, queueOrder)));
  return Number(row?.n ?? 0) + 1;
}

/** Moves the first `n` waitlisted RSVPs, in queue order, to going; keeps their queue order. */
export async function promoteFirstWaitlisted(q: Queryable, eventId: string, n: number): Promise<RsvpRow[]> {
  const first = await q
    .select({ userId: rsvps.userId })
    .from(rsvps)
    .where(and(eq(rsvps.eventId, eventId), eq(rsvps.status, 'waitlisted')))
    .orderBy(asc(rsvps.queueOrder))
    .limit(n);
  if (!first.length) return [];
  const promoted = await q
    .update(rsvps)
    .set({ status: 'going', updatedAt: new Date() })
    .where(
      and(
        eq(rsvps.eventId, eventId),
        inArray(
          rsvps.userId,
          first.map((r) => r.userId),
        ),
      ),
    )
    .returning();
  return promoted.sort((a, b) => a.queueOrder - b.queueOrder);
}

/** Staff view, in arrival order (keyset on `queue_order`), with each waitlisted person's position. */
export async function listRsvps(
  q: Queryable,
  eventId: string,
  filter: { status?: RsvpStatus | undefined; afterQueueOrder: number | null; limit: number },
): Promise<RsvpEntryRow[]> {
  const position = sql<number | null>`case when ${rsvps.status} = 'waitlisted' then (
    select count(*) + 1 from ${rsvps} w
    where w.event_id = ${rsvps.eventId} and w.status = 'waitlisted' and w.queue_order < ${rsvps.queueOrder}
  ) end`;
  return q
    .select({
      eventId: rsvps.eventId,
      userId: rsvps.userId,
      status: rsvps.status,
      queueOrder: rsvps.queueOrder,
      createdAt: rsvps.createdAt,
      updatedAt: rsvps.updatedAt,
      name: users.name,
      waitlistPosition: position.mapWith((v) => (v === null ? null : Number(v))),
    })
    .from(rsvps)
    .innerJoin(users, eq(users.id, rsvps.userId))
    .where(
      and(
        eq(rsvps.eventId, eventId),
        filter.status ? eq(rsvps.status, filter.status) : undefined,
        filter.afterQueueOrder !== null ? gt(rsvps.queueOrder, filter.afterQueueOrder) : undefined,
      ),
    )
    .orderBy(asc(rsvps.queueOrder))
    .limit(filter.limit);
}
