import { and, asc, count, desc, eq, inArray, sql } from 'drizzle-orm';
import { type Queryable, queryRows } from '../../platform/db/client.ts';
import { users } from '../identity/index.ts';
import { pollBallots, pollHeldWords, pollHiddenWords, polls } from './polls.tables.ts';

export type PollRow = typeof polls.$inferSelect;
export type BallotRow = typeof pollBallots.$inferSelect;

/** At most this many words of a cloud are published (most given first). */
export const TOP_WORDS = 100;

export async function insertPoll(q: Queryable, values: typeof polls.$inferInsert): Promise<PollRow> {
  const [row] = await q.insert(polls).values(values).returning();
  return row!;
}

/**
 * `lock: 'share'` holds the row against a concurrent close (which updates it) while ballots are
 * written, so a ballot never commits after the close that published the final counts; `update`
 * is the close/open side of the same rule.
 */
export async function findPoll(
  q: Queryable,
  id: string,
  lock?: 'share' | 'update',
): Promise<PollRow | undefined> {
  const query = q.select().from(polls).where(eq(polls.id, id));
  const [row] = lock ? await query.for(lock === 'share' ? 'share' : 'no key update') : await query;
  return row;
}

export function listSessionPolls(q: Queryable, sessionId: string): Promise<PollRow[]> {
  return q
    .select()
    .from(polls)
    .where(eq(polls.sessionId, sessionId))
    .orderBy(asc(polls.createdAt), asc(polls.id));
}

export async function countSessionPolls(q: Queryable, sessionId: string): Promise<number> {
  const [row] = await q.select({ n: count() }).from(polls).where(eq(polls.sessionId, sessionId));
  return row?.n ?? 0;
}

export async function updatePoll(
  q: Queryable,
  id: string,
  values: Partial<typeof polls.$inferInsert>,
): Promise<PollRow> {
  const [row] = await q.update(polls).set(values).where(eq(polls.id, id)).returning();
  return row!;
}

export async function deletePoll(q: Queryable, id: string): Promise<void> {
  await q.delete(polls).where(eq(polls.id, id));
}

export async function findBallot(
  q: Queryable,
  pollId: string,
  userId: string,
): Promise<BallotRow | undefined> {
  const [row] = await q
    .select()
    .from(pollBallots)
    .where(and(eq(pollBallots.pollId, pollId), eq(pollBallots.userId, userId)));
  return row;
}

/** Which of `userIds` hold a ballot in the poll (one query for any number of users). */
export async function votersAmong(
  q: Queryable,
  pollId: string,
  userIds: readonly string[],
): Promise<Set<string>> {
  if (!userIds.length) return new Set();
  const rows = await q
    .select({ userId: pollBallots.userId })
    .from(pollBallots)
    .where(and(eq(pollBallots.pollId, pollId), inArray(pollBallots.userId, [...userIds])));
  return new Set(rows.map((r) => r.userId));
}

/** All ballots of a batch in one statement; each user appears once (the caller de-duplicates). */
export function upsertBallots(q: Queryable, rows: (typeof pollBallots.$inferInsert)[]): Promise<BallotRow[]> {
  if (!rows.length) return Promise.resolve([]);
  return q
    .insert(pollBallots)
    .values(rows)
    .onConflictDoUpdate({
      target: [pollBallots.pollId, pollBallots.userId],
      set: {
        optionIds: sql`excluded.option_ids`,
        rating: sql`excluded.rating`,
        words: sql`excluded.words`,
        updatedAt: sql`now()`,
      },
    })
    .returning();
}

export interface DerivedCounts {
  total: number;
  counts: Record<string, number>;
  average: number | null;
  words: { word: string; n: number }[];
}

/**
 * The counts of a poll, derived from the ballots with GROUP BY each time (never a stored counter),
 * so whatever interleaving the votes had, the numbers are exactly the committed ballots.
 */
