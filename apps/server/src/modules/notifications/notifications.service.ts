import { entities, type Notification, scopes } from '@muster/protocol';
import { uuidv7 } from 'uuidv7';
import type { Work } from '../../platform/db/unit-of-work.ts';
import { presentNotification } from './notifications.presenter.ts';
import { insertNotification } from './notifications.repository.ts';

export interface NotificationInput {
  userId: string;
  category: string;
  kind: string;
  title: string;
  body?: string | null;
  data?: Record<string, unknown>;
  /** Business key of the occurrence; the same key never yields a second notification. */
  dedupeKey: string;
}

/**
 * Puts a notification in the user's inbox and on their `user:<id>` scope, inside the caller's
 * transaction. Returns null when one with the same `dedupeKey` already exists, so job handlers can
 * be retried freely and answer 'skipped'.
 */
export async function createNotification(work: Work, input: NotificationInput): Promise<Notification | null> {
  const row = await insertNotification(work.tx, {
    id: uuidv7(),
    userId: input.userId,
    category: input.category,
    kind: input.kind,
    title: input.title,
    body: input.body ?? null,
    data: input.data ?? null,
    dedupeKey: input.dedupeKey,
  });
  if (!row) return null;
  const notification = presentNotification(row);
  await work.append({
    scope: scopes.user(input.userId),
    entity: entities.notifications.created,
    op: 'upsert',
    id: row.id,
    data: notification,
  });
  return notification;
}
