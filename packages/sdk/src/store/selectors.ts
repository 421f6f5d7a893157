import type { ModerationItem, Poll, QuestionSort, Session } from '@muster/protocol';
import type { LocalMessage, LocalQuestion, Tables } from './tables.ts';

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

/** A session's polls: open first, then drafts, then closed (latest first within each). */
export function pollsOf(state: Tables, sessionId: string): Poll[] {
  const rank = { open: 0, draft: 1, closed: 2 } as const;
  return Object.values(state.polls)
    .filter((p) => p.sessionId === sessionId)
    .sort(
      (a, b) =>
        rank[a.status] - rank[b.status] ||
        (b.openedAt ?? b.createdAt).localeCompare(a.openedAt ?? a.createdAt) ||
        a.id.localeCompare(b.id),
    );
}

/** The poll the audience votes on now: the most recently opened open poll of the session. */
export function openPollOf(state: Tables, sessionId: string): Poll | undefined {
  return pollsOf(state, sessionId).find((p) => p.status === 'open');
}

/** Whether the caller may see a poll's results now (what the server decides; for the app's messages). */
export function resultsVisible(state: Tables, poll: Poll): boolean {
  if (poll.resultsVisibility === 'live' || poll.status === 'closed') return true;
  if (poll.resultsVisibility === 'afterVote') return poll.id in state.ballots;
  return false;
}

export interface QuestionSections {
  /** Pinned first, then by the sort; pending ones (mine, or all for presenters) included. */
  open: LocalQuestion[];
  /** Answered questions, folded under the open ones, latest answered first. */
  answered: LocalQuestion[];
}

/** A session's questions sorted `top` (most upvoted) or `new` (latest), pinned first, answered folded. */
export function questionsOf(state: Tables, sessionId: string, sort: QuestionSort = 'top'): QuestionSections {
  const all = Object.values(state.questions).filter((q) => q.sessionId === sessionId && q.state !== 'hidden');
  const bySort = (a: LocalQuestion, b: LocalQuestion) =>
    Number(b.pinned) - Number(a.pinned) ||
    (sort === 'top' ? b.upvotes - a.upvotes : 0) ||
    b.createdAt.localeCompare(a.createdAt) ||
    a.id.localeCompare(b.id);
  return {
    open: all.filter((q) => q.state !== 'answered').sort(bySort),
    answered: all
      .filter((q) => q.state === 'answered')
      .sort((a, b) => (b.answeredAt ?? '').localeCompare(a.answeredAt ?? '') || bySort(a, b)),
  };
}

/** A moderator queue's open items, oldest first (first come, first served). */
export function moderationQueueOf(state: Tables, eventId: string): ModerationItem[] {
  return Object.values(state.moderationItems)
    .filter((item) => item.eventId === eventId && item.status === 'open')
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
}