export async function deriveCounts(q: Queryable, poll: Pick<PollRow, 'id' | 'kind'>): Promise<DerivedCounts> {
  const [totals] = await queryRows<{ total: number; average: number | null }>(
    q,
    sql`select count(*)::int as total, avg(rating)::float8 as average from poll_ballots where poll_id = ${poll.id}`,
  );
  const counts: Record<string, number> = {};
  let words: DerivedCounts['words'] = [];
  if (poll.kind === 'single' || poll.kind === 'multiple') {
    const rows = await queryRows<{ k: string; n: number }>(
      q,
      sql`select o::text as k, count(*)::int as n from poll_ballots, unnest(option_ids) as o
          where poll_id = ${poll.id} group by o`,
    );
    for (const r of rows) counts[r.k] = Number(r.n);
  } else if (poll.kind === 'rating') {
    const rows = await queryRows<{ k: number; n: number }>(
      q,
      sql`select rating as k, count(*)::int as n from poll_ballots
          where poll_id = ${poll.id} and rating is not null group by rating`,
    );
    for (const r of rows) counts[String(r.k)] = Number(r.n);
  } else {
    const rows = await queryRows<{ word: string; n: number }>(
      q,
      sql`select w as word, count(*)::int as n from poll_ballots, unnest(words) as w
          where poll_id = ${poll.id}
            and not exists (select 1 from poll_hidden_words h where h.poll_id = ${poll.id} and h.word = w)
          group by w order by count(*) desc, w asc limit ${TOP_WORDS}`,
    );
    words = rows.map((r) => ({ word: r.word, n: Number(r.n) }));
    for (const r of words) counts[r.word] = r.n;
  }
  const average = poll.kind === 'rating' && totals?.average != null ? Number(totals.average) : null;
  return { total: Number(totals?.total ?? 0), counts, average, words };
}

/** True when the visibility changed. */
export async function setHiddenWord(
  q: Queryable,
  pollId: string,
  word: string,
  hidden: boolean,
): Promise<boolean> {
  if (hidden) {
    const rows = await q
      .insert(pollHiddenWords)
      .values({ pollId, word })
      .onConflictDoNothing()
      .returning({ word: pollHiddenWords.word });
    return rows.length > 0;
  }
  const rows = await q
    .delete(pollHiddenWords)
    .where(and(eq(pollHiddenWords.pollId, pollId), eq(pollHiddenWords.word, word)))
    .returning({ word: pollHiddenWords.word });
  return rows.length > 0;
}

/** A named poll's voters, most recent ballot first (at most `limit`). */
export function listVoters(q: Queryable, pollId: string, limit: number) {
  return q
    .select({
      userId: pollBallots.userId,
      name: users.name,
      optionIds: pollBallots.optionIds,
      rating: pollBallots.rating,
      words: pollBallots.words,
      updatedAt: pollBallots.updatedAt,
    })
    .from(pollBallots)
    .innerJoin(users, eq(users.id, pollBallots.userId))
    .where(eq(pollBallots.pollId, pollId))
    .orderBy(desc(pollBallots.updatedAt), asc(pollBallots.userId))
    .limit(limit);
}

/** Hides many words of one cloud in one statement (words the filters held in a vote batch). */
export async function hideWords(q: Queryable, pollId: string, words: readonly string[]): Promise<void> {
  if (!words.length) return;
  await q
    .insert(pollHiddenWords)
    .values(words.map((word) => ({ pollId, word })))
    .onConflictDoNothing();
}

/** Records held words (one statement); answers only those not held before, which need a queue item. */
export async function holdWords(q: Queryable, rows: (typeof pollHeldWords.$inferInsert)[]) {
  if (!rows.length) return [];
  return q.insert(pollHeldWords).values(rows).onConflictDoNothing().returning();
}

/** A held word with its poll's event (a moderation target), or undefined. */
export async function findHeldWord(q: Queryable, id: string) {
  const [row] = await q
    .select({
      id: pollHeldWords.id,
      pollId: pollHeldWords.pollId,
      word: pollHeldWords.word,
      authorId: pollHeldWords.authorId,
      eventId: polls.eventId,
    })
    .from(pollHeldWords)
    .innerJoin(polls, eq(polls.id, pollHeldWords.pollId))
    .where(eq(pollHeldWords.id, id));
  return row;
}
