import type { Recommendation, RecommendationList } from '@muster/protocol';
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Limit } from '../../platform/auth/rate-limiter.ts';
import type { AuthedCtx } from '../../platform/context.ts';
import { bookmarks } from '../agenda/index.ts';
import { requireParticipant, rsvps, TAKING_PART } from '../events/index.ts';
import { userBlocks, users } from '../identity/index.ts';
import { connections } from './networking.tables.ts';

export const RECOMMENDATIONS_LIMIT: Limit = { name: 'recommendations', points: 30, durationSeconds: 60 };
const MAX_RECOMMENDATIONS = 20;

/**
 * People at the event worth meeting (H1): listed in its directory, not me, not connected or asked
 * either way, no block either way; ranked by interests we share (twice as much) and sessions both
 * have on our schedules. One statement; the shared sessions come from the bookmarks index by session.
 */
export async function recommendations(ctx: AuthedCtx, eventId: string): Promise<RecommendationList> {
  const me = ctx.actor.userId;
  await ctx.platform.limits.consume(RECOMMENDATIONS_LIMIT, me);
  const db = ctx.platform.db;
  await requireParticipant(db, eventId, me);
  const [mine] = await db.select({ interests: users.interests }).from(users).where(eq(users.id, me));
  const mySessions = (
    await db
      .select({ sessionId: bookmarks.sessionId })
      .from(bookmarks)
      .where(and(eq(bookmarks.userId, me), eq(bookmarks.eventId, eventId)))
  ).map((b) => b.sessionId);
  const myInterests = sql`${sql.param(mine?.interests ?? [])}::text[]`;
  const sessionIds = sql`${sql.param(mySessions)}::uuid[]`;
  const shared = sql<
    string[]
  >`array(select unnest(${users.interests}) intersect select unnest(${myInterests}))`;
  // `users.id` in full: drizzle writes a select-list column of the query's own table unqualified.
  const sharedSessions = sql<number>`(select count(*)::int from ${bookmarks} b where b.user_id = users.id and b.session_id = any(${sessionIds}))`;
  const rows = await db
    .select({
      userId: users.id,
      name: users.name,
      headline: users.headline,
      company: users.company,
      interests: users.interests,
      shared,
      sharedSessions,
    })
    .from(rsvps)
    .innerJoin(users, eq(users.id, rsvps.userId))
    .where(
      and(
        eq(rsvps.eventId, eventId),
        inArray(rsvps.status, [...TAKING_PART]),
        eq(users.directoryVisible, true),
        sql`${users.id} <> ${me}`,
        sql`not exists (select 1 from ${userBlocks} k where (k.blocker_id = ${me} and k.blocked_id = ${users.id})
          or (k.blocked_id = ${me} and k.blocker_id = ${users.id}))`,
        sql`not exists (select 1 from ${connections} c where (c.requester_id = ${me} and c.addressee_id = ${users.id})
          or (c.addressee_id = ${me} and c.requester_id = ${users.id}))`,
        sql`(${users.interests} && ${myInterests} or exists (select 1 from ${bookmarks} b
          where b.user_id = ${users.id} and b.session_id = any(${sessionIds})))`,
      ),
    )
    .orderBy(sql`cardinality(${shared}) * 2 + ${sharedSessions} desc, ${users.name} asc, ${users.id} asc`)
    .limit(MAX_RECOMMENDATIONS);
  const items: Recommendation[] = rows.map(({ shared: common, sharedSessions: sessions, ...person }) => ({
    person,
    sharedInterests: common,
    sharedSessions: sessions,
  }));
  return { items };
}
