import {
  type Challenge,
  type ChallengeGoal,
  type ChallengeList,
  type Change,
  type CreateChallengeBody,
  entities,
  parseScope,
} from '@muster/protocol';
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import type { Limit } from '../../platform/auth/rate-limiter.ts';
import type { ChangeReactor } from '../../platform/changes/reactors.ts';
import type { AuthedCtx, Platform } from '../../platform/context.ts';
import type { Queryable } from '../../platform/db/client.ts';
import { withTx } from '../../platform/db/unit-of-work.ts';
import { AppError, ErrorCode, invalid } from '../../platform/errors.ts';
import type { BatchOutcome } from '../../platform/jobs/jobs.ts';
import { isEventManager, requireEvent } from '../events/index.ts';
import { requirePlayer } from './engagement.access.ts';
import { boardTicks } from './engagement.board.live.ts';
import { teamOf } from './engagement.board.ts';
import { applyFacts, lockScores, type PointsFact } from './engagement.ledger.ts';
import {
  challengeCompletions,
  challenges,
  huntCheckpoints,
  hunts,
  pointScores,
  pointsLedger,
  teamMembers,
} from './engagement.tables.ts';

export const CHALLENGE_WRITE_LIMIT: Limit = { name: 'challenge-write', points: 30, durationSeconds: 3600 };
export const MAX_CHALLENGES_PER_EVENT = 20;
const DEFAULT_CHALLENGE_POINTS = 50;

type Row = typeof challenges.$inferSelect;

export async function createChallenge(
  ctx: AuthedCtx,
  eventId: string,
  body: CreateChallengeBody,
): Promise<Challenge> {
  await ctx.platform.limits.consume(CHALLENGE_WRITE_LIMIT, ctx.actor.userId);
  if (body.goal === 'team_points' && !body.target)
    throw invalid('body.target', 'is needed for a team_points goal');
  if (body.goal === 'hunt' && !body.huntId) throw invalid('body.huntId', 'is needed for a hunt goal');
  return withTx(ctx.platform, async ({ tx }) => {
    await requireEvent(tx, eventId, ctx.actor.userId, isEventManager, { forUpdate: true });
    if (body.huntId) {
      const [hunt] = await tx.select({ eventId: hunts.eventId }).from(hunts).where(eq(hunts.id, body.huntId));
      if (hunt?.eventId !== eventId) throw invalid('body.huntId', 'is not a hunt of this event');
    }
    const [count] = await tx
      .select({ n: sql<number>`count(*)::int` })
      .from(challenges)
      .where(eq(challenges.eventId, eventId));
    if ((count?.n ?? 0) >= MAX_CHALLENGES_PER_EVENT)
      throw new AppError(
        ErrorCode.limit_reached,
        `An event has at most ${MAX_CHALLENGES_PER_EVENT} challenges`,
      );
    const [row] = await tx
      .insert(challenges)
      .values({
        id: uuidv7(),
        eventId,
        title: body.title.trim(),
        goal: body.goal,
        target: body.goal === 'team_points' ? body.target! : null,
        huntId: body.goal === 'hunt' ? body.huntId! : null,
        points: body.points ?? DEFAULT_CHALLENGE_POINTS,
      })
      .returning();
    return present(row!, null, null);
  });
}

/** The event's challenges with my team's progress (none without a team). */
export async function listChallenges(ctx: AuthedCtx, eventId: string): Promise<ChallengeList> {
  const db = ctx.platform.db;
  await requirePlayer(db, eventId, ctx.actor.userId);
  const rows = await db
    .select()
    .from(challenges)
    .where(eq(challenges.eventId, eventId))
    .orderBy(asc(challenges.createdAt));
  const teamId = await teamOf(db, eventId, ctx.actor.userId);
  const completed = teamId ? await completionsOf(db, teamId) : new Map<string, Date>();
  const items: Challenge[] = [];
  for (const row of rows)
    items.push(
      present(row, teamId ? await progressOf(db, row, teamId) : null, completed.get(row.id) ?? null),
    );
  return { items };
}

