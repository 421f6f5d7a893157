import type { RsvpStatus } from '@muster/protocol';
import { and, asc, count, eq, gt, inArray, lt, sql } from 'drizzle-orm';
import type { Queryable } from '../../platform/db/client.ts';
import { users } from '../identity/index.ts';
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

/**
 * Writes the caller's new status with a fresh `queue_order`. It is drawn while the event row is
 * locked, so the sequence order is the order in which RSVPs were accepted.
 */
export async function saveRsvp(
  q: Queryable,
  values: { eventId: string; userId: string; status: RsvpStatus },
): Promise<RsvpRow> {
  const now = new Date();
  const queueOrder = sql`nextval('rsvp_queue_order')`;
  const [row] = await q
    .insert(rsvps)
    .values({ ...values, queueOrder, createdAt: now, updatedAt: now })
    .onConflictDoUpdate({
      target: [rsvps.eventId, rsvps.userId],
      set: { status: values.status, queueOrder, updatedAt: now },
    })
    .returning();
  return row!;
}

export async function deleteRsvp(q: Queryable, eventId: string, userId: string): Promise<void> {
  await q.delete(rsvps).where(and(eq(rsvps.eventId, eventId), eq(rsvps.userId, userId)));
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
