import { type CreateOrderBody, entities, type Order, scopes, type Ticket } from '@muster/protocol';
import { and, eq, inArray, sql } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import type { AuthedCtx, Platform } from '../../platform/context.ts';
import type { Queryable } from '../../platform/db/client.ts';
import { type Work, withTx } from '../../platform/db/unit-of-work.ts';
import { AppError, ErrorCode, invalid, notFound } from '../../platform/errors.ts';
import { canEditEvent, canRsvp, type EventAccess, requireEvent } from '../events/index.ts';
import { users } from '../identity/identity.tables.ts';
import { paymentProvider } from './payments/index.ts';
import { issueTickets, presentTickets } from './tickets.issue.ts';
import { orders, tickets, ticketTypes } from './tickets.tables.ts';
import { availableOf, remainingSeats, ticketTypesPublisher, typesByIds } from './tickets.types.ts';

export type OrderRow = typeof orders.$inferSelect;
export const ORDER_LIMIT = { name: 'tickets.order', points: 10, durationSeconds: 60 };
export const EXPIRE_HOLD = 'tickets.expireHold';

/**
 * `POST /events/:id/orders` (PRODUCT F2). Seats are taken under the event row's lock — the one
 * serialisation point shared with RSVPs and hold expiry — so 200 buyers of the last 50 seats get
 * exactly 50, whatever their timing. A free order is paid at once and its tickets issued in the same
 * transaction. A paid one holds its seats until `holdExpiresAt` and goes to the payment provider
 * after the seats are committed (never a network call inside the lock); the hold's expiry is a job.
 */
export async function createOrder(ctx: AuthedCtx, eventId: string, input: CreateOrderBody): Promise<Order> {
  const me = ctx.actor.userId;
  await ctx.platform.limits.consume(ORDER_LIMIT, me);
  const lines = mergeLines(input.items);
  const provider = paymentProvider(ctx.platform).provider;
  const holdMinutes = ctx.platform.config.ticketHoldMinutes;
  const { order, paid } = await withTx(ctx.platform, async (work) => {
    const access = await requireEvent(work.tx, eventId, me, canRsvp, { forUpdate: true });
    const types = await typesByIds(work.tx, eventId, [...lines.keys()]);
    if (types.length !== lines.size)
      throw invalid('items', 'names a ticket type that is not sold at this event');
    const now = new Date();
    for (const type of types) {
      if (type.salesStart && type.salesStart > now)
        throw new AppError(ErrorCode.conflict, `Sales of ${type.name} have not started`);
      if (type.salesEnd && type.salesEnd <= now)
        throw new AppError(ErrorCode.conflict, `Sales of ${type.name} have ended`);
    }
    const currencies = new Set(types.map((t) => t.currency));
    const total = types.reduce((sum, t) => sum + t.priceCents * lines.get(t.id)!, 0);
    if (total > 0 && currencies.size > 1) throw invalid('items', 'one order is paid in one currency');
    if (total > 0 && !provider)
      throw new AppError(
        ErrorCode.unavailable,
        'Paid tickets are not available: no payment provider is configured',
      );
    await checkPerPersonLimits(work.tx, eventId, me, types, lines);
    await takeSeats(work, access, types, lines);
    const paidNow = total === 0;
    const [row] = await work.tx
      .insert(orders)
      .values({
        id: uuidv7(),
        eventId,
        userId: me,
        status: paidNow ? 'paid' : 'pending',
        totalCents: total,
        currency: types[0]!.currency,
        items: types.map((t) => ({
          ticketTypeId: t.id,
          quantity: lines.get(t.id)!,
          unitPriceCents: t.priceCents,
        })),
        holdExpiresAt: paidNow ? null : new Date(now.getTime() + holdMinutes * 60_000),
        provider: paidNow ? null : provider!.name,
      })
      .returning();
    let issued: Ticket[] = [];
    if (paidNow) issued = await issueTickets(work, await ticketsFor(work.tx, row!));
    else await work.enqueue(EXPIRE_HOLD, { orderId: row!.id }, { startAfterSeconds: holdMinutes * 60 + 1 });
    return { order: await appendOrder(work, row!, issued), paid: paidNow };
  });
  ticketTypesPublisher(ctx.platform).touch(eventId);
  if (paid) return order;
  return startCheckout(ctx, order);
}

