import {
  type CreateTicketQuotaBody,
  type CreateTicketTypeBody,
  entities,
  scopes,
  type TicketQuota,
  type TicketType,
  type UpdateTicketTypeBody,
} from '@muster/protocol';
import { and, eq, inArray, sql } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import type { AuthedCtx, Ctx } from '../../platform/context.ts';
import type { Queryable } from '../../platform/db/client.ts';
import { withTx } from '../../platform/db/unit-of-work.ts';
import { AppError, ErrorCode, invalid, notFound } from '../../platform/errors.ts';
import { throttledPublisher } from '../../platform/live/throttled-publisher.ts';
import { canEditEvent, canViewEvent, type EventRow, loadEventAccess, requireEvent } from '../events/index.ts';
import { ticketQuotas, ticketTypes } from './tickets.tables.ts';

export type TicketTypeRow = typeof ticketTypes.$inferSelect;
export const TYPES_PER_EVENT = 50;
export const TYPE_WRITES_LIMIT = { name: 'tickets.types', points: 60, durationSeconds: 60 };

/** Seats left once every type's issued and held seats are counted: quotas, then the event. */
export interface Remaining {
  /** Quota id → seats left in it. */
  quotas: Map<string, number>;
  /** Null: the event has no capacity. */
  event: number | null;
}

/**
 * What is left of each quota and of the event (PRODUCT F1). A ticketed event admits by ticket:
 * its capacity counts issued and held tickets plus the "going" RSVPs taken before tickets were sold.
 */
export async function remainingSeats(q: Queryable, event: EventRow): Promise<Remaining> {
  const quotas = await q
    .select({
      id: ticketQuotas.id,
      // Table-qualified by hand: inside a select list drizzle writes bare column names, and a bare
      // `id` in this subquery would be the ticket type's own.
      left: sql<number>`ticket_quotas.capacity - coalesce((select sum(tt.sold) from ticket_types tt where tt.quota_id = ticket_quotas.id), 0)`,
    })
    .from(ticketQuotas)
    .where(eq(ticketQuotas.eventId, event.id));
  const [sold] = await q
    .select({ total: sql<number>`coalesce(sum(${ticketTypes.sold}), 0)` })
    .from(ticketTypes)
    .where(eq(ticketTypes.eventId, event.id));
  return {
    quotas: new Map(quotas.map((r) => [r.id, Math.max(0, Number(r.left))])),
    event:
      event.capacity === null
        ? null
        : Math.max(0, event.capacity - event.goingCount - Number(sold?.total ?? 0)),
  };
}

export function availableOf(row: TicketTypeRow, remaining: Remaining): number {
  let left = row.quantity - row.sold;
  if (row.quotaId) left = Math.min(left, remaining.quotas.get(row.quotaId) ?? 0);
  if (remaining.event !== null) left = Math.min(left, remaining.event);
  return Math.max(0, left);
}

