import type { Standing, TeamScoring } from '@muster/protocol';
import { and, eq, sql } from 'drizzle-orm';
import type { Queryable } from '../../platform/db/client.ts';
import { eventRoles } from '../events/index.ts';
import { users } from '../identity/index.ts';
import { leaderboardOptOuts, pointScores, teamMembers, teams } from './engagement.tables.ts';

/** Roles that run the event: they score for themselves but never appear on its individual board. */
const STAFF_ROLES = ['organiser', 'staff', 'volunteer'];

/** On the individual board: has points, did not opt out, does not run the event. */
const eligible = (eventId: string) => sql`${pointScores.boardPoints} > 0
  and not exists (select 1 from ${leaderboardOptOuts} o where o.event_id = ${eventId} and o.user_id = ${pointScores.userId})
  and not exists (select 1 from ${eventRoles} r where r.event_id = ${eventId} and r.user_id = ${pointScores.userId}
    and r.role in (${sql.join(
      STAFF_ROLES.map((role) => sql`${role}`),
      sql`, `,
    )}))`;

/** The top of the individual board: points, then whoever reached them first, then id (stable). */
export async function individualTop(db: Queryable, eventId: string, limit: number): Promise<Standing[]> {
  const rows = await db
    .select({
      id: pointScores.userId,
      name: users.name,
      points: pointScores.boardPoints,
      reachedAt: pointScores.boardReachedAt,
    })
    .from(pointScores)
    .innerJoin(users, eq(users.id, pointScores.userId))
    .where(and(eq(pointScores.eventId, eventId), eligible(eventId)))
    .orderBy(
      sql`${pointScores.boardPoints} desc, ${pointScores.boardReachedAt} asc, ${pointScores.userId} asc`,
    )
    .limit(limit);
  return rows.map((row, i) => ({ rank: i + 1, ...row, reachedAt: row.reachedAt.toISOString() }));
}

/** One person's place on the individual board (one indexed count), or null when not on it. */
export async function individualStanding(
  db: Queryable,
  eventId: string,
  userId: string,
): Promise<Standing | null> {
  const [mine] = await db
    .select({
      id: pointScores.userId,
      name: users.name,
      points: pointScores.boardPoints,
      reachedAt: pointScores.boardReachedAt,
    })
    .from(pointScores)
    .innerJoin(users, eq(users.id, pointScores.userId))
    .where(and(eq(pointScores.eventId, eventId), eq(pointScores.userId, userId), eligible(eventId)));
  if (!mine) return null;
  const [ahead] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(pointScores)
    .where(
      and(
        eq(pointScores.eventId, eventId),
        eligible(eventId),
        sql`(${pointScores.boardPoints} > ${mine.points} or (${pointScores.boardPoints} = ${mine.points}
          and (${pointScores.boardReachedAt}, ${pointScores.userId}) < (${mine.reachedAt.toISOString()}::timestamptz, ${userId}::uuid)))`,
      ),
    );
  return { rank: (ahead?.n ?? 0) + 1, ...mine, reachedAt: mine.reachedAt.toISOString() };
}

/**
 * Every team of the event with its score: the sum of its members' board points, or their average
 * (members without points count as zero). Ties go to the team that reached its score first.
 */
export async function teamStandings(
  db: Queryable,
  eventId: string,
  scoring: TeamScoring,
): Promise<Standing[]> {
  const rows = await db
    .select({
      id: teams.id,
      name: teams.name,
      members: teams.members,
      createdAt: teams.createdAt,
      total: sql<number>`coalesce(sum(${pointScores.boardPoints}), 0)::int`,
      reachedAt: sql<string | null>`max(${pointScores.boardReachedAt})`,
    })
    .from(teams)
    .leftJoin(teamMembers, eq(teamMembers.teamId, teams.id))
    .leftJoin(
      pointScores,
      and(eq(pointScores.eventId, teamMembers.eventId), eq(pointScores.userId, teamMembers.userId)),
    )
    .where(eq(teams.eventId, eventId))
    .groupBy(teams.id);
  const scored = rows.map((row) => ({
    id: row.id,
    name: row.name,
    members: row.members,
    points: scoring === 'sum' ? row.total : row.members ? Math.round(row.total / row.members) : 0,
    reachedAt: row.reachedAt ? new Date(row.reachedAt).toISOString() : row.createdAt.toISOString(),
  }));
  scored.sort(
    (a, b) => b.points - a.points || a.reachedAt.localeCompare(b.reachedAt) || a.id.localeCompare(b.id),
  );
  return scored.map((team, i) => ({ rank: i + 1, ...team }));
}

/** The caller's team at the event, if any. */
export async function teamOf(db: Queryable, eventId: string, userId: string): Promise<string | null> {
  const [row] = await db
    .select({ teamId: teamMembers.teamId })
    .from(teamMembers)
    .where(and(eq(teamMembers.eventId, eventId), eq(teamMembers.userId, userId)));
  return row?.teamId ?? null;
}
