import { entities, scopes, type Ticket } from '@muster/protocol';
import { eq, inArray } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import type { Queryable } from '../../platform/db/client.ts';
import type { Work } from '../../platform/db/unit-of-work.ts';
import { raiseNotifications } from '../notifications/index.ts';
import { eventSigningKey, signTicketCode } from './tickets.signing.ts';
import { tickets, ticketTypes } from './tickets.tables.ts';

export type TicketRow = typeof tickets.$inferSelect;

export interface TicketsToIssue {
  eventId: string;
  orderId: string;
  holderId: string;
  holderName: string;
  /** Ticket type id → how many. */
  lines: readonly { ticketTypeId: string; quantity: number }[];
}

/**
 * Issues the tickets of a settled order inside the caller's transaction: one row and one signed code
 * each, and a `tickets.ticketChanged` record on the holder's scope so every device of theirs holds
 * the ticket (and its QR) before the door, also offline. Seats were counted when the order was made.
 */
export async function issueTickets(work: Work, order: TicketsToIssue): Promise<Ticket[]> {
  const key = await eventSigningKey(work.tx, order.eventId);
  const rows = order.lines.flatMap((line) =>
    Array.from({ length: line.quantity }, () => {
      const id = uuidv7();
      return {
        id,
        eventId: order.eventId,
        ticketTypeId: line.ticketTypeId,
        orderId: order.orderId,
        holderId: order.holderId,
        holderName: order.holderName,
        keyId: key.keyId,
        code: signTicketCode(key, { eventId: order.eventId, ticketId: id }),
      };
    }),
  );
  if (rows.length === 0) return [];
  const inserted = await work.tx.insert(tickets).values(rows).returning();
  const presented = await presentTickets(work.tx, inserted);
  await work.appendMany(
    presented.map((ticket) => ({
      scope: scopes.user(order.holderId),
      entity: entities.tickets.ticketChanged,
      op: 'upsert' as const,
      id: ticket.id,
      data: ticket,
    })),
  );
  await raiseNotifications(work, [
    {
      key: `tickets.issued:${order.orderId}`,
      category: 'agenda',
      priority: 'normal',
      kind: 'tickets.issued',
      audience: { users: [order.holderId] },
      groupKey: scopes.event(order.eventId),
      title: presented.length === 1 ? 'Your ticket is ready' : `Your ${presented.length} tickets are ready`,
      body: 'Open it at the door; it works offline.',
      url: '/tickets',
      muteScopes: [scopes.event(order.eventId)],
      data: { eventId: order.eventId, orderId: order.orderId },
    },
  ]);
  return presented;
}

/** Tickets as their holder sees them (with the type's name). */
export async function presentTickets(q: Queryable, rows: readonly TicketRow[]): Promise<Ticket[]> {
  if (rows.length === 0) return [];
  const typeIds = [...new Set(rows.map((r) => r.ticketTypeId))];
  const names = new Map(
    (
      await q
        .select({ id: ticketTypes.id, name: ticketTypes.name })
        .from(ticketTypes)
        .where(inArray(ticketTypes.id, typeIds))
    ).map((t) => [t.id, t.name]),
  );
  return rows.map((row) => ({
    id: row.id,
    eventId: row.eventId,
    ticketTypeId: row.ticketTypeId,
    ticketTypeName: names.get(row.ticketTypeId) ?? '',
    orderId: row.orderId,
    holderName: row.holderName,
    status: row.status === 'void' ? 'void' : 'valid',
    qr: row.code,
    issuedAt: row.issuedAt.toISOString(),
  }));
}

export async function findTicket(q: Queryable, ticketId: string): Promise<TicketRow | undefined> {
  const [row] = await q.select().from(tickets).where(eq(tickets.id, ticketId));
  return row;
}