export function presentTicketType(row: TicketTypeRow, remaining: Remaining, now = new Date()): TicketType {
  const available = availableOf(row, remaining);
  const status =
    row.salesEnd && row.salesEnd <= now
      ? 'ended'
      : row.salesStart && row.salesStart > now
        ? 'scheduled'
        : available === 0
          ? 'sold_out'
          : 'on_sale';
  return {
    id: row.id,
    eventId: row.eventId,
    name: row.name,
    description: row.description,
    priceCents: row.priceCents,
    currency: row.currency,
    quantity: row.quantity,
    available,
    salesStart: row.salesStart?.toISOString() ?? null,
    salesEnd: row.salesEnd?.toISOString() ?? null,
    perPersonLimit: row.perPersonLimit,
    quotaId: row.quotaId,
    status,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/**
 * Availability moves with every order: the event's ticket types go out at most every 500 ms per
 * event (full state), so a rush of a thousand buyers costs two records a second, not a thousand.
 */
export const ticketTypesPublisher = throttledPublisher({
  name: 'tickets.types',
  intervalMs: 500,
  async publish(work, eventId) {
    const access = await loadEventAccess(work.tx, eventId, null);
    if (!access) return;
    const rows = await work.tx.select().from(ticketTypes).where(eq(ticketTypes.eventId, eventId));
    const remaining = await remainingSeats(work.tx, access.event);
    if (rows.length === 0) return;
    await work.appendMany(
      rows.map((row) => ({
        scope: scopes.event(eventId),
        entity: entities.tickets.ticketTypeChanged,
        op: 'upsert' as const,
        id: row.id,
        data: presentTicketType(row, remaining),
      })),
    );
  },
});

/** `GET /events/:id/ticket-types`: whoever may see the event (anonymous included). */
export async function listTicketTypes(ctx: Ctx, eventId: string): Promise<{ items: TicketType[] }> {
  const db = ctx.platform.db;
  const access = await loadEventAccess(db, eventId, ctx.actor?.userId ?? null);
  if (!access || !canViewEvent(access)) throw notFound('Event');
  const rows = await db
    .select()
    .from(ticketTypes)
    .where(eq(ticketTypes.eventId, eventId))
    .orderBy(ticketTypes.priceCents, ticketTypes.createdAt);
  const remaining = await remainingSeats(db, access.event);
  return { items: rows.map((row) => presentTicketType(row, remaining)) };
}

function checkWindow(start: string | null | undefined, end: string | null | undefined) {
  if (start && end && Date.parse(start) >= Date.parse(end))
    throw invalid('salesEnd', 'must be after salesStart');
}

async function checkQuota(q: Queryable, eventId: string, quotaId: string | null | undefined) {
  if (!quotaId) return;
  const [quota] = await q
    .select({ id: ticketQuotas.id })
    .from(ticketQuotas)
    .where(and(eq(ticketQuotas.id, quotaId), eq(ticketQuotas.eventId, eventId)));
  if (!quota) throw invalid('quotaId', 'is not a quota of this event');
}

/** `POST /events/:id/ticket-types` (organisers). */
export async function createTicketType(
  ctx: AuthedCtx,
  eventId: string,
  input: CreateTicketTypeBody,
): Promise<TicketType> {
  await ctx.platform.limits.consume(TYPE_WRITES_LIMIT, ctx.actor.userId);
  checkWindow(input.salesStart, input.salesEnd);
  const created = await withTx(ctx.platform, async (work) => {
    const access = await requireEvent(work.tx, eventId, ctx.actor.userId, canEditEvent, { forUpdate: true });
    await checkQuota(work.tx, eventId, input.quotaId);
    const [{ count } = { count: 0 }] = await work.tx
      .select({ count: sql<number>`count(*)::int` })
      .from(ticketTypes)
      .where(eq(ticketTypes.eventId, eventId));
    if (Number(count) >= TYPES_PER_EVENT)
      throw new AppError(ErrorCode.limit_reached, `An event has at most ${TYPES_PER_EVENT} ticket types`);
    const [row] = await work.tx
      .insert(ticketTypes)
      .values({
        id: uuidv7(),
        eventId,
        name: input.name.trim(),
        description: input.description?.trim() || null,
        priceCents: input.priceCents,
        currency: input.currency,
        quantity: input.quantity,
        salesStart: input.salesStart ? new Date(input.salesStart) : null,
        salesEnd: input.salesEnd ? new Date(input.salesEnd) : null,
        perPersonLimit: input.perPersonLimit ?? null,
        quotaId: input.quotaId ?? null,
      })
      .returning();
    return presentTicketType(row!, await remainingSeats(work.tx, access.event));
  });
  ticketTypesPublisher(ctx.platform).touch(eventId);
  return created;
}

/** `PATCH /ticket-types/:id`: price and currency are fixed once a seat was sold or held. */
export async function updateTicketType(
  ctx: AuthedCtx,
  typeId: string,
  input: UpdateTicketTypeBody,
): Promise<TicketType> {
  await ctx.platform.limits.consume(TYPE_WRITES_LIMIT, ctx.actor.userId);
  const { eventId, type } = await withTx(ctx.platform, async (work) => {
    const [current] = await work.tx.select().from(ticketTypes).where(eq(ticketTypes.id, typeId));
    if (!current) throw notFound('Ticket type');
    const access = await requireEvent(work.tx, current.eventId, ctx.actor.userId, canEditEvent, {
      forUpdate: true,
    });
    const [locked] = await work.tx.select().from(ticketTypes).where(eq(ticketTypes.id, typeId)).for('update');
    const row = locked!;
    if (
      row.sold > 0 &&
      ((input.priceCents !== undefined && input.priceCents !== row.priceCents) ||
        (input.currency !== undefined && input.currency !== row.currency))
    )
      throw new AppError(
        ErrorCode.conflict,
        'Price and currency cannot change once tickets of this type were sold',
      );
    if (input.quantity !== undefined && input.quantity < row.sold)
      throw invalid('quantity', `must be at least the ${row.sold} seats already sold or held`);
    checkWindow(
      input.salesStart === undefined ? row.salesStart?.toISOString() : input.salesStart,
      input.salesEnd === undefined ? row.salesEnd?.toISOString() : input.salesEnd,
    );
    await checkQuota(work.tx, row.eventId, input.quotaId);
    const [updated] = await work.tx
      .update(ticketTypes)
      .set({
        ...(input.name !== undefined ? { name: input.name.trim() } : {}),
        ...(input.description !== undefined ? { description: input.description?.trim() || null } : {}),
        ...(input.priceCents !== undefined ? { priceCents: input.priceCents } : {}),
        ...(input.currency !== undefined ? { currency: input.currency } : {}),
        ...(input.quantity !== undefined ? { quantity: input.quantity } : {}),
        ...(input.salesStart !== undefined
          ? { salesStart: input.salesStart ? new Date(input.salesStart) : null }
          : {}),
        ...(input.salesEnd !== undefined
          ? { salesEnd: input.salesEnd ? new Date(input.salesEnd) : null }
          : {}),
        ...(input.perPersonLimit !== undefined ? { perPersonLimit: input.perPersonLimit } : {}),
        ...(input.quotaId !== undefined ? { quotaId: input.quotaId } : {}),
        updatedAt: new Date(),
      })
      .where(eq(ticketTypes.id, typeId))
      .returning();
    return {
      eventId: row.eventId,
      type: presentTicketType(updated!, await remainingSeats(work.tx, access.event)),
    };
  });
  ticketTypesPublisher(ctx.platform).touch(eventId);
  return type;
}

/** `POST /events/:id/ticket-quotas` (organisers). */
export async function createQuota(
  ctx: AuthedCtx,
  eventId: string,
  input: CreateTicketQuotaBody,
): Promise<TicketQuota> {
  await ctx.platform.limits.consume(TYPE_WRITES_LIMIT, ctx.actor.userId);
  return withTx(ctx.platform, async (work) => {
    await requireEvent(work.tx, eventId, ctx.actor.userId, canEditEvent);
    const [row] = await work.tx
      .insert(ticketQuotas)
      .values({ id: uuidv7(), eventId, name: input.name.trim(), capacity: input.capacity })
      .returning();
    return { id: row!.id, eventId, name: row!.name, capacity: row!.capacity };
  });
}

export async function listQuotas(ctx: AuthedCtx, eventId: string): Promise<{ items: TicketQuota[] }> {
  await requireEvent(ctx.platform.db, eventId, ctx.actor.userId, canEditEvent);
  const rows = await ctx.platform.db.select().from(ticketQuotas).where(eq(ticketQuotas.eventId, eventId));
  return { items: rows.map((r) => ({ id: r.id, eventId: r.eventId, name: r.name, capacity: r.capacity })) };
}

export async function typesByIds(
  q: Queryable,
  eventId: string,
  ids: readonly string[],
): Promise<TicketTypeRow[]> {
  if (ids.length === 0) return [];
  return q
    .select()
    .from(ticketTypes)
    .where(and(eq(ticketTypes.eventId, eventId), inArray(ticketTypes.id, [...ids])));
}
