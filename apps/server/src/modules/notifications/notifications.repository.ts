import { and, count, eq, getTableColumns, inArray, isNull, sql } from 'drizzle-orm';
import type { Queryable } from '../../platform/db/client.ts';
import { notifications } from './notifications.tables.ts';

export type NotificationRow = typeof notifications.$inferSelect;
export type NewNotification = typeof notifications.$inferInsert;

const t = notifications;

/**
 * Inserts one item per person, or merges into their open group of the same category and key: one
 * statement, atomic per row (the partial unique index decides), so concurrent intents each count
 * once. A merge counts, takes the newest body, titles the group, and schedules the summary push:
 * kept if one is already due, else one coalescing period after the last push (never earlier than
 * now). An item the person gets no push for (`nextPushAt` null on insert) never schedules one.
 * `inserted` tells a new item (a new unread) from a merge.
 */
export async function insertOrMerge(
  q: Queryable,
  rows: readonly NewNotification[],
): Promise<(NotificationRow & { inserted: boolean })[]> {
  if (!rows.length) return [];
  return q
    .insert(t)
    .values([...rows])
    .onConflictDoUpdate({
      target: [t.userId, t.category, t.groupKey],
      targetWhere: sql`${t.open} AND ${t.groupKey} IS NOT NULL`,
      set: {
        count: sql`${t.count} + 1`,
        // The newest occurrence speaks for the group, whatever order the jobs ran in.
        body: sql`CASE WHEN excluded.occurred_at >= ${t.occurredAt} THEN excluded.body ELSE ${t.body} END`,
        url: sql`CASE WHEN excluded.occurred_at >= ${t.occurredAt} THEN excluded.url ELSE ${t.url} END`,
        data: sql`CASE WHEN excluded.occurred_at >= ${t.occurredAt} THEN excluded.data ELSE ${t.data} END`,
        occurredAt: sql`greatest(excluded.occurred_at, ${t.occurredAt})`,
        title: sql`coalesce(replace(${t.groupTitle}, '{count}', (${t.count} + 1)::text), CASE WHEN excluded.occurred_at >= ${t.occurredAt} THEN excluded.title ELSE ${t.title} END)`,
        priority: sql`CASE WHEN excluded.priority = 'critical' THEN 'critical' ELSE ${t.priority} END`,
        updatedAt: sql`now()`,
        nextPushAt: sql`CASE WHEN excluded.next_push_at IS NULL THEN ${t.nextPushAt}
          ELSE coalesce(${t.nextPushAt}, greatest(now(), ${t.lastPushedAt} + make_interval(secs => ${t.coalesceSeconds}))) END`,
      },
    })
    .returning({ ...getTableColumns(t), inserted: sql<boolean>`(xmax = 0)` });
}

/** Unread, listed items per person. */
export async function unreadCounts(q: Queryable, userIds: readonly string[]): Promise<Map<string, number>> {
  const out = new Map(userIds.map((id) => [id, 0]));
  if (!userIds.length) return out;
  const rows = await q
    .select({ userId: t.userId, unread: count() })
    .from(t)
    .where(and(inArray(t.userId, [...userIds]), isNull(t.readAt), eq(t.listed, true)))
    .groupBy(t.userId);
  for (const row of rows) out.set(row.userId, Number(row.unread));
  return out;
}
