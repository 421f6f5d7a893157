import type { EventStatus, Rsvp, RsvpChoice, RsvpEntry, RsvpListQuery } from '@muster/protocol';
import { entities, scopes } from '@muster/protocol';
import { sql } from 'drizzle-orm';
import type { Outcome } from '../../platform/batching/keyed-batcher.ts';
import { perNodeBatcher } from '../../platform/batching/per-node-batcher.ts';
import type { ChangeInput } from '../../platform/changes/change-log.ts';
import type { AuthedCtx, Platform } from '../../platform/context.ts';
import type { Queryable } from '../../platform/db/client.ts';
import { type Work, withTx } from '../../platform/db/unit-of-work.ts';
import { AppError, ErrorCode, notFound } from '../../platform/errors.ts';
import { decodeCursor, pageOf } from '../../platform/paging.ts';
import { communityRolesAmong } from '../communities/index.ts';
import { type EventRow, requireEvent } from './events.access.ts';
import { PROMOTION_NOTIFIED, type PromotionNotified } from './events.jobs.ts';
import { acceptsRsvps } from './events.lifecycle.ts';
import { canSeeRsvps, canViewEvent, type EventAccess } from './events.policy.ts';
import { eventUpdated, presentEvent, presentRsvp, presentRsvpEntry } from './events.presenter.ts';
import { eventRolesOf, lockEvent, setCounts } from './events.repository.ts';
import {
  type BatchStart,
  isWholeWaitlist,
  planRsvpBatch,
  type RsvpIntent,
  waitlistHeadLimit,
} from './events.rsvp.batch.ts';
import * as repo from './events.rsvp.repository.ts';

const anyone = () => true;

/** RSVPs of one event share a transaction, up to 500 of them. */
const batcherOf = perNodeBatcher({ maxBatch: 500, run: runBatch });

/**
 * Sets the caller's RSVP. RSVPs to one event that arrive together on this node are committed
 * together (group commit, see `runBatch`); each caller is answered as if its RSVP had run alone,
 * in arrival order.
 */
export async function putRsvp(ctx: AuthedCtx, eventId: string, choice: RsvpChoice): Promise<Rsvp> {
  const rsvp = await batcherOf(ctx.platform).submit(eventId, { userId: ctx.actor.userId, action: choice });
  if (!rsvp) throw new Error('RSVP batch answered a PUT without an RSVP');
  return rsvp;
}

/** Withdraws the caller's RSVP; a freed seat goes to the first waitlisted person. Idempotent. */
export async function deleteRsvp(ctx: AuthedCtx, eventId: string): Promise<void> {
  await batcherOf(ctx.platform).submit(eventId, { userId: ctx.actor.userId, action: 'withdraw' });
}

/**
 * One batch, one short transaction. The event row is locked once (every RSVP of an event, on any
 * node, is serialised on it: capacity, counters and queue order stay exact), every item is
 * authorised with set-based queries, the batch is planned in memory in arrival order and written in
 * a few statements. A refused item gets its own error and does not affect the others.
 */
async function runBatch(
  platform: Platform,
  eventId: string,
  intents: RsvpIntent[],
): Promise<Outcome<Rsvp | null>[]> {
  return withTx(platform, async (work) => {
    const event = await lockEvent(work.tx, eventId);
    const refusals = event ? await refusalsOf(work.tx, event, intents) : intents.map(() => notFound('Event'));
    const accepted = intents.filter((_, i) => !refusals[i]);
    const answers = event && accepted.length ? await applyBatch(work, event, accepted) : [];
    let next = 0;
    return intents.map((_, i): Outcome<Rsvp | null> => {
      const error = refusals[i];
      return error ? { ok: false, error } : { ok: true, value: answers[next++] ?? null };
    });
  });
}

/**
 * Authorise before revealing, per item: `not_found` for a caller who may not see the event (a
 * draft, a private event of another community), `invalid_transition` once RSVPs are closed.
 */
