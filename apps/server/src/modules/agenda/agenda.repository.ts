import { and, arrayContains, asc, count, eq, gt, inArray, isNull, lt, ne, sql } from 'drizzle-orm';
import type { Queryable } from '../../platform/db/client.ts';
import { users } from '../identity/index.ts';
import { bookmarks, notes, sessionHistory, sessions } from './agenda.tables.ts';

export type SessionRow = typeof sessions.$inferSelect;
export type SessionHistoryRow = typeof sessionHistory.$inferSelect;
export type BookmarkRow = typeof bookmarks.$inferSelect;
export type NoteRow = typeof notes.$inferSelect;

// ── Sessions ────────────────────────────────────────────────────────────────────────────────────

export async function insertSession(q: Queryable, values: typeof sessions.$inferInsert): Promise<SessionRow> {
  const [row] = await q.insert(sessions).values(values).returning();
  return row!;
}

/** With `forUpdate` the row stays locked until commit, so a concurrent edit cannot slip between before and after. */
export async function findSession(
  q: Queryable,
  id: string,
  options: { forUpdate?: boolean } = {},
): Promise<SessionRow | undefined> {
  const query = q.select().from(sessions).where(eq(sessions.id, id));
  const [row] = options.forUpdate ? await query.for('no key update') : await query;
  return row;
}

/** The event a session belongs to, or null when there is no such session. */
export async function sessionEventId(q: Queryable, id: string): Promise<string | null> {
  const [row] = await q.select({ eventId: sessions.eventId }).from(sessions).where(eq(sessions.id, id));
  return row?.eventId ?? null;
}

export async function updateSession(
  q: Queryable,
  id: string,
  values: Partial<typeof sessions.$inferInsert>,
): Promise<SessionRow> {
  const [row] = await q.update(sessions).set(values).where(eq(sessions.id, id)).returning();
  return row!;
}

/** The agenda order: start time, then room (sessions without a room last), then id for a stable tie-break. */
export async function listEventSessions(q: Queryable, eventId: string): Promise<SessionRow[]> {
  return q
    .select()
    .from(sessions)
    .where(eq(sessions.eventId, eventId))
    .orderBy(asc(sessions.startsAt), sql`${sessions.room} asc nulls last`, asc(sessions.id));
}

/**
 * Who speaks at which session still on, in agenda order: ids only, so listing an event's speakers
 * never reads every session's description.
 */
export async function listSpeakerIds(
  q: Queryable,
  eventId: string,
): Promise<{ id: string; speakerIds: string[] }[]> {
  return q
    .select({ id: sessions.id, speakerIds: sessions.speakerIds })
    .from(sessions)
    .where(
      and(
        eq(sessions.eventId, eventId),
        isNull(sessions.cancelledAt),
        sql`cardinality(${sessions.speakerIds}) > 0`,
      ),
    )
    .orderBy(asc(sessions.startsAt), sql`${sessions.room} asc nulls last`, asc(sessions.id));
}

/** The sessions still on where `userId` speaks, in agenda order. */
export async function listSessionsOfSpeaker(
  q: Queryable,
  eventId: string,
  userId: string,
): Promise<SessionRow[]> {
  return q
    .select()
    .from(sessions)
    .where(
      and(
        eq(sessions.eventId, eventId),
        isNull(sessions.cancelledAt),
        arrayContains(sessions.speakerIds, [userId]),
      ),
    )
    .orderBy(asc(sessions.startsAt), sql`${sessions.room} asc nulls last`, asc(sessions.id));
}

/** Which of `ids` are existing users; speakers must be real accounts. */
export async function existingUserIds(q: Queryable, ids: readonly string[]): Promise<Set<string>> {
  if (!ids.length) return new Set();
  const rows = await q
    .select({ id: users.id })
    .from(users)
    .where(inArray(users.id, [...ids]));
  return new Set(rows.map((r) => r.id));
}

// ── History ─────────────────────────────────────────────────────────────────────────────────────

export async function insertHistory(q: Queryable, values: typeof sessionHistory.$inferInsert): Promise<void> {
  await q.insert(sessionHistory).values(values);
}

/**
 * Oldest first. The cursor is the id of the last entry seen; comparing `(at, id)` against that row in
 * SQL keeps PostgreSQL's microseconds, which a JavaScript Date would round away.
 */
