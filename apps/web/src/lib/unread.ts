import type { Tables } from '@muster/sdk';
import { conversationsOf } from './conversations.ts';

/**
 * Unread messages in a channel: messages by others after my read marker that the device holds,
 * or the server's count from the last snapshot when that is higher (older ones not loaded here).
 */
export function unreadIn(tables: Tables, channelId: string, me: string): number {
  const state = tables.readStates[channelId];
  const lastRead = state?.lastReadSeq ?? 0;
  let held = 0;
  for (const message of Object.values(tables.messages))
    if (
      message.channelId === channelId &&
      !message.local &&
      !message.deleted &&
      message.seq > lastRead &&
      message.senderId !== me
    )
      held++;
  return Math.max(held, state?.unreadCount ?? 0);
}

/** Unread across my conversations: the same channels the Messages screen lists. */
export function totalUnread(tables: Tables, me: string): number {
  let total = 0;
  for (const channel of conversationsOf(tables)) total += unreadIn(tables, channel.id, me);
  return total;
}

/** The newest message by someone else that the device holds in a channel (0 if none). */
export function newestFromOthers(tables: Tables, channelId: string, me: string): number {
  let newest = 0;
  for (const message of Object.values(tables.messages))
    if (message.channelId === channelId && !message.local && message.senderId !== me && message.seq > newest)
      newest = message.seq;
  return newest;
}

export const formatCount = (count: number) => (count >= 1000 ? '999+' : String(count));

/** The inbox's unread count: the server's live one when it has told it, else what this device holds. */
export function unreadNotifications(tables: Tables, me: string): number {
  return (
    tables.notificationBadge[me]?.unread ??
    Object.values(tables.notifications).filter((n) => !n.readAt).length
  );
}
