import { scopes } from '@muster/protocol';
import type { Platform } from '../../platform/context.ts';
import { withTx } from '../../platform/db/unit-of-work.ts';
import type { JobDefinition, JobResult } from '../../platform/jobs/jobs.ts';
import { claimOnce } from '../../platform/jobs/once.ts';
import { raiseNotifications } from '../notifications/index.ts';
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
 * Tells a promoted person they have a seat (a critical notification: pushed at once, also in quiet
 * hours). Idempotent on the business key `promotion:<event>:<user>:<queueOrder>`: a retried or
 * duplicated job finds its claim and answers 'skipped'. A promotion the person has since undone (declined, withdrew) is not announced.
 */
export async function notifyPromotion(platform: Platform, job: PromotionNotified): Promise<JobResult> {
  return withTx(platform, async (work) => {
    const event = await findEvent(work.tx, job.eventId);
    const rsvp = await findRsvp(work.tx, job.eventId, job.userId);
    if (!event || rsvp?.status !== 'going' || rsvp.queueOrder !== job.queueOrder) return 'skipped';
    const key = `promotion:${job.eventId}:${job.userId}:${job.queueOrder}`;
    if (!(await claimOnce(work.tx, key))) return 'skipped';
    await raiseNotifications(work, [
      {
        key,
        category: 'agenda',
        priority: 'critical',
        kind: 'events.promoted',
        audience: { users: [job.userId] },
        groupKey: scopes.event(event.id),
        title: `You have a seat at ${event.title}`,
        body: 'A place opened up and you moved from the waitlist to going.',
        url: `/events/${event.id}`,
        muteScopes: [scopes.event(event.id)],
        data: { eventId: event.id },
      },
    ]);
    return 'done';
  });
}

/** Definitions only; `platform` is used when a job runs, never while defining. */
export function eventJobs(platform: Platform): JobDefinition<PromotionNotified>[] {
  return [{ name: PROMOTION_NOTIFIED, maxReceives: 5, handle: (data) => notifyPromotion(platform, data) }];
}