/** The checkout, after the seats are held; a provider that fails releases them at once. */
async function startCheckout(ctx: AuthedCtx, order: Order): Promise<Order> {
  const provider = paymentProvider(ctx.platform).provider!;
  const types = await ctx.platform.db
    .select({ id: ticketTypes.id, name: ticketTypes.name })
    .from(ticketTypes)
    .where(
      inArray(
        ticketTypes.id,
        order.items.map((i) => i.ticketTypeId),
      ),
    );
  const names = new Map(types.map((t) => [t.id, t.name]));
  const [buyer] = await ctx.platform.db
    .select({ email: users.email })
    .from(users)
    .where(eq(users.id, order.userId));
  const base = ctx.platform.config.publicUrl;
  let session: { sessionId: string; url: string };
  try {
    session = await provider.createCheckout({
      orderId: order.id,
      eventId: order.eventId,
      currency: order.currency!,
      lines: order.items.map((i) => ({
        name: names.get(i.ticketTypeId) ?? 'Ticket',
        unitPriceCents: i.unitPriceCents,
        quantity: i.quantity,
      })),
      expiresAt: new Date(order.holdExpiresAt!),
      successUrl: `${base}/orders/${order.id}?paid=1`,
      cancelUrl: `${base}/events/${order.eventId}/tickets?order=${order.id}`,
      ...(buyer?.email ? { customerEmail: buyer.email } : {}),
    });
  } catch (error) {
    ctx.platform.log.error(
      { err: error, orderId: order.id },
      'checkout could not be created; releasing the hold',
    );
    await releaseOrder(ctx.platform, order.id, 'cancelled');
    throw new AppError(
      ErrorCode.unavailable,
      'The payment service could not be reached; no seats were taken. Try again.',
    );
  }
  return withTx(ctx.platform, async (work) => {
    const [row] = await work.tx
      .update(orders)
      .set({ providerSessionId: session.sessionId, checkoutUrl: session.url, updatedAt: new Date() })
      .where(eq(orders.id, order.id))
      .returning();
    return appendOrder(work, row!, []);
  });
}

function mergeLines(items: CreateOrderBody['items']): Map<string, number> {
  const lines = new Map<string, number>();
  for (const item of items) lines.set(item.ticketTypeId, (lines.get(item.ticketTypeId) ?? 0) + item.quantity);
  return lines;
}

async function checkPerPersonLimits(
  q: Queryable,
  eventId: string,
  userId: string,
  types: { id: string; name: string; perPersonLimit: number | null }[],
  lines: Map<string, number>,
) {
  const limited = types.filter((t) => t.perPersonLimit !== null);
  if (limited.length === 0) return;
  const mine = await q
    .select({ items: orders.items })
    .from(orders)
    .where(
      and(
        eq(orders.eventId, eventId),
        eq(orders.userId, userId),
        inArray(orders.status, ['pending', 'paid']),
      ),
    );
  for (const type of limited) {
    const had = mine
      .flatMap((o) => o.items)
      .filter((i) => i.ticketTypeId === type.id)
      .reduce((s, i) => s + i.quantity, 0);
    if (had + lines.get(type.id)! > type.perPersonLimit!)
      throw new AppError(
        ErrorCode.limit_reached,
        `At most ${type.perPersonLimit} ${type.name} per person${had ? ` (you have ${had})` : ''}`,
      );
  }
}

/** Under the event lock: refuses what is not there, else counts the seats as sold (or held). */
async function takeSeats(
  work: Work,
  access: EventAccess,
  types: (typeof ticketTypes.$inferSelect)[],
  lines: Map<string, number>,
) {
  const remaining = await remainingSeats(work.tx, access.event);
  let eventLeft = remaining.event;
  const quotaLeft = new Map(remaining.quotas);
  for (const type of types) {
    const wanted = lines.get(type.id)!;
    const available = availableOf(type, { quotas: quotaLeft, event: eventLeft });
    if (available < wanted)
      throw new AppError(
        ErrorCode.capacity_reached,
        available === 0 ? `${type.name} is sold out` : `Only ${available} ${type.name} left`,
      );
    if (eventLeft !== null) eventLeft -= wanted;
    if (type.quotaId) quotaLeft.set(type.quotaId, (quotaLeft.get(type.quotaId) ?? 0) - wanted);
    await work.tx
      .update(ticketTypes)
      .set({ sold: sql`${ticketTypes.sold} + ${wanted}` })
      .where(eq(ticketTypes.id, type.id));
  }
}

/** Gives an order's seats back (under the event lock), for an expired, cancelled or refunded hold. */
export async function returnSeats(work: Work, order: OrderRow) {
  for (const item of order.items)
    await work.tx
      .update(ticketTypes)
      .set({ sold: sql`greatest(0, ${ticketTypes.sold} - ${item.quantity})` })
      .where(eq(ticketTypes.id, item.ticketTypeId));
}

/** Re-takes the seats of an order whose hold ended, if they are still there (a late payment). */
export async function retakeSeats(work: Work, access: EventAccess, order: OrderRow): Promise<boolean> {
  const types = await typesByIds(
    work.tx,
    order.eventId,
    order.items.map((i) => i.ticketTypeId),
  );
  const lines = new Map(order.items.map((i) => [i.ticketTypeId, i.quantity]));
  try {
    await takeSeats(work, access, types, lines);
    return true;
  } catch (error) {
    if (error instanceof AppError && error.code === ErrorCode.capacity_reached) return false;
    throw error;
  }
}

export async function ticketsFor(q: Queryable, order: OrderRow) {
  const [buyer] = await q.select({ name: users.name }).from(users).where(eq(users.id, order.userId));
  return {
    eventId: order.eventId,
    orderId: order.id,
    holderId: order.userId,
    holderName: buyer?.name ?? 'Guest',
    lines: order.items.map((i) => ({ ticketTypeId: i.ticketTypeId, quantity: i.quantity })),
  };
}

