import type { Queryable } from '../../platform/db/client.ts';
import { notifications } from './notifications.tables.ts';

export type NotificationRow = typeof notifications.$inferSelect;

/** Inserts unless a notification with the same `dedupeKey` exists; undefined means it did. */
export async function insertNotification(
  q: Queryable,
  values: typeof notifications.$inferInsert,
): Promise<NotificationRow | undefined> {
  const [row] = await q
    .insert(notifications)
    .values(values)
    .onConflictDoNothing({ target: notifications.dedupeKey })
    .returning();
  return row;
}
