import { entities, type ReissueTicketBody, scopes, type Ticket } from '@muster/protocol';
import { and, eq } from 'drizzle-orm';
import type { AuthedCtx } from '../../platform/context.ts';
import type { Work } from '../../platform/db/unit-of-work.ts';
import { withTx } from '../../platform/db/unit-of-work.ts';
import { AppError, ErrorCode, notFound } from '../../platform/errors.ts';
import { canEditEvent, requireEvent } from '../events/index.ts';
import { issueTickets, presentTickets, type TicketRow } from './tickets.issue.ts';
import { tickets } from './tickets.tables.ts';

export const VOID_LIMIT = { name: 'tickets.void', points: 120, durationSeconds: 60 };

/**
 * Voids a ticket (PRODUCT F3): its holder's devices learn it on `user:`, and every scanner on
 * `door:<eventId>` adds it to the revocation list it checks offline, so the old code is refused
 * at every door, connected or not. The seat stays sold (a voided ticket is not a refund).
 */
async function voidInTx(work: Work, row: TicketRow): Promise<TicketRow> {
  const [voided] = await work.tx
    .update(tickets)
    .set({ status: 'void', voidedAt: new Date() })
    .where(and(eq(tickets.id, row.id), eq(tickets.status, 'valid')))
    .returning();
  if (!voided) throw new AppError(ErrorCode.invalid_transition, 'This ticket is already void');
  const [data] = await presentTickets(work.tx, [voided]);
  if (voided.holderId)
    await work.append({
      scope: scopes.user(voided.holderId),
      entity: entities.tickets.ticketChanged,
      op: 'upsert',
      id: voided.id,
      data: data!,
    });
  await work.append({
    scope: scopes.door(voided.eventId),
    entity: entities.checkin.ticketRevoked,
    op: 'upsert',
    id: voided.id,
    data: { ticketId: voided.id, eventId: voided.eventId, revokedAt: voided.voidedAt!.toISOString() },
  });
  return voided;
}

async function lockTicket(ctx: AuthedCtx, work: Work, ticketId: string): Promise<TicketRow> {
  const [row] = await work.tx.select().from(tickets).where(eq(tickets.id, ticketId)).for('update');
  if (!row) throw notFound('Ticket');
  await requireEvent(work.tx, row.eventId, ctx.actor.userId, canEditEvent);
  return row;
}

/** `POST /tickets/:id/void` (organisers). */
export async function voidTicket(ctx: AuthedCtx, ticketId: string): Promise<Ticket> {
  await ctx.platform.limits.consume(VOID_LIMIT, ctx.actor.userId);
  return withTx(ctx.platform, async (work) => {
    const voided = await voidInTx(work, await lockTicket(ctx, work, ticketId));
    return (await presentTickets(work.tx, [voided]))[0]!;
  });
}

/** `POST /tickets/:id/reissue` (organisers): the old code is revoked and a new ticket takes its place. */
export async function reissueTicket(
  ctx: AuthedCtx,
  ticketId: string,
  input: ReissueTicketBody,
): Promise<Ticket> {
  await ctx.platform.limits.consume(VOID_LIMIT, ctx.actor.userId);
  return withTx(ctx.platform, async (work) => {
    const old = await voidInTx(work, await lockTicket(ctx, work, ticketId));
    const [issued] = await issueTickets(work, {
      eventId: old.eventId,
      orderId: old.orderId,
      holderId: old.holderId!,
      holderName: input.holderName?.trim() || old.holderName,
      lines: [{ ticketTypeId: old.ticketTypeId, quantity: 1 }],
    });
    await work.tx.update(tickets).set({ replacesId: old.id }).where(eq(tickets.id, issued!.id));
    return issued!;
  });
}
