import type { NotificationCategory, PushPayload } from '@muster/protocol';
import { inArray } from 'drizzle-orm';
import PQueue from 'p-queue';
import type { Platform } from '../../platform/context.ts';
import type { PushSender } from '../../platform/push/web-push.ts';
import type { DELIVERY } from './notifications.policy.ts';
import { pushSubscriptions } from './notifications.tables.ts';

/** One push to one device, decided and settled by a sweep's claim. */
export interface Send {
  subscriptionId: string;
  endpoint: string;
  keys: { p256dh: string; auth: string };
  payload: PushPayload;
  ttlSeconds: number;
  urgency: (typeof DELIVERY)[NotificationCategory]['urgency'];
  /** Leaves before every non-critical push still waiting on this node. */
  critical: boolean;
}

/**
 * Push services answer in tens to hundreds of milliseconds: this many requests are in flight at
 * once from one node, so a claim of a thousand announcement pushes takes about a second, not ten.
 */
const PARALLEL = 64;
/** The sweep claims more only while fewer than this many pushes wait to leave. */
const BACKLOG = 256;

export interface PushOutbox {
  /** Queues a claim's pushes; resolves once the backlog is short enough to claim more. */
  dispatch(sends: readonly Send[]): Promise<void>;
  /** Resolves when every push queued so far has been answered and its answer recorded. */
  idle(): Promise<void>;
}

/**
 * The node's outgoing pushes. The sweep never waits for a claim's pushes to be answered before it
 * claims again, and a critical push (a DM, a change to a session about to start) overtakes the
 * announcement pushes queued before it. A dead subscription (404/410) is removed, a live one noted.
 */
export function createPushOutbox(platform: Platform, sender: PushSender): PushOutbox {
  const queue = new PQueue({ concurrency: PARALLEL });
  const recording = new Set<Promise<void>>();
  const sendAll = async (sends: readonly Send[]) => {
    const gone: string[] = [];
    const delivered = new Set<string>();
    await Promise.all(
      sends.map((send) =>
        queue.add(
          async () => {
            const outcome = await sender
              .send({ endpoint: send.endpoint, keys: send.keys }, send.payload, {
                topic: send.payload.tag,
                ttlSeconds: send.ttlSeconds,
                urgency: send.urgency,
              })
              .catch((error: Error) => ({
                status: 'failed' as const,
                retryable: false,
                message: error.message,
              }));
            platform.metrics.pushesSent.inc({ outcome: outcome.status });
            if (outcome.status === 'gone') gone.push(send.subscriptionId);
            else if (outcome.status === 'sent') delivered.add(send.subscriptionId);
            else platform.log.warn({ endpoint: new URL(send.endpoint).origin, outcome }, 'push failed');
          },
          { priority: send.critical ? 1 : 0 },
        ),
      ),
    );
    if (gone.length) await platform.db.delete(pushSubscriptions).where(inArray(pushSubscriptions.id, gone));
    if (delivered.size)
      await platform.db
        .update(pushSubscriptions)
        .set({ lastSuccessAt: new Date() })
        .where(inArray(pushSubscriptions.id, [...delivered]));
  };
  return {
    async dispatch(sends) {
      if (!sends.length) return;
      const recorded = sendAll(sends).catch((error) =>
        platform.log.error({ err: error }, 'recording push outcomes failed'),
      );
      recording.add(recorded);
      void recorded.finally(() => recording.delete(recorded));
      await queue.onSizeLessThan(BACKLOG);
    },
    async idle() {
      await queue.onIdle();
      await Promise.all(recording);
    },
  };
}
