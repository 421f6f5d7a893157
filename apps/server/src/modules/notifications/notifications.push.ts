import type { NotificationCategory, PushPayload } from '@muster/protocol';
import { and, asc, desc, inArray, isNull, lte, min, or, sql } from 'drizzle-orm';
import type { Platform } from '../../platform/context.ts';
import type { Tx } from '../../platform/db/client.ts';
import { withTx } from '../../platform/db/unit-of-work.ts';
import { type PushSender, pushTopic } from '../../platform/push/web-push.ts';
import { takeHourly } from './notifications.caps.ts';
import { createPushOutbox, type Send } from './notifications.outbox.ts';
import { DELIVERY, hourMs, quietUntil, switchesFor } from './notifications.policy.ts';
import { isMuted, loadPreferences } from './notifications.preferences.ts';
import type { NotificationRow } from './notifications.repository.ts';
import { notifications, pushSubscriptions } from './notifications.tables.ts';

/** People per claim (with all their due items); the sweep claims again while claims come back full. */
const CLAIM = 100;

type Verdict =
  | { push: true }
  /** Nothing to push now or later (read, pushes off, muted, no device): the count is settled. */
  | { settle: true }
  | { deferTo: Date };

/** The next whole hour, when a frequency cap resets. */
const nextHour = (now: Date) => new Date(Math.floor(now.getTime() / hourMs() + 1) * hourMs());

async function judge(
  tx: Tx,
  row: NotificationRow,
  prefs: Awaited<ReturnType<typeof loadPreferences>>,
  now: Date,
): Promise<Verdict> {
  if (row.readAt || row.count <= row.pushedCount) return { settle: true };
  const category = row.category as NotificationCategory;
  const mine = prefs.get(row.userId);
  if (!switchesFor(mine, category).push || isMuted(mine, row.muteScopes)) return { settle: true };
  if (row.priority === 'critical') return { push: true };
  const quietEnds = quietUntil(mine?.quietHours, now);
  if (quietEnds) return { deferTo: quietEnds };
  // Low items travel in the hourly digest, one push for all of them: no per-item cap to charge.
  if (row.priority === 'low') return { push: true };
  if (!(await takeHourly(tx, row.userId, category, DELIVERY[category].capPerHour, now)))
    return { deferTo: nextHour(now) };
  return { push: true };
}

function payloadOf(row: NotificationRow): PushPayload {
  return {
    id: row.id,
    title: row.title,
    body: row.body,
    url: row.url ?? '/',
    tag: pushTopic(`${row.category}:${row.groupKey ?? row.id}`),
    count: row.count,
  };
}

const DIGEST_TTL_SECONDS = 12 * 3600;

/** One push for the low-priority items that waited: "5 updates", their titles, the inbox. */
function digestOf(userId: string, rows: NotificationRow[]): PushPayload {
  if (rows.length === 1) return { ...payloadOf(rows[0]!), tag: pushTopic(`digest:${userId}`) };
  const count = rows.reduce((sum, row) => sum + row.count, 0);
  return {
    id: rows[0]!.id,
    title: `${count} updates`,
    body: rows
      .slice(0, 3)
      .map((row) => row.title)
      .join(' · ')
      .slice(0, 300),
    url: '/inbox',
    tag: pushTopic(`digest:${userId}`),
    count,
  };
}

/**
 * Claims due items (`FOR UPDATE SKIP LOCKED`: another node's sweep takes the others), judges each
 * against the person's preferences, quiet hours, mutes and caps, settles what it pushes in the same
 * transaction (`pushedCount` = what the push shows) and answers the pushes to send after commit.
 * Devices whose app is on screen right now get none: the person is looking at it.
 */
