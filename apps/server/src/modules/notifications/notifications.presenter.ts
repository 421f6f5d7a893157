import type { NotificationRow } from './notifications.repository.ts';

/**
 * The in-app inbox entry as clients receive it (data of `notifications.created` on `user:<id>`).
 * Kept here until the notifications protocol schema (E1) lands in `packages/protocol`.
 */
export interface Notification {
  id: string;
  category: string;
  kind: string;
  title: string;
  body: string | null;
  data: unknown;
  createdAt: string;
  readAt: string | null;
}

export function presentNotification(row: NotificationRow): Notification {
  return {
    id: row.id,
    category: row.category,
    kind: row.kind,
    title: row.title,
    body: row.body,
    data: row.data ?? null,
    createdAt: row.createdAt.toISOString(),
    readAt: row.readAt?.toISOString() ?? null,
  };
}