export async function presentOrder(q: Queryable, row: OrderRow, issued?: Ticket[]): Promise<Order> {
  const orderTickets = issued?.length
    ? issued
    : await presentTickets(q, await q.select().from(tickets).where(eq(tickets.orderId, row.id)));
  return {
    id: row.id,
    eventId: row.eventId,
    userId: row.userId,
    status: row.status as Order['status'],
    totalCents: row.totalCents,
    currency: row.currency,
    items: row.items,
    checkoutUrl: row.status === 'pending' ? row.checkoutUrl : null,
    holdExpiresAt: row.status === 'pending' ? (row.holdExpiresAt?.toISOString() ?? null) : null,
    tickets: orderTickets,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export async function appendOrder(work: Work, row: OrderRow, issued: Ticket[]): Promise<Order> {
  const data = await presentOrder(work.tx, row, issued);
  await work.append({
    scope: scopes.user(row.userId),
    entity: entities.tickets.orderChanged,
    op: 'upsert',
    id: row.id,
    data,
  });
  return data;
}

/**
 * Ends a pending order (`expired` when its hold ran out, `cancelled` by the buyer) and returns its
 * seats, once: the status update is conditional, so a job retried or racing the webhook does
 * nothing the second time. Answers the order as it ended, or null when it was no longer pending.
 */
export async function releaseOrder(
  platform: Platform,
  orderId: string,
  to: 'expired' | 'cancelled',
): Promise<OrderRow | null> {
  const released = await withTx(platform, async (work) => {
    const [current] = await work.tx.select().from(orders).where(eq(orders.id, orderId));
    if (current?.status !== 'pending') return null;
    await requireEventLock(work, current.eventId);
    const [row] = await work.tx
      .update(orders)
      .set({ status: to, updatedAt: new Date() })
      .where(and(eq(orders.id, orderId), eq(orders.status, 'pending')))
      .returning();
    if (!row) return null;
    await returnSeats(work, row);
    await appendOrder(work, row, []);
    return row;
  });
  if (released) {
    ticketTypesPublisher(platform).touch(released.eventId);
    const provider = paymentProvider(platform).provider;
    if (provider && released.providerSessionId)
      await provider
        .expireCheckout(released.providerSessionId)
        .catch((err) =>
          platform.log.warn(
            { err, orderId },
            'the checkout could not be closed; the webhook settles a late payment',
          ),
        );
  }
  return released;
}

/** The event row lock every seat change takes first (orders, expiry, RSVPs). */
export async function requireEventLock(work: Work, eventId: string): Promise<void> {
  await work.tx.execute(sql`select 1 from events where id = ${eventId} for update`);
}

/** The hold's job: expire the order if it is still pending once its hold has passed. */
export async function expireHold(platform: Platform, orderId: string): Promise<'done' | 'skipped'> {
  const [row] = await platform.db.select().from(orders).where(eq(orders.id, orderId));
  if (row?.status !== 'pending' || !row.holdExpiresAt || row.holdExpiresAt > new Date()) return 'skipped';
  return (await releaseOrder(platform, orderId, 'expired')) ? 'done' : 'skipped';
}

/** `GET /orders/:id`: the buyer, or an organiser of the event. */
export async function getOrder(ctx: AuthedCtx, orderId: string): Promise<Order> {
  const db = ctx.platform.db;
  const [row] = await db.select().from(orders).where(eq(orders.id, orderId));
  if (!row) throw notFound('Order');
  if (row.userId !== ctx.actor.userId) {
    try {
      await requireEvent(db, row.eventId, ctx.actor.userId, canEditEvent);
    } catch {
      throw notFound('Order');
    }
  }
  return presentOrder(db, row);
}

/** `POST /orders/:id/cancel`: the buyer gives a pending order's seats back. */
export async function cancelOrder(ctx: AuthedCtx, orderId: string): Promise<Order> {
  const [row] = await ctx.platform.db.select().from(orders).where(eq(orders.id, orderId));
  if (!row || row.userId !== ctx.actor.userId) throw notFound('Order');
  if (row.status !== 'pending')
    throw new AppError(ErrorCode.invalid_transition, `This order is ${row.status}`);
  const released = await releaseOrder(ctx.platform, orderId, 'cancelled');
  const [after] = await ctx.platform.db.select().from(orders).where(eq(orders.id, orderId));
  return presentOrder(ctx.platform.db, released ?? after!);
}

/** `GET /me/tickets?eventId=`. */
export async function myTickets(ctx: AuthedCtx, eventId?: string): Promise<{ items: Ticket[] }> {
  const db = ctx.platform.db;
  const rows = await db
    .select()
    .from(tickets)
    .where(and(eq(tickets.holderId, ctx.actor.userId), eventId ? eq(tickets.eventId, eventId) : undefined))
    .orderBy(tickets.issuedAt)
    .limit(500);
  return { items: await presentTickets(db, rows) };
}
