import { type CreateTeamBody, entities, scopes, type Team, type TeamList } from '@muster/protocol';
import { and, asc, eq, sql } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import type { Limit } from '../../platform/auth/rate-limiter.ts';
import type { AuthedCtx } from '../../platform/context.ts';
import type { Tx } from '../../platform/db/client.ts';
import { type Work, withTx } from '../../platform/db/unit-of-work.ts';
import { AppError, ErrorCode, invalid, notFound } from '../../platform/errors.ts';
import { contentRefused, screenText } from '../moderation/index.ts';
import { requirePlayer } from './engagement.access.ts';
import { boardTicks } from './engagement.board.live.ts';
import { gameSettings } from './engagement.settings.ts';
import { teamMembers, teams } from './engagement.tables.ts';

/** Creating, joining and leaving teams: plenty for people choosing a team, not for churning boards. */
export const TEAM_WRITE_LIMIT: Limit = { name: 'team-write', points: 20, durationSeconds: 60 };
/** Teams per event: the team board is read whole, so it stays small. */
export const MAX_TEAMS_PER_EVENT = 200;

type TeamRow = typeof teams.$inferSelect;

const presentTeam = (row: TeamRow): Team => ({
  id: row.id,
  eventId: row.eventId,
  name: row.name,
  captainId: row.captainId,
  members: row.members,
  createdAt: row.createdAt.toISOString(),
});

export async function listTeams(ctx: AuthedCtx, eventId: string): Promise<TeamList> {
  const db = ctx.platform.db;
  await requirePlayer(db, eventId, ctx.actor.userId);
  const rows = await db.select().from(teams).where(eq(teams.eventId, eventId)).orderBy(asc(teams.createdAt));
  const [mine] = await db
    .select({ teamId: teamMembers.teamId })
    .from(teamMembers)
    .where(and(eq(teamMembers.eventId, eventId), eq(teamMembers.userId, ctx.actor.userId)));
  return { items: rows.map(presentTeam), mine: mine?.teamId ?? null };
}

/** A new team with its creator as captain and first member (leaving their previous team). */
export async function createTeam(ctx: AuthedCtx, eventId: string, body: CreateTeamBody): Promise<Team> {
  const me = ctx.actor.userId;
  const name = body.name.trim();
  if (!name) throw invalid('name', 'must not be blank');
  await ctx.platform.limits.consume(TEAM_WRITE_LIMIT, me);
  const team = await withTx(ctx.platform, async (work) => {
    await requirePlayer(work.tx, eventId, me, { forUpdate: true });
    // A team's name is shown to everyone at the event: it passes the event's filters like a message.
    const verdict = await screenText(work, { eventId, userId: me, path: 'team', text: name });
    if (verdict.verdict === 'hold') throw contentRefused('body.name', verdict.flags);
    const [count] = await work.tx
      .select({ n: sql<number>`count(*)::int` })
      .from(teams)
      .where(eq(teams.eventId, eventId));
    if ((count?.n ?? 0) >= MAX_TEAMS_PER_EVENT)
      throw new AppError(ErrorCode.limit_reached, `An event has at most ${MAX_TEAMS_PER_EVENT} teams`);
    const [created] = await work.tx
      .insert(teams)
      .values({ id: uuidv7(), eventId, name, captainId: me })
      .onConflictDoNothing()
      .returning();
    if (!created) throw new AppError(ErrorCode.conflict, 'A team of this event already has that name');
    await leaveCurrent(work, eventId, me);
    return joinTeam(work, created, me);
  });
  boardTicks(ctx.platform).touch(eventId);
  return team;
}

/** Joins a team of the event, leaving the previous one; refused when the team is full. */
export async function join(ctx: AuthedCtx, teamId: string): Promise<Team> {
  const me = ctx.actor.userId;
  await ctx.platform.limits.consume(TEAM_WRITE_LIMIT, me);
  const team = await withTx(ctx.platform, async (work) => {
    const target = await lockTeam(work.tx, teamId);
    await requirePlayer(work.tx, target.eventId, me);
    const [already] = await work.tx
      .select({ teamId: teamMembers.teamId })
      .from(teamMembers)
      .where(and(eq(teamMembers.eventId, target.eventId), eq(teamMembers.userId, me)));
    if (already?.teamId === teamId) return presentTeam(target);
    const { teamSizeCap } = await gameSettings(work.tx, target.eventId);
    if (target.members >= teamSizeCap)
      throw new AppError(ErrorCode.capacity_reached, `This team is full (${teamSizeCap} members)`);
    await leaveCurrent(work, target.eventId, me);
    return joinTeam(work, target, me);
  });
  boardTicks(ctx.platform).touch(team.eventId);
  return team;
}

export async function leave(ctx: AuthedCtx, teamId: string): Promise<void> {
  const me = ctx.actor.userId;
  await ctx.platform.limits.consume(TEAM_WRITE_LIMIT, me);
  const eventId = await withTx(ctx.platform, async (work) => {
    const target = await lockTeam(work.tx, teamId);
    await requirePlayer(work.tx, target.eventId, me);
    await leaveCurrent(work, target.eventId, me, teamId);
    return target.eventId;
  });
  boardTicks(ctx.platform).touch(eventId);
}

async function lockTeam(tx: Tx, teamId: string): Promise<TeamRow> {
  const [row] = await tx.select().from(teams).where(eq(teams.id, teamId)).for('update');
  if (!row) throw notFound('Team');
  return row;
}

async function joinTeam(work: Work, team: TeamRow, userId: string): Promise<Team> {
  await work.tx.insert(teamMembers).values({ eventId: team.eventId, userId, teamId: team.id });
  const [row] = await work.tx
    .update(teams)
    .set({ members: sql`${teams.members} + 1` })
    .where(eq(teams.id, team.id))
    .returning();
  return announce(work, row!);
}

/**
 * Takes the person out of their team at the event (only `onlyTeamId`'s, when given). A captain who
 * leaves hands the team to its longest-standing member; the last one out leaves an empty team,
 * which stays on the board with its name (a team's points are its members', so it scores 0).
 */
async function leaveCurrent(work: Work, eventId: string, userId: string, onlyTeamId?: string) {
  const [left] = await work.tx
    .delete(teamMembers)
    .where(
      and(
        eq(teamMembers.eventId, eventId),
        eq(teamMembers.userId, userId),
        onlyTeamId ? eq(teamMembers.teamId, onlyTeamId) : undefined,
      ),
    )
    .returning({ teamId: teamMembers.teamId });
  if (!left) return;
  const [next] = await work.tx
    .select({ userId: teamMembers.userId })
    .from(teamMembers)
    .where(eq(teamMembers.teamId, left.teamId))
    .orderBy(asc(teamMembers.joinedAt), asc(teamMembers.userId))
    .limit(1);
  const [row] = await work.tx
    .update(teams)
    .set({
      members: sql`${teams.members} - 1`,
      captainId: sql`case when ${teams.captainId} = ${userId}::uuid then ${next?.userId ?? null}::uuid else ${teams.captainId} end`,
    })
    .where(eq(teams.id, left.teamId))
    .returning();
  if (row) await announce(work, row);
}

async function announce(work: Work, row: TeamRow): Promise<Team> {
  const team = presentTeam(row);
  await work.append({
    scope: scopes.event(row.eventId),
    entity: entities.engagement.teamChanged,
    op: 'upsert',
    id: row.id,
    data: team,
  });
  return team;
}
