import { and, desc, eq, gt, isNotNull, isNull, lte, sql } from 'drizzle-orm';
import type { Queryable } from '../../platform/db/client.ts';
import { bookmarks, sessions } from '../agenda/index.ts';
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

/** Bookmarked sessions of `eventId` that ended in (since, now] and that `userId` has not rated. */
export async function feedbackDue(q: Queryable, userId: string, eventId: string, since: Date) {
  return q
    .select({ sessionId: sessions.id, title: sessions.title, endsAt: sessions.endsAt })
    .from(bookmarks)
    .innerJoin(sessions, eq(sessions.id, bookmarks.sessionId))
    .leftJoin(
      sessionFeedback,
      and(eq(sessionFeedback.sessionId, sessions.id), eq(sessionFeedback.userId, userId)),
    )
    .where(
      and(
        eq(bookmarks.userId, userId),
        eq(bookmarks.eventId, eventId),
        isNull(sessions.cancelledAt),
        gt(sessions.endsAt, since),
        lte(sessions.endsAt, new Date()),
        isNull(sessionFeedback.userId),
      ),
    )
    .orderBy(desc(sessions.endsAt))
    .limit(50);
}
