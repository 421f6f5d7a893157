import { sql } from 'drizzle-orm';
import type { Tx } from '../../platform/db/client.ts';
import { hourMs } from './notifications.policy.ts';
import { notificationPushCounts } from './notifications.tables.ts';

/** The (scaled) hour a cap counts in. */
export const hourOf = (now: Date) => new Date(Math.floor(now.getTime() / hourMs()) * hourMs());

/**
 * Takes one of `limit` per (user, what, hour) — a category's pushes, the e-mail digest — with one
 * conditional upsert, so nodes racing for the last one cannot both win. False when none is left.
 */
export async function takeHourly(
  tx: Tx,
  userId: string,
  what: string,
  limit: number,
  now: Date,
): Promise<boolean> {
  const t = notificationPushCounts;
  const hour = hourOf(now);
  const rows = await tx
    .insert(t)
    .values({ userId, category: what, hour, count: 1 })
    .onConflictDoUpdate({
      target: [t.userId, t.category, t.hour],
      set: { count: sql`${t.count} + 1` },
      setWhere: sql`${t.count} < ${limit}`,
    })
    .returning({ count: t.count });
  return rows.length === 1;
}
