import type { EventStatus, Rsvp, RsvpChoice, RsvpEntry, RsvpListQuery, RsvpStatus } from '@muster/protocol';
import type { AuthedCtx } from '../../platform/context.ts';
import type { Queryable } from '../../platform/db/client.ts';
import { type Work, withTx } from '../../platform/db/unit-of-work.ts';
import { AppError, ErrorCode, notFound } from '../../platform/errors.ts';
import { decodeCursor, pageOf } from '../communities/index.ts';
import { type EventRow, requireEvent } from './events.access.ts';
import { PROMOTION_NOTIFIED, type PromotionNotified } from './events.jobs.ts';
import { acceptsRsvps } from './events.lifecycle.ts';
import { canSeeRsvps } from './events.policy.ts';
import { presentEvent, presentRsvp, presentRsvpEntry } from './events.presenter.ts';
import { setCounts } from './events.repository.ts';
import * as repo from './events.rsvp.repository.ts';

const anyone = () => true;

/**
 * Locks the event row for the rest of the transaction: every RSVP of one event is serialised on it,
 * which is what makes capacity, counters and queue order exact under concurrency.
 */
async function lockOpenEvent(tx: Queryable, eventId: string, userId: string): Promise<EventRow> {
  const { event } = await requireEvent(tx, eventId, userId, anyone, { forUpdate: true });
  if (!acceptsRsvps(event.status as EventStatus))
    throw new AppError(ErrorCode.invalid_transition, `RSVPs are closed: the event is ${event.status}`);
  return event;
}

/** Re-sending what is already in effect changes nothing (a waitlisted "going" keeps its place). */
const alreadyInEffect = (current: RsvpStatus, choice: RsvpChoice) =>
  current === choice || (choice === 'going' && current === 'waitlisted');

function countsAfter(event: EventRow, from: RsvpStatus | null, to: RsvpStatus | null) {
  let goingCount = event.goingCount;
  let waitlistCount = event.waitlistCount;
  if (from === 'going') goingCount -= 1;
  if (from === 'waitlisted') waitlistCount -= 1;
  if (to === 'going') goingCount += 1;
  if (to === 'waitlisted') waitlistCount += 1;
  return { goingCount, waitlistCount };
}

async function positionOf(q: Queryable, row: repo.RsvpRow): Promise<number | null> {
  return row.status === 'waitlisted' ? repo.waitlistPosition(q, row.eventId, row.queueOrder) : null;
}

export async function putRsvp(ctx: AuthedCtx, eventId: string, choice: RsvpChoice): Promise<Rsvp> {
  const userId = ctx.actor.userId;
  return withTx(ctx.platform, async (work) => {
    const event = await lockOpenEvent(work.tx, eventId, userId);
    const current = await repo.findRsvp(work.tx, eventId, userId);
    if (current && alreadyInEffect(current.status as RsvpStatus, choice))
      return presentRsvp(current, await positionOf(work.tx, current));
    const from = (current?.status as RsvpStatus | undefined) ?? null;
    const left = countsAfter(event, from, null);
    // A free seat goes to the queue first: newcomers wait while anyone is waitlisted.
    const hasSeat = event.capacity === null || (left.goingCount < event.capacity && left.waitlistCount === 0);
    const status: RsvpStatus = choice === 'going' ? (hasSeat ? 'going' : 'waitlisted') : choice;
    let row = await repo.saveRsvp(work.tx, { eventId, userId, status });
    await settleCounts(work, event, countsAfter(event, from, status), userId);
    // Settling may have seated this very RSVP (only if the counters had drifted); answer the truth.
    if (status === 'waitlisted') row = (await repo.findRsvp(work.tx, eventId, userId)) ?? row;
    const rsvp = presentRsvp(row, await positionOf(work.tx, row));
    await work.append({
      scope: `user:${userId}`,
      entity: 'events.rsvpChanged',
      op: 'upsert',
      id: eventId,
      data: rsvp,
      actorId: userId,
    });
    return rsvp;
  });
}

