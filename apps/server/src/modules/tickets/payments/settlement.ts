import { and, eq } from 'drizzle-orm';
import type { Platform } from '../../../platform/context.ts';
import { withTx } from '../../../platform/db/unit-of-work.ts';
import type { JobResult } from '../../../platform/jobs/jobs.ts';
import { loadEventAccess } from '../../events/index.ts';
import { issueTickets } from '../tickets.issue.ts';
import { appendOrder, requireEventLock, retakeSeats, returnSeats, ticketsFor } from '../tickets.orders.ts';
import { orders, paymentEvents } from '../tickets.tables.ts';
import { ticketTypesPublisher } from '../tickets.types.ts';
import { paymentProvider } from './index.ts';
import type { PaymentEvent } from './payment-provider.ts';

export const REFUND_PAYMENT = 'tickets.refundPayment';
export type Outcome = 'duplicate' | 'issued' | 'refunding' | 'expired' | 'ignored';

/**
 * Applies one provider event, once (PRODUCT F2). The event id is recorded in the same transaction as
 * its effect: a delivery repeated by the provider, or racing another node, finds it and does nothing.
 * - paid while pending: the order is paid and its tickets issued;
 * - paid after its hold ended: the seats are taken again if they are still there (tickets issued), or
 *   the order becomes `refunded` and a job refunds the payment at the provider (outside the lock,
 *   retried until it succeeds; the provider's idempotency key makes a retry harmless);
 * - checkout expired: the pending order expires and its seats return.
 */
export async function applyPaymentEvent(platform: Platform, event: PaymentEvent): Promise<Outcome> {
  const outcome = await withTx(platform, async (work): Promise<Outcome> => {
    const orderId = event.type === 'ignored' ? null : event.orderId;
    const recorded = await work.tx
      .insert(paymentEvents)
      .values({ provider: 'stripe', eventId: event.id, type: event.type, orderId, outcome: 'pending' })
      .onConflictDoNothing()
      .returning();
    if (recorded.length === 0) return 'duplicate';
    const result = await settle(work, event);
    await work.tx
      .update(paymentEvents)
      .set({ outcome: result })
      .where(and(eq(paymentEvents.provider, 'stripe'), eq(paymentEvents.eventId, event.id)));
    return result;
  });
  if (outcome === 'issued' || outcome === 'expired' || outcome === 'refunding') {
    const [row] =
      event.type === 'ignored'
        ? []
        : await platform.db
            .select({ eventId: orders.eventId })
            .from(orders)
            .where(eq(orders.id, event.orderId));
    if (row) ticketTypesPublisher(platform).touch(row.eventId);
  }
  return outcome;
}

async function settle(
  work: Parameters<Parameters<typeof withTx>[1]>[0],
  event: PaymentEvent,
): Promise<Outcome> {
  if (event.type === 'ignored') return 'ignored';
  const [found] = await work.tx.select().from(orders).where(eq(orders.id, event.orderId));
  if (!found) return 'ignored';
  await requireEventLock(work, found.eventId);
  const [order] = await work.tx.select().from(orders).where(eq(orders.id, event.orderId)).for('update');
  if (!order) return 'ignored';
  if (event.type === 'checkout.expired') {
    if (order.status !== 'pending') return 'ignored';
    const [row] = await work.tx
      .update(orders)
      .set({ status: 'expired', updatedAt: new Date() })
      .where(eq(orders.id, order.id))
      .returning();
    await returnSeats(work, row!);
    await appendOrder(work, row!, []);
    return 'expired';
  }
  if (order.status === 'paid' || order.status === 'refunded') return 'ignored';
  let seated = order.status === 'pending';
  if (!seated) {
    const access = await loadEventAccess(work.tx, order.eventId, null);
    seated = access !== null && (await retakeSeats(work, access, order));
  }
  if (!seated) {
    const [row] = await work.tx
      .update(orders)
      .set({ status: 'refunded', providerPaymentId: event.paymentId, updatedAt: new Date() })
      .where(eq(orders.id, order.id))
      .returning();
    await work.enqueue(REFUND_PAYMENT, { orderId: order.id, paymentId: event.paymentId });
    await appendOrder(work, row!, []);
    return 'refunding';
  }
  const [row] = await work.tx
    .update(orders)
    .set({ status: 'paid', providerPaymentId: event.paymentId, holdExpiresAt: null, updatedAt: new Date() })
    .where(eq(orders.id, order.id))
    .returning();
  const issued = await issueTickets(work, await ticketsFor(work.tx, row!));
  await appendOrder(work, row!, issued);
  return 'issued';
}

/** The refund job: the provider's idempotency key (the order id) makes a retried refund a no-op. */
export async function refundPayment(
  platform: Platform,
  job: { orderId: string; paymentId: string },
): Promise<JobResult> {
  const provider = paymentProvider(platform).provider;
  if (!provider) throw new Error('A refund is due but no payment provider is configured');
  const { refundId } = await provider.refund(job.paymentId, job.orderId);
  platform.log.info({ orderId: job.orderId, refundId }, 'late payment refunded: its seats were gone');
  return 'done';
}
