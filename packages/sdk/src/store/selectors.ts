import type { Session } from '@muster/protocol';
import type { LocalMessage, Tables } from './tables.ts';

/** Read helpers over the store's state, for UI code. Pure: same input, same output. */

const byStartThenRoom = (a: Session, b: Session) =>
  a.startsAt.localeCompare(b.startsAt) ||
  (a.room ?? '').localeCompare(b.room ?? '') ||
  a.id.localeCompare(b.id);

/** An event's agenda, cancelled sessions included (they carry `cancelled: true`), by start then room. */
export function agendaOf(state: Tables, eventId: string): Session[] {
  return Object.values(state.sessions)
    .filter((s) => s.eventId === eventId)
    .sort(byStartThenRoom);
}

export interface ScheduleEntry {
  session: Session;
  /** Other bookmarked, not cancelled sessions overlapping this one. */
  conflictsWith: string[];
}

/** My schedule: bookmarked sessions that are not cancelled, in time order, with their overlaps. */
export function scheduleOf(state: Tables): ScheduleEntry[] {
  const sessions = Object.keys(state.bookmarks)
    .map((id) => state.sessions[id])
    .filter((s): s is Session => s !== undefined && !s.cancelled)
    .sort(byStartThenRoom);
  return sessions.map((session) => ({
    session,
    conflictsWith: sessions
      .filter(
        (other) =>
          other.id !== session.id && other.startsAt < session.endsAt && session.startsAt < other.endsAt,
      )
      .map((other) => other.id),
  }));
}

/** A channel's messages in seq order; messages still being sent come last, oldest first. */
export function messagesOf(state: Tables, channelId: string): LocalMessage[] {
  return Object.values(state.messages)
    .filter((m) => m.channelId === channelId)
    .sort(
      (a, b) =>
        (a.local ? 1 : 0) - (b.local ? 1 : 0) || a.seq - b.seq || a.createdAt.localeCompare(b.createdAt),
    );
}

/** Ticks of one of my messages in a DM or group: sent, delivered to everyone, read by everyone. */
export function ticksOf(
  state: Tables,
  message: LocalMessage,
  userId: string,
): 'sending' | 'sent' | 'delivered' | 'read' {
  if (message.local) return 'sending';
  const channel = state.channels[message.channelId];
  const others = (channel?.memberIds ?? []).filter((id) => id !== userId);
  if (!others.length) return 'sent';
  const receipts = others.map((id) => state.receipts[`${message.channelId}:${id}`]);
  if (receipts.every((r) => r && r.readSeq >= message.seq)) return 'read';
  if (receipts.every((r) => r && r.deliveredSeq >= message.seq)) return 'delivered';
  return 'sent';
}