export async function listHistory(
  q: Queryable,
  sessionId: string,
  page: { afterId?: string | undefined; limit: number },
): Promise<SessionHistoryRow[]> {
  const cursor = page.afterId
    ? sql`(${sessionHistory.at}, ${sessionHistory.id}) > (select h.at, h.id from session_history h where h.id = ${page.afterId})`
    : undefined;
  return q
    .select()
    .from(sessionHistory)
    .where(and(eq(sessionHistory.sessionId, sessionId), cursor))
    .orderBy(asc(sessionHistory.at), asc(sessionHistory.id))
    .limit(page.limit);
}

export async function historyEntryExists(q: Queryable, sessionId: string, id: string): Promise<boolean> {
  const [row] = await q
    .select({ id: sessionHistory.id })
    .from(sessionHistory)
    .where(and(eq(sessionHistory.sessionId, sessionId), eq(sessionHistory.id, id)));
  return row !== undefined;
}

// ── Bookmarks ───────────────────────────────────────────────────────────────────────────────────

/** Undefined when the bookmark already existed, so a repeated PUT appends no second change. */
export async function insertBookmark(
  q: Queryable,
  values: typeof bookmarks.$inferInsert,
): Promise<BookmarkRow | undefined> {
  const [row] = await q.insert(bookmarks).values(values).onConflictDoNothing().returning();
  return row;
}

export async function deleteBookmark(q: Queryable, userId: string, sessionId: string): Promise<boolean> {
  const rows = await q
    .delete(bookmarks)
    .where(and(eq(bookmarks.userId, userId), eq(bookmarks.sessionId, sessionId)))
    .returning({ sessionId: bookmarks.sessionId });
  return rows.length > 0;
}

/** A user's bookmarks, of one event when `eventId` is given. */
export async function countBookmarks(q: Queryable, userId: string, eventId?: string): Promise<number> {
  const [row] = await q
    .select({ n: count() })
    .from(bookmarks)
    .where(and(eq(bookmarks.userId, userId), eventId ? eq(bookmarks.eventId, eventId) : undefined));
  return Number(row?.n ?? 0);
}

/** My bookmarked sessions that still take place, in time order. */
export async function listBookmarkedSessions(q: Queryable, userId: string): Promise<SessionRow[]> {
  const rows = await q
    .select({ session: sessions })
    .from(bookmarks)
    .innerJoin(sessions, eq(sessions.id, bookmarks.sessionId))
    .where(and(eq(bookmarks.userId, userId), isNull(sessions.cancelledAt)))
    .orderBy(asc(sessions.startsAt), asc(sessions.id));
  return rows.map((r) => r.session);
}

/** My other live bookmarks whose half-open time range `[startsAt, endsAt)` overlaps `session`'s. */
export async function listOverlappingBookmarks(q: Queryable, userId: string, session: SessionRow) {
  const rows = await q
    .select({ session: sessions })
    .from(bookmarks)
    .innerJoin(sessions, eq(sessions.id, bookmarks.sessionId))
    .where(
      and(
        eq(bookmarks.userId, userId),
        ne(sessions.id, session.id),
        isNull(sessions.cancelledAt),
        lt(sessions.startsAt, session.endsAt),
        gt(sessions.endsAt, session.startsAt),
      ),
    )
    .orderBy(asc(sessions.startsAt), asc(sessions.id));
  return rows.map((r) => r.session);
}

// ── Notes ───────────────────────────────────────────────────────────────────────────────────────

export async function findNote(
  q: Queryable,
  userId: string,
  sessionId: string,
): Promise<NoteRow | undefined> {
  const [row] = await q
    .select()
    .from(notes)
    .where(and(eq(notes.userId, userId), eq(notes.sessionId, sessionId)));
  return row;
}

/** Last writer wins; the returned `updatedAt` tells the client which write that was. */
export async function upsertNote(
  q: Queryable,
  values: { userId: string; sessionId: string; body: string },
): Promise<NoteRow> {
  const updatedAt = new Date();
  const [row] = await q
    .insert(notes)
    .values({ ...values, updatedAt })
    .onConflictDoUpdate({ target: [notes.userId, notes.sessionId], set: { body: values.body, updatedAt } })
    .returning();
  return row!;
}

// ── Calendar feed token (a column of the identity tables, written only from here) ──────────────

export async function setCalendarTokenHash(q: Queryable, userId: string, hash: string): Promise<boolean> {
  const rows = await q
    .update(users)
    .set({ calendarTokenHash: hash, updatedAt: new Date() })
    .where(eq(users.id, userId))
    .returning({ id: users.id });
  return rows.length > 0;
}

export async function findUserIdByCalendarTokenHash(q: Queryable, hash: string): Promise<string | undefined> {
  const [row] = await q.select({ id: users.id }).from(users).where(eq(users.calendarTokenHash, hash));
  return row?.id;
}
