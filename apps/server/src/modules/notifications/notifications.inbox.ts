import {
  entities,
  type MarkNotificationsRead,
  type NotificationListQuery,
  type NotificationPage,
  scopes,
} from '@muster/protocol';
import { and, desc, eq, inArray, isNull, lt, lte, or, type SQL } from 'drizzle-orm';
import type { AuthedCtx } from '../../platform/context.ts';
import { type Work, withTx } from '../../platform/db/unit-of-work.ts';
import { invalid } from '../../platform/errors.ts';
import { decodeCursor, encodeCursor } from '../../platform/paging.ts';
import { presentNotification } from './notifications.presenter.ts';
import { unreadCounts } from './notifications.repository.ts';
import { notifications } from './notifications.tables.ts';

const t = notifications;
/** Marking read: 120 calls a minute per person (opening things marks them too, for free). */
export const MARK_READ_LIMIT = { name: 'notifications-read', points: 120, durationSeconds: 60 };
export const LIST_LIMIT = { name: 'notifications-list', points: 120, durationSeconds: 60 };

/** Newest first (by last change, so a grouped item that grew comes back up), keyset-paged. */
export async function listNotifications(
  ctx: AuthedCtx,
  query: NotificationListQuery,
): Promise<NotificationPage> {
  const me = ctx.actor.userId;
  await ctx.platform.limits.consume(LIST_LIMIT, me);
  const limit = query.limit ?? 30;
  const after = decodeCursor(query.cursor, ['timestamp', 'uuid'] as const);
  const db = ctx.platform.db;
  const rows = await db
    .select()
    .from(t)
    .where(
      and(
        eq(t.userId, me),
        eq(t.listed, true),
        after
          ? or(
              lt(t.updatedAt, new Date(after[0])),
              and(eq(t.updatedAt, new Date(after[0])), lt(t.id, after[1])),
            )
          : undefined,
      ),
    )
    .orderBy(desc(t.updatedAt), desc(t.id))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  const unread = (await unreadCounts(db, [me])).get(me) ?? 0;
  return {
    items: page.map(presentNotification),
    nextCursor: rows.length > limit && last ? encodeCursor([last.updatedAt.toISOString(), last.id]) : null,
    unread,
  };
}

/**
 * Reads items and closes their groups (what arrives next starts a new item), cancels their pending
 * pushes, and tells the person's other devices. Answers how many changed.
 */
async function readWhere(work: Work, userId: string, where: SQL | undefined, now: Date) {
  const read = await work.tx
    .update(t)
    .set({ readAt: now, open: false, nextPushAt: null })
    .where(and(eq(t.userId, userId), isNull(t.readAt), where))
    .returning();
  if (!read.length) return 0;
  await work.appendMany(
    read
      .filter((row) => row.listed)
      .map((row) => ({
        scope: scopes.user(userId),
        entity: entities.notifications.created,
        op: 'upsert' as const,
        id: row.id,
        data: presentNotification(row),
      })),
  );
  await appendUnread(work, userId);
  return read.length;
}

async function appendUnread(work: Work, userId: string) {
  const unread = (await unreadCounts(work.tx, [userId])).get(userId) ?? 0;
  await work.append({
    scope: scopes.user(userId),
    entity: entities.notifications.unreadChanged,
    op: 'upsert',
    id: userId,
    data: { unread },
  });
}

export async function markRead(ctx: AuthedCtx, body: MarkNotificationsRead): Promise<{ unread: number }> {
  const me = ctx.actor.userId;
  if (!body.all === !body.ids) throw invalid('body', 'give either ids or all: true');
  await ctx.platform.limits.consume(MARK_READ_LIMIT, me);
  const now = new Date();
  return withTx(ctx.platform, async (work) => {
    if (body.ids) {
      await readWhere(work, me, inArray(t.id, [...new Set(body.ids.map((id) => id.toLowerCase()))]), now);
    } else {
      // One record tells every device "all read up to now" instead of one per item.
      const read = await work.tx
        .update(t)
        .set({ readAt: now, open: false, nextPushAt: null })
        .where(and(eq(t.userId, me), isNull(t.readAt), lte(t.createdAt, now)))
        .returning({ id: t.id });
      if (read.length) {
        await work.append({
          scope: scopes.user(me),
          entity: entities.notifications.allRead,
          op: 'upsert',
          id: me,
          data: { upTo: now.toISOString(), readAt: now.toISOString() },
        });
        await appendUnread(work, me);
      }
    }
    return { unread: (await unreadCounts(work.tx, [me])).get(me) ?? 0 };
  });
}

/**
 * Opening a thing reads what the inbox holds about it: messaging calls this when a read marker
 * moves (a DM, a channel with mentions), inside its own transaction.
 */
export async function markGroupRead(work: Work, userId: string, groupKey: string): Promise<void> {
  await readWhere(work, userId, eq(t.groupKey, groupKey), new Date());
}