async function refusalsOf(
  tx: Queryable,
  event: EventRow,
  intents: RsvpIntent[],
): Promise<(AppError | null)[]> {
  const userIds = [...new Set(intents.map((i) => i.userId))];
  const eventRoles = await eventRolesOf(tx, event.id, userIds);
  const communityRoles = await communityRolesAmong(tx, event.communityId, userIds);
  const open = acceptsRsvps(event.status as EventStatus);
  const ticketed = await admitsByTicket(tx, event.id);
  return intents.map(({ userId, action }) => {
    const access: EventAccess = {
      event,
      userId,
      eventRole: eventRoles.get(userId) ?? null,
      communityRole: communityRoles.get(userId) ?? null,
    };
    if (!canViewEvent(access)) return notFound('Event');
    if (!open)
      return new AppError(ErrorCode.invalid_transition, `RSVPs are closed: the event is ${event.status}`);
    if (ticketed && action === 'going')
      return new AppError(ErrorCode.conflict, 'This event admits by ticket: get a ticket to take a seat');
    return null;
  });
}

/**
 * A ticketed event admits by ticket (docs/tickets.md): once it sells ticket types, a seat is taken
 * by buying one, not by an RSVP, so the two never race for the last seats. Read as SQL on the
 * tickets module's table, under the event row lock that ticket types are also created under; the
 * tickets module depends on this one, so importing it here would make a cycle.
 */
async function admitsByTicket(tx: Queryable, eventId: string): Promise<boolean> {
  const result = await tx.execute(
    sql`select exists(select 1 from ticket_types where event_id = ${eventId}) as ticketed`,
  );
  const rows = (Array.isArray(result) ? result : (result as { rows: { ticketed: boolean }[] }).rows) as {
    ticketed: boolean;
  }[];
  return Boolean(rows[0]?.ticketed);
}

async function applyBatch(work: Work, event: EventRow, intents: RsvpIntent[]): Promise<(Rsvp | null)[]> {
  const plan = planRsvpBatch(await loadStart(work.tx, event, intents), intents);
  await repo.deleteRsvps(work.tx, event.id, plan.deletes);
  await repo.upsertRsvps(work.tx, event.id, plan.upserts);
  const changes: ChangeInput[] = plan.records.map((r) => ({
    scope: scopes.user(r.userId),
    entity: entities.events.rsvpChanged,
    op: r.data ? 'upsert' : 'delete',
    id: event.id,
    data: r.data,
    actorId: r.actorId,
  }));
  // Viewers of the event get the counts once per batch (who RSVP'd is never on the shared scope).
  if (plan.countsActorId)
    changes.push(
      eventUpdated(presentEvent(await setCounts(work.tx, event.id, plan.counts)), plan.countsActorId),
    );
  await work.appendMany(changes);
  for (const row of plan.promoted) {
    const job: PromotionNotified = { eventId: event.id, userId: row.userId, queueOrder: row.queueOrder };
    await work.enqueue(PROMOTION_NOTIFIED, job);
  }
  return plan.answers;
}

/** Reads what the planner needs: the batch's own rows and places, the waitlist head, queue orders. */
async function loadStart(tx: Queryable, event: EventRow, intents: RsvpIntent[]): Promise<BatchStart> {
  const userIds = [...new Set(intents.map((i) => i.userId))];
  const rows = await repo.findRsvpsOf(tx, event.id, userIds);
  const waitlisted = rows.filter((r) => r.status === 'waitlisted').map((r) => r.userId);
  const positions = await repo.waitlistPlaces(tx, event.id, waitlisted);
  const head = await loadWaitlistHead(tx, event, intents);
  const puts = intents.filter((i) => i.action !== 'withdraw').length;
  const draws = puts ? await repo.drawQueueOrders(tx, puts) : [];
  const { id: eventId, capacity, goingCount, waitlistCount } = event;
  return { eventId, capacity, goingCount, waitlistCount, rows, positions, ...head, draws, now: new Date() };
}

/** The part of the stored waitlist this batch may promote from (see `waitlistHeadLimit`). */
async function loadWaitlistHead(tx: Queryable, event: EventRow, intents: RsvpIntent[]) {
  const limit = waitlistHeadLimit(event, intents);
  const waitlistHead = limit === 0 ? [] : await repo.waitlistHead(tx, event.id, limit);
  return { waitlistHead, headComplete: isWholeWaitlist(event.waitlistCount, limit, waitlistHead.length) };
}

async function positionOf(q: Queryable, row: repo.RsvpRow): Promise<number | null> {
  return row.status === 'waitlisted' ? repo.waitlistPosition(q, row.eventId, row.queueOrder) : null;
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
      scope: scopes.user(row.userId),
      entity: entities.events.rsvpChanged,
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
