import type { Platform } from '../../platform/context.ts';
import type { JobDefinition } from '../../platform/jobs/jobs.ts';
import { REFUND_PAYMENT, refundPayment } from './payments/settlement.ts';
import { EXPIRE_HOLD, expireHold } from './tickets.orders.ts';

/** Definitions only; `platform` is used when a job runs. */
export function ticketJobs(platform: Platform): JobDefinition<{ orderId: string; paymentId?: string }>[] {
  return [
    { name: EXPIRE_HOLD, maxReceives: 10, handle: (data) => expireHold(platform, data.orderId) },
    {
      name: REFUND_PAYMENT,
      // The provider may be down for a while; its idempotency key makes every retry safe.
      maxReceives: 20,
      handle: (data) => refundPayment(platform, { orderId: data.orderId, paymentId: data.paymentId! }),
    },
  ];
}
