import type { Note, Schedule, ScheduleItem } from '@muster/protocol';
import { entities, scopes } from '@muster/protocol';
import type { AuthedCtx } from '../../platform/context.ts';
import type { Queryable } from '../../platform/db/client.ts';
import { withTx } from '../../platform/db/unit-of-work.ts';
import { AppError, ErrorCode } from '../../platform/errors.ts';
import { canUsePersonalAgenda } from '../events/index.ts';
import { personalAgendaEvents, requireSession } from './agenda.access.ts';
import { overlapCounts, overlapGroups } from './agenda.conflicts.ts';
import { storableText } from './agenda.input.ts';
import { presentBookmark, presentNote, presentSession } from './agenda.presenter.ts';
import * as repo from './agenda.repository.ts';

/** Keeps `GET /me/schedule` (one unpaged answer) bounded. */
export const MAX_BOOKMARKS = 1000;
/** No one attends more than this many sessions of one event; past it, bookmarking is only load. */
export const MAX_BOOKMARKS_PER_EVENT = 200;

/** Bookmarked, still scheduled sessions of events the user may still see, in time order. */
export async function visibleSchedule(q: Queryable, userId: string) {
  const rows = await repo.listBookmarkedSessions(q, userId);
  const events = await personalAgendaEvents(
    q,
    userId,
    rows.map((r) => r.eventId),
  );
  return { sessions: rows.filter((r) => events.has(r.eventId)), events };
}

/**
 * Bookmarks a session and answers with its conflicts, so the client can warn at once. A repeated PUT
 * changes nothing and appends nothing.
 */
export async function addBookmark(ctx: AuthedCtx, sessionId: string): Promise<ScheduleItem> {
  const userId = ctx.actor.userId;
  const session = await withTx(ctx.platform, async ({ tx, append }) => {
    const { session } = await requireSession(tx, sessionId, userId, canUsePersonalAgenda);
    if (session.cancelledAt) throw new AppError(ErrorCode.conflict, 'This session is cancelled');
    const row = await repo.insertBookmark(tx, { userId, sessionId, eventId: session.eventId });
    if (row) {
      // Counted after the insert, in its transaction: the insert is rolled back when over a cap.
      if ((await repo.countBookmarks(tx, userId, session.eventId)) > MAX_BOOKMARKS_PER_EVENT)
        throw new AppError(
          ErrorCode.limit_reached,
          `A schedule holds at most ${MAX_BOOKMARKS_PER_EVENT} sessions of one event`,
        );
      if ((await repo.countBookmarks(tx, userId)) > MAX_BOOKMARKS)
        throw new AppError(ErrorCode.limit_reached, `A schedule holds at most ${MAX_BOOKMARKS} sessions`);
      await append({
        scope: scopes.user(userId),
        entity: entities.agenda.bookmarkAdded,
        op: 'upsert',
        id: sessionId,
        data: presentBookmark(row),
        actorId: userId,
      });
    }
    return session;
  });
  // Read after commit: conflicts are advice, and the transaction stays short.
  const q = ctx.platform.db;
  const overlapping = await repo.listOverlappingBookmarks(q, userId, session);
  const events = await personalAgendaEvents(
    q,
    userId,
    overlapping.map((s) => s.eventId),
  );
  return {
    session: presentSession(session),
    conflictsWith: overlapping.filter((s) => events.has(s.eventId)).map((s) => s.id),
  };
}

/**
 * Removing is idempotent. A bookmark that exists can always be removed, even after the user lost
 * access to the event; otherwise the session must be visible (unknown ones answer 404).
 */
export async function removeBookmark(ctx: AuthedCtx, sessionId: string): Promise<void> {
  const userId = ctx.actor.userId;
  await withTx(ctx.platform, async ({ tx, append }) => {
    if (await repo.deleteBookmark(tx, userId, sessionId)) {
      await append({
        scope: scopes.user(userId),
        entity: entities.agenda.bookmarkRemoved,
        op: 'delete',
        id: sessionId,
        data: null,
        actorId: userId,
      });
      return;
    }
    await requireSession(tx, sessionId, userId, canUsePersonalAgenda);
  });
}

/**
 * Every bookmarked session across events; cancelled sessions are left out. Conflicts come as overlap
 * groups plus a count per session, so the answer grows with the schedule, not with its pairs.
 */
export async function getSchedule(ctx: AuthedCtx): Promise<Schedule> {
  const { sessions } = await visibleSchedule(ctx.platform.readDb, ctx.actor.userId);
  const groups = overlapGroups(sessions);
  const groupOf = new Map<string, number>();
  groups.forEach((group, i) => {
    for (const id of group.ids) groupOf.set(id, i);
  });
  const counts = overlapCounts(sessions);
  return {
    items: sessions.map((s) => ({
      session: presentSession(s),
      conflictGroup: groupOf.get(s.id) ?? null,
      overlaps: counts.get(s.id) ?? 0,
    })),
    conflictGroups: groups.map((g) => ({
      sessionIds: g.ids,
      startsAt: g.startsAt.toISOString(),
      endsAt: g.endsAt.toISOString(),
    })),
  };
}

/** Notes are private: only their author reads them, through this route or their own `user:` scope. */
export async function getNote(ctx: AuthedCtx, sessionId: string): Promise<Note> {
  const q = ctx.platform.db;
  await requireSession(q, sessionId, ctx.actor.userId, canUsePersonalAgenda);
  return presentNote(sessionId, await repo.findNote(q, ctx.actor.userId, sessionId));
}

/** Last writer wins; the answer's `updatedAt` identifies the write that won. */
export async function putNote(ctx: AuthedCtx, sessionId: string, body: string): Promise<Note> {
  const text = storableText('body.body', body);
  const userId = ctx.actor.userId;
  return withTx(ctx.platform, async ({ tx, append }) => {
    await requireSession(tx, sessionId, userId, canUsePersonalAgenda);
    const note = presentNote(sessionId, await repo.upsertNote(tx, { userId, sessionId, body: text }));
    await append({
      scope: scopes.user(userId),
      entity: entities.agenda.noteSaved,
      op: 'upsert',
      id: sessionId,
      data: note,
      actorId: userId,
    });
    return note;
  });
}