/** How far a team is: its points, the hunt's checkpoints found between its members, its members in. */
async function progressOf(
  q: Queryable,
  challenge: Row,
  teamId: string,
): Promise<{ done: number; of: number }> {
  const members = q
    .select({ userId: teamMembers.userId })
    .from(teamMembers)
    .where(eq(teamMembers.teamId, teamId));
  if (challenge.goal === 'team_points') {
    const [row] = await q
      .select({ total: sql<number>`coalesce(sum(${pointScores.points}), 0)::int` })
      .from(pointScores)
      .where(and(eq(pointScores.eventId, challenge.eventId), inArray(pointScores.userId, members)));
    return { done: row?.total ?? 0, of: challenge.target ?? 0 };
  }
  if (challenge.goal === 'hunt') {
    const [row] = await q
      .select({
        of: sql<number>`count(*)::int`,
        done: sql<number>`count(*) filter (where exists (select 1 from ${pointsLedger} l
          where l.event_id = ${challenge.eventId} and l.action = 'checkpoint_found' and l.withdrawn_at is null
          and l.subject_id = hunt_checkpoints.id::text
          and l.user_id in (select user_id from ${teamMembers} where team_id = ${teamId})))::int`,
      })
      .from(huntCheckpoints)
      .where(eq(huntCheckpoints.huntId, challenge.huntId!));
    return { done: row?.done ?? 0, of: row?.of ?? 0 };
  }
  const [row] = await q
    .select({
      of: sql<number>`count(*)::int`,
      done: sql<number>`count(*) filter (where exists (select 1 from ${pointsLedger} l
        where l.event_id = ${challenge.eventId} and l.user_id = team_members.user_id
        and l.action = 'checkin' and l.withdrawn_at is null))::int`,
    })
    .from(teamMembers)
    .where(eq(teamMembers.teamId, teamId));
  // A team of one is not a team effort.
  return { done: row?.done ?? 0, of: Math.max(row?.of ?? 0, 2) };
}

async function completionsOf(q: Queryable, teamId: string): Promise<Map<string, Date>> {
  const rows = await q.select().from(challengeCompletions).where(eq(challengeCompletions.teamId, teamId));
  return new Map(rows.map((r) => [r.challengeId, r.completedAt]));
}

const present = (
  row: Row,
  progress: { done: number; of: number } | null,
  completedAt: Date | null,
): Challenge => ({
  id: row.id,
  eventId: row.eventId,
  title: row.title,
  goal: row.goal as ChallengeGoal,
  target: row.target,
  huntId: row.huntId,
  points: row.points,
  progress,
  completedAt: completedAt?.toISOString() ?? null,
});

/**
 * Engagement reacting to its own `engagement.pointsChanged`: after anyone's points move, their
 * team's open challenges are checked; a team that got there is recorded once (primary key) and each
 * of its members now scores the challenge's points, in that transaction.
 */
export function challengeReactor(platform: Platform): ChangeReactor {
  return {
    name: 'engagement.challenges',
    entities: [entities.engagement.pointsChanged],
    batchSize: 20,
    maxReceives: 10,
    async react(leased) {
      const outcomes: BatchOutcome[] = [];
      for (const job of leased) outcomes.push(await checkChallenges(platform, job.data).catch(asError));
      return outcomes;
    },
  };
}

async function checkChallenges(platform: Platform, change: Change): Promise<BatchOutcome> {
  const userId = parseScope(change.scope, ['user'])?.id;
  const eventId = change.id;
  if (!userId) return 'skipped';
  const teamId = await teamOf(platform.db, eventId, userId);
  if (!teamId) return 'skipped';
  const open = await platform.db
    .select()
    .from(challenges)
    .where(
      and(
        eq(challenges.eventId, eventId),
        sql`not exists (select 1 from ${challengeCompletions} c where c.challenge_id = ${challenges.id} and c.team_id = ${teamId})`,
      ),
    );
  let completed = 0;
  for (const challenge of open) {
    const progress = await progressOf(platform.db, challenge, teamId);
    if (progress.of === 0 || progress.done < progress.of) continue;
    const done = await withTx(platform, async (work) => {
      const [row] = await work.tx
        .insert(challengeCompletions)
        .values({ challengeId: challenge.id, teamId })
        .onConflictDoNothing()
        .returning();
      if (!row) return false;
      const members = await work.tx
        .select({ userId: teamMembers.userId })
        .from(teamMembers)
        .where(eq(teamMembers.teamId, teamId));
      const facts: PointsFact[] = members.map((m) => ({
        eventId,
        userId: m.userId,
        action: 'challenge_completed',
        subjectId: challenge.id,
        holds: true,
        points: challenge.points,
      }));
      await lockScores(work.tx, facts);
      await applyFacts(work, facts);
      return true;
    });
    if (done) completed++;
  }
  if (completed) boardTicks(platform).touch(eventId);
  return completed ? 'done' : 'skipped';
}

const asError = (error: unknown) => (error instanceof Error ? error : new Error(String(error)));