async function claimDue(platform: Platform, now: Date): Promise<{ sends: Send[]; claimed: number }> {
  return withTx(platform, async ({ tx }) => {
    const t = notifications;
    // Whole people, not a number of rows: all of a person's due low items make one digest push,
    // which a claim cut through the middle of their rows would split in two.
    // People with a critical item due come first: behind a thousand announcement pushes, a DM
    // would otherwise wait for as many claims.
    const people = await tx
      .select({ userId: t.userId })
      .from(t)
      .where(lte(t.nextPushAt, now))
      .groupBy(t.userId)
      .orderBy(desc(sql`bool_or(${t.priority} = 'critical')`), asc(min(t.nextPushAt)))
      .limit(CLAIM);
    if (!people.length) return { sends: [], claimed: 0 };
    const due = await tx
      .select()
      .from(t)
      .where(
        and(
          lte(t.nextPushAt, now),
          inArray(
            t.userId,
            people.map((p) => p.userId),
          ),
        ),
      )
      .orderBy(asc(t.nextPushAt))
      .for('update', { skipLocked: true });
    const users = [...new Set(due.map((row) => row.userId))];
    const prefs = await loadPreferences(tx, users, now);
    const devices = await tx
      .select()
      .from(pushSubscriptions)
      .where(
        and(
          inArray(pushSubscriptions.userId, users),
          or(isNull(pushSubscriptions.visibleUntil), lte(pushSubscriptions.visibleUntil, now)),
        ),
      );
    const sends: Send[] = [];
    const settled: string[] = [];
    const deferred = new Map<number, string[]>();
    /** Low-priority items due together become one digest push per person, not one per item. */
    const digests = new Map<string, NotificationRow[]>();
    const toDevices = (
      userId: string,
      payload: PushPayload,
      how: Omit<Send, 'subscriptionId' | 'endpoint' | 'keys' | 'payload'>,
    ) => {
      for (const device of devices)
        if (device.userId === userId)
          sends.push({
            subscriptionId: device.id,
            endpoint: device.endpoint,
            keys: { p256dh: device.p256dh, auth: device.auth },
            payload,
            ...how,
          });
    };
    for (const row of due) {
      const verdict = await judge(tx, row, prefs, now);
      if ('deferTo' in verdict) {
        const at = verdict.deferTo.getTime();
        deferred.set(at, [...(deferred.get(at) ?? []), row.id]);
        continue;
      }
      settled.push(row.id);
      if (!('push' in verdict)) continue;
      if (row.priority === 'low') {
        digests.set(row.userId, [...(digests.get(row.userId) ?? []), row]);
        continue;
      }
      const { ttlSeconds, urgency } = DELIVERY[row.category as NotificationCategory];
      toDevices(row.userId, payloadOf(row), { ttlSeconds, urgency, critical: row.priority === 'critical' });
    }
    for (const [userId, rows] of digests)
      toDevices(userId, digestOf(userId, rows), {
        ttlSeconds: DIGEST_TTL_SECONDS,
        urgency: 'low',
        critical: false,
      });
    if (settled.length)
      await tx
        .update(t)
        .set({ pushedCount: sql`${t.count}`, lastPushedAt: now, nextPushAt: null })
        .where(inArray(t.id, settled));
    for (const [at, ids] of deferred)
      await tx
        .update(t)
        .set({ nextPushAt: new Date(at) })
        .where(inArray(t.id, ids));
    return { sends, claimed: people.length };
  });
}

export interface PushSweep {
  /** Runs a sweep soon (an intent made something due now). */
  wake(): void;
  /** One full sweep: claims until nothing is due, then waits for the answers. Answers the pushes sent. */
  runOnce(): Promise<number>;
  stop(): Promise<void>;
}

/**
 * Every node with the worker role sweeps every `intervalMs` and when woken; claims make the nodes
 * share the work without any per-node memory of who gets what.
 */
export function startPushSweep(platform: Platform, sender: PushSender, intervalMs = 1000): PushSweep {
  let running: Promise<number> | null = null;
  let again = false;
  let stopped = false;
  const outbox = createPushOutbox(platform, sender);
  const claimAll = async () => {
    let sent = 0;
    for (;;) {
      const { sends, claimed } = await claimDue(platform, new Date());
      await outbox.dispatch(sends);
      sent += sends.length;
      if (claimed < CLAIM) return sent;
    }
  };
  const sweep = () => {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = claimAll()
      .catch((error) => {
        platform.log.error({ err: error }, 'push sweep failed');
        return 0;
      })
      .finally(() => {
        running = null;
        if (again) {
          again = false;
          sweep();
        }
      });
  };
  const timer = setInterval(sweep, intervalMs);
  timer.unref();
  return {
    wake: sweep,
    runOnce: async () => {
      while (running) await running;
      const sent = await claimAll();
      await outbox.idle();
      return sent;
    },
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
      await outbox.idle();
    },
  };
}
