import { entities, scopes } from '@muster/protocol';
import { uuidv7 } from 'uuidv7';
import type { Platform } from '../../platform/context.ts';
import { withTx } from '../../platform/db/unit-of-work.ts';
import type { BatchOutcome, JobDefinition, JobResult, LeasedJob } from '../../platform/jobs/jobs.ts';
import { claimOnce } from '../../platform/jobs/once.ts';
import {
  alreadySeen,
  NOTIFICATION_DELIVERY,
  type NotificationIntent,
  resolveAudience,
} from './notifications.intents.ts';
import { coalesceMs, switchesFor } from './notifications.policy.ts';
import { loadPreferences } from './notifications.preferences.ts';
import { presentNotification } from './notifications.presenter.ts';
import { insertOrMerge, type NewNotification, unreadCounts } from './notifications.repository.ts';

/** People per statement when an audience is large (an announcement to a whole event). */
const CHUNK = 500;

/**
 * Turns one intent into inbox items, exactly once (`claimOnce` on its key commits with the items):
 * everyone in the audience but the actor and those who already saw the subject gets a new item or
 * a merge into their open group. Each item goes on its owner's `user:` scope, a new unread moves
 * their badge. Whether and when to push is left to the push sweep (`nextPushAt`): now for critical
 * and normal items, after the digest window for low ones, never when the person turned pushes off.
 * Answers whether anything was due now, so the caller can wake the sweep at once.
 */
export async function deliverIntent(
  platform: Platform,
  intent: NotificationIntent,
): Promise<{ result: JobResult; pushDue: boolean }> {
  return withTx(platform, async (work) => {
    if (!(await claimOnce(work.tx, `${NOTIFICATION_DELIVERY}:${intent.key}`)))
      return { result: 'skipped', pushDue: false };
    const audience = (await resolveAudience(work.tx, intent.audience)).filter((id) => id !== intent.actorId);
    const seen = await alreadySeen(work.tx, intent.seen, audience);
    const recipients = audience.filter((id) => !seen.has(id)).sort();
    if (!recipients.length) return { result: 'skipped', pushDue: false };
    const now = new Date();
    // Low priority waits for the digest: the end of the current digest window, the same instant
    // for everyone's low items, so the sweep sends each person one push for all of them.
    const window = coalesceMs('low', intent.category);
    const later = new Date(Math.ceil((now.getTime() + 1) / window) * window);
    let pushDue = false;
    for (let i = 0; i < recipients.length; i += CHUNK) {
      const chunk = recipients.slice(i, i + CHUNK);
      const prefs = await loadPreferences(work.tx, chunk, now);
      const rows: NewNotification[] = chunk.map((userId) => {
        const switches = switchesFor(prefs.get(userId), intent.category);
        const nextPushAt = !switches.push ? null : intent.priority === 'low' ? later : now;
        if (nextPushAt === now) pushDue = true;
        return {
          id: uuidv7(),
          userId,
          category: intent.category,
          kind: intent.kind,
          title: intent.title,
          body: intent.body,
          url: intent.url,
          data: intent.data ?? null,
          groupKey: intent.groupKey,
          groupTitle: intent.groupTitle ?? null,
          coalesceSeconds: Math.round(coalesceMs(intent.priority, intent.category) / 1000),
          muteScopes: [...(intent.muteScopes ?? [])],
          priority: intent.priority,
          listed: switches.inApp,
          nextPushAt,
          occurredAt: intent.occurredAt ? new Date(intent.occurredAt) : now,
        };
      });
      const items = await insertOrMerge(work.tx, rows);
      const listed = items.filter((item) => item.listed);
      await work.appendMany(
        listed.map((item) => ({
          scope: scopes.user(item.userId),
          entity: entities.notifications.created,
          op: 'upsert' as const,
          id: item.id,
          data: presentNotification(item),
          actorId: intent.actorId ?? null,
        })),
      );
      const fresh = listed.filter((item) => item.inserted).map((item) => item.userId);
      const unread = await unreadCounts(work.tx, fresh);
      await work.appendMany(
        [...unread].map(([userId, count]) => ({
          scope: scopes.user(userId),
          entity: entities.notifications.unreadChanged,
          op: 'upsert' as const,
          id: userId,
          data: { unread: count },
        })),
      );
    }
    return { result: 'done', pushDue };
  });
}

/** Up to this many intents per lease; each is its own transaction, so one bad intent fails alone. */
const BATCH = 25;

export function deliveryJob(platform: Platform, wake: () => void): JobDefinition<NotificationIntent> {
  return {
    name: NOTIFICATION_DELIVERY,
    maxReceives: 5,
    batchSize: BATCH,
    async handleBatch(jobs: LeasedJob<NotificationIntent>[]): Promise<BatchOutcome[]> {
      const outcomes: BatchOutcome[] = [];
      for (const job of jobs) {
        try {
          const { result, pushDue } = await deliverIntent(platform, job.data);
          if (pushDue) wake();
          outcomes.push(result);
        } catch (error) {
          outcomes.push(error instanceof Error ? error : new Error(String(error)));
        }
      }
      return outcomes;
    },
  };
}
