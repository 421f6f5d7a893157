import { and, desc, eq, gt, inArray, isNotNull, isNull, lte, or, sql } from 'drizzle-orm';
import type { Queryable } from '../../platform/db/client.ts';
import { bookmarks, sessions } from '../agenda/index.ts';
import { sessionCheckins } from '../checkin/index.ts';
import { tickets } from '../tickets/index.ts';
import { sessionFeedback } from './feedback.tables.ts';

export type FeedbackRow = typeof sessionFeedback.$inferSelect;

/** One row per person and session: a second save replaces the first. */
export async function upsertFeedback(
  q: Queryable,
  row: { sessionId: string; userId: string; rating: number; comment: string | null },
): Promise<FeedbackRow> {
  const [saved] = await q
    .insert(sessionFeedback)
    .values(row)
    .onConflictDoUpdate({
      target: [sessionFeedback.sessionId, sessionFeedback.userId],
      set: { rating: row.rating, comment: row.comment, updatedAt: sql`now()` },
    })
    .returning();
  return saved!;
}

export async function findFeedback(q: Queryable, sessionId: string, userId: string) {
  const [row] = await q
    .select()
    .from(sessionFeedback)
    .where(and(eq(sessionFeedback.sessionId, sessionId), eq(sessionFeedback.userId, userId)));
  return row;
}

/** Count per rating, aggregated by the database (never the rows, so never who gave which). */
export async function ratingCounts(q: Queryable, sessionId: string): Promise<Map<number, number>> {
  const rows = await q
    .select({ rating: sessionFeedback.rating, n: sql<number>`count(*)::int` })
    .from(sessionFeedback)
    .where(eq(sessionFeedback.sessionId, sessionId))
    .groupBy(sessionFeedback.rating);
  return new Map(rows.map((r) => [r.rating, Number(r.n)]));
}

/** Comments without their authors, newest first. */
export async function comments(q: Queryable, sessionId: string, limit: number) {
  return q
    .select({
      rating: sessionFeedback.rating,
      comment: sessionFeedback.comment,
      at: sessionFeedback.updatedAt,
    })
    .from(sessionFeedback)
    .where(and(eq(sessionFeedback.sessionId, sessionId), isNotNull(sessionFeedback.comment)))
    .orderBy(desc(sessionFeedback.updatedAt))
    .limit(limit);
}

/**
 * Sessions of `eventId` that ended in (since, now], that `userId` bookmarked or walked into (a room
 * scan of their ticket), and that they have not rated.
 */
export async function feedbackDue(q: Queryable, userId: string, eventId: string, since: Date) {
  const attended = q
    .select({ sessionId: sessionCheckins.sessionId })
    .from(sessionCheckins)
    .innerJoin(tickets, eq(tickets.id, sessionCheckins.ticketId))
    .where(and(eq(tickets.holderId, userId), eq(tickets.eventId, eventId)));
  const bookmarked = q
    .select({ sessionId: bookmarks.sessionId })
    .from(bookmarks)
    .where(and(eq(bookmarks.userId, userId), eq(bookmarks.eventId, eventId)));
  return q
    .select({ sessionId: sessions.id, title: sessions.title, endsAt: sessions.endsAt })
    .from(sessions)
    .leftJoin(
      sessionFeedback,
      and(eq(sessionFeedback.sessionId, sessions.id), eq(sessionFeedback.userId, userId)),
    )
    .where(
      and(
        eq(sessions.eventId, eventId),
        or(inArray(sessions.id, bookmarked), inArray(sessions.id, attended)),
        isNull(sessions.cancelledAt),
        gt(sessions.endsAt, since),
        lte(sessions.endsAt, new Date()),
        isNull(sessionFeedback.userId),
      ),
    )
    .orderBy(desc(sessions.endsAt))
    .limit(50);
}
