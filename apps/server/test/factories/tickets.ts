import type { Ticket } from '@muster/protocol';
import { uuidv7 } from 'uuidv7';
import { issueTickets, orders, ticketTypes } from '../../src/modules/tickets/index.ts';
import { withTx } from '../../src/platform/db/unit-of-work.ts';
import type { TestUser } from '../factories.ts';
import type { TestServer } from '../harness.ts';

/**
 * Issues `count` free tickets of a new ticket type to `holder`, straight through the tickets
 * module's issuing (a settled order and its signed codes), for tests of what happens after a sale.
 */
export async function issueTestTickets(
  server: TestServer,
  eventId: string,
  holder: TestUser,
  count: number,
  options: { typeName?: string; holderName?: string } = {},
): Promise<Ticket[]> {
  return withTx(server.platform, async (work) => {
    const typeId = uuidv7();
    await work.tx.insert(ticketTypes).values({
      id: typeId,
      eventId,
      name: options.typeName ?? 'General admission',
      priceCents: 0,
      currency: 'EUR',
      quantity: Math.max(count, 1),
      sold: count,
    });
    const orderId = uuidv7();
    await work.tx.insert(orders).values({
      id: orderId,
      eventId,
      userId: holder.id,
      status: 'paid',
      totalCents: 0,
      currency: 'EUR',
      items: [{ ticketTypeId: typeId, quantity: count, unitPriceCents: 0 }],
    });
    return issueTickets(work, {
      eventId,
      orderId,
      holderId: holder.id,
      holderName: options.holderName ?? 'Test Holder',
      lines: [{ ticketTypeId: typeId, quantity: count }],
    });
  });
}