/** Withdraws the caller's RSVP; a freed seat goes to the first waitlisted person. Idempotent. */
export async function deleteRsvp(ctx: AuthedCtx, eventId: string): Promise<void> {
  const userId = ctx.actor.userId;
  await withTx(ctx.platform, async (work) => {
    const event = await lockOpenEvent(work.tx, eventId, userId);
    const current = await repo.findRsvp(work.tx, eventId, userId);
    if (!current) return;
    await repo.deleteRsvp(work.tx, eventId, userId);
    await settleCounts(work, event, countsAfter(event, current.status as RsvpStatus, null), userId);
    await work.append({
      scope: `user:${userId}`,
      entity: 'events.rsvpChanged',
      op: 'delete',
      id: eventId,
      data: null,
      actorId: userId,
    });
  });
}

/**
 * Fills free seats from the waitlist, then stores the counters and, when they changed, tells every
 * viewer of the event (counts only — who RSVP'd is never on the shared event scope).
 */
async function settleCounts(
  work: Work,
  event: EventRow,
  counts: { goingCount: number; waitlistCount: number },
  actorId: string,
): Promise<void> {
  const settled = await fillFreeSeats(work, { ...event, ...counts }, actorId);
  if (settled.goingCount === event.goingCount && settled.waitlistCount === event.waitlistCount) return;
  await work.append({
    scope: `event:${event.id}`,
    entity: 'events.eventUpdated',
    op: 'upsert',
    id: event.id,
    data: presentEvent(settled),
    actorId,
  });
}

/**
 * Promotes waitlisted RSVPs in queue order while seats are free and stores the resulting counters.
 * Each promoted person hears of it on their own scope at once and through a notification job
 * enqueued in this transaction. `event` carries the counters as they stand in this transaction;
 * the caller must hold the event row lock.
 */
export async function fillFreeSeats(work: Work, event: EventRow, actorId: string): Promise<EventRow> {
  const free = event.capacity === null ? event.waitlistCount : event.capacity - event.goingCount;
  const promoted =
    free > 0 && event.waitlistCount > 0 ? await repo.promoteFirstWaitlisted(work.tx, event.id, free) : [];
  for (const row of promoted) {
    const data = presentRsvp(row, null);
    await work.append({
      scope: `user:${row.userId}`,
      entity: 'events.rsvpChanged',
      op: 'upsert',
      id: event.id,
      data,
      actorId,
    });
    const job: PromotionNotified = { eventId: event.id, userId: row.userId, queueOrder: row.queueOrder };
    await work.enqueue(PROMOTION_NOTIFIED, job);
  }
  return setCounts(work.tx, event.id, {
    goingCount: event.goingCount + promoted.length,
    waitlistCount: event.waitlistCount - promoted.length,
  });
}

export async function getMyRsvp(ctx: AuthedCtx, eventId: string): Promise<Rsvp> {
  const db = ctx.platform.db;
  await requireEvent(db, eventId, ctx.actor.userId, anyone);
  const row = await repo.findRsvp(db, eventId, ctx.actor.userId);
  if (!row) throw notFound('RSVP');
  return presentRsvp(row, await positionOf(db, row));
}

export async function listRsvps(
  ctx: AuthedCtx,
  eventId: string,
  query: RsvpListQuery,
): Promise<{ items: RsvpEntry[]; nextCursor: string | null }> {
  const db = ctx.platform.db;
  await requireEvent(db, eventId, ctx.actor.userId, canSeeRsvps);
  const limit = query.limit ?? 100;
  const cursor = decodeCursor(query.cursor, ['number'] as const);
  const rows = await repo.listRsvps(db, eventId, {
    status: query.status,
    afterQueueOrder: cursor ? cursor[0] : null,
    limit: limit + 1,
  });
  const page = pageOf(rows, limit, (r) => [r.queueOrder]);
  return { items: page.items.map(presentRsvpEntry), nextCursor: page.nextCursor };
}
