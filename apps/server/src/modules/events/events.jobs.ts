import type { Platform } from '../../platform/context.ts';
import { withTx } from '../../platform/db/unit-of-work.ts';
import type { JobDefinition, JobResult } from '../../platform/jobs/jobs.ts';
import { createNotification } from '../notifications/index.ts';
import { findEvent } from './events.repository.ts';
import { findRsvp } from './events.rsvp.repository.ts';

export const PROMOTION_NOTIFIED = 'events.promotionNotified';

/** One promotion off the waitlist; `queueOrder` tells this promotion apart from a later one. */
export interface PromotionNotified {
  eventId: string;
  userId: string;
  queueOrder: number;
}

/**
 * Tells a promoted person they have a seat. Idempotent on the business key
 * `promotion:<event>:<user>:<queueOrder>`: a retried or duplicated job finds the notification and
 * answers 'skipped'. A promotion the person has since undone (declined, withdrew) is not announced.
 */
export async function notifyPromotion(platform: Platform, job: PromotionNotified): Promise<JobResult> {
  return withTx(platform, async (work) => {
    const event = await findEvent(work.tx, job.eventId);
    const rsvp = await findRsvp(work.tx, job.eventId, job.userId);
    if (!event || rsvp?.status !== 'going' || rsvp.queueOrder !== job.queueOrder) return 'skipped';
    const created = await createNotification(work, {
      userId: job.userId,
      category: 'events',
      kind: 'events.promoted',
      title: `You have a seat at ${event.title}`,
      body: 'A place opened up and you moved from the waitlist to going.',
      data: { eventId: event.id },
      dedupeKey: `promotion:${job.eventId}:${job.userId}:${job.queueOrder}`,
    });
    return created ? 'done' : 'skipped';
  });
}

/** Definitions only; `platform` is used when a job runs, never while defining. */
export function eventJobs(platform: Platform): JobDefinition<PromotionNotified>[] {
  return [{ name: PROMOTION_NOTIFIED, maxReceives: 5, handle: (data) => notifyPromotion(platform, data) }];
}
