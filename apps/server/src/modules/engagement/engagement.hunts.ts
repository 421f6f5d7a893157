import type {
  CheckpointClaimed,
  ClaimCheckpointBody,
  CreateHuntBody,
  Hunt,
  HuntCheckpoint,
  HuntList,
  PointAction,
} from '@muster/protocol';
import { and, asc, eq, inArray, isNull, sql } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import type { Limit } from '../../platform/auth/rate-limiter.ts';
import type { AuthedCtx } from '../../platform/context.ts';
import type { Queryable } from '../../platform/db/client.ts';
import { withTx } from '../../platform/db/unit-of-work.ts';
import { AppError, ErrorCode, notFound } from '../../platform/errors.ts';
import { humanCode, normaliseHumanCode } from '../../platform/human-code.ts';
import { isEventManager, isEventStaff, requireEvent } from '../events/index.ts';
import { requirePlayer } from './engagement.access.ts';
import { boardTicks } from './engagement.board.live.ts';
import { applyFacts, lockScores, type PointsFact } from './engagement.ledger.ts';
import { huntCheckpoints, hunts, pointsLedger } from './engagement.tables.ts';

/** Claims per person: a hunt is walked, not scripted. */
export const HUNT_CLAIM_LIMIT: Limit = { name: 'hunt-claim', points: 30, durationSeconds: 60 };
/** Wrong codes per person: counted only when a code matches nothing, checked before each claim. */
export const HUNT_WRONG_CODE_LIMIT: Limit = { name: 'hunt-wrong-code', points: 10, durationSeconds: 600 };
/** A person finds at most one checkpoint per this many seconds: codes passed around a group chat do not sweep a hunt. */
export const MIN_SECONDS_BETWEEN_FINDS = 20;
export const HUNT_WRITE_LIMIT: Limit = { name: 'hunt-write', points: 20, durationSeconds: 3600 };
export const MAX_HUNTS_PER_EVENT = 20;

type CheckpointRow = typeof huntCheckpoints.$inferSelect;
type HuntRow = typeof hunts.$inferSelect;

/** What a person typed or scanned, as stored (see `normaliseHumanCode`). */
export const normaliseHuntCode = normaliseHumanCode;

export async function createHunt(ctx: AuthedCtx, eventId: string, body: CreateHuntBody): Promise<Hunt> {
  await ctx.platform.limits.consume(HUNT_WRITE_LIMIT, ctx.actor.userId);
  return withTx(ctx.platform, async ({ tx }) => {
    await requireEvent(tx, eventId, ctx.actor.userId, isEventManager, { forUpdate: true });
    const [count] = await tx
      .select({ n: sql<number>`count(*)::int` })
      .from(hunts)
      .where(eq(hunts.eventId, eventId));
    if ((count?.n ?? 0) >= MAX_HUNTS_PER_EVENT)
      throw new AppError(ErrorCode.limit_reached, `An event has at most ${MAX_HUNTS_PER_EVENT} hunts`);
    const [hunt] = await tx
      .insert(hunts)
      .values({ id: uuidv7(), eventId, title: body.title.trim(), ordered: body.ordered ?? false })
      .returning();
    const checkpoints = await tx
      .insert(huntCheckpoints)
      .values(
        body.checkpoints.map((cp, position) => ({
          id: uuidv7(),
          huntId: hunt!.id,
          eventId,
          position,
          name: cp.name.trim(),
          points: cp.points ?? 25,
          clue: cp.clue ?? null,
          hint: cp.hint ?? null,
          hintCost: cp.hintCost ?? 0,
          code: humanCode(8),
        })),
      )
      .returning();
    return presentHunt(hunt!, checkpoints, new Set(), new Set(), true);
  });
}

export async function listHunts(ctx: AuthedCtx, eventId: string): Promise<HuntList> {
  const me = ctx.actor.userId;
  const db = ctx.platform.db;
  const access = await requirePlayer(db, eventId, me);
  const rows = await db.select().from(hunts).where(eq(hunts.eventId, eventId)).orderBy(asc(hunts.createdAt));
  if (!rows.length) return { items: [] };
  const checkpoints = await db
    .select()
    .from(huntCheckpoints)
    .where(eq(huntCheckpoints.eventId, eventId))
    .orderBy(asc(huntCheckpoints.position));
  const found = await mySubjects(db, eventId, me, 'checkpoint_found');
  const hinted = await mySubjects(db, eventId, me, 'hint_taken');
  const staff = isEventStaff(access);
  return {
    items: rows.map((hunt) =>
      presentHunt(
        hunt,
        checkpoints.filter((cp) => cp.huntId === hunt.id),
        found,
        hinted,
        staff,
      ),
    ),
  };
}

/**
 * A find: the code names a checkpoint; the person takes part in its event, has not found it yet,
 * found the previous one of an ordered hunt, and found nothing else in the last
 * MIN_SECONDS_BETWEEN_FINDS. Checked and awarded under the person's score lock, so two phones of
 * one person racing with two codes cannot both pass the time check.
 */
export async function claimCheckpoint(ctx: AuthedCtx, body: ClaimCheckpointBody): Promise<CheckpointClaimed> {
  const me = ctx.actor.userId;
  await ctx.platform.limits.consume(HUNT_CLAIM_LIMIT, me);
  await ctx.platform.limits.assertAvailable(HUNT_WRONG_CODE_LIMIT, me);
  const code = normaliseHuntCode(body.code);
  const [checkpoint] = await ctx.platform.db
    .select()
    .from(huntCheckpoints)
    .where(eq(huntCheckpoints.code, code));
  if (!checkpoint) {
    await ctx.platform.limits.penalize(HUNT_WRONG_CODE_LIMIT, me);
    throw notFound('Checkpoint');
  }
  const eventId = checkpoint.eventId;
  const result = await withTx(ctx.platform, async (work) => {
    const { tx } = work;
    await requirePlayer(tx, eventId, me);
    const find: PointsFact = {
      eventId,
      userId: me,
      action: 'checkpoint_found',
      subjectId: checkpoint.id,
      holds: true,
      points: checkpoint.points,
    };
    await lockScores(tx, [find]);
    const [hunt] = await tx.select().from(hunts).where(eq(hunts.id, checkpoint.huntId));
    const all = await tx
      .select()
      .from(huntCheckpoints)
      .where(eq(huntCheckpoints.huntId, checkpoint.huntId))
      .orderBy(asc(huntCheckpoints.position));
    const found = await mySubjects(tx, eventId, me, 'checkpoint_found');
    const hinted = await mySubjects(tx, eventId, me, 'hint_taken');
    const counted = (set: Set<string>) => all.filter((cp) => set.has(cp.id)).length;
    const answer = (points: number, alreadyFound: boolean): CheckpointClaimed => ({
      eventId,
      huntId: checkpoint.huntId,
      checkpoint: presentCheckpoint(checkpoint, found, hinted, false),
      points,
      alreadyFound,
      found: counted(found),
      total: all.length,
    });
    if (found.has(checkpoint.id)) return answer(0, true);
    await assertFindAllowed(tx, eventId, me);
    const previous = all[checkpoint.position - 1];
    if (hunt?.ordered && previous && !found.has(previous.id))
      throw new AppError(ErrorCode.invalid_transition, `Find “${previous.name}” first`);
    await applyFacts(work, [find]);
    found.add(checkpoint.id);
    return answer(checkpoint.points, false);
  });
  if (!result.alreadyFound) boardTicks(ctx.platform).touch(eventId);
  return result;
}

/** Takes a checkpoint's hint, once, for its cost in points (a negative ledger line). */
export async function takeHint(ctx: AuthedCtx, checkpointId: string): Promise<HuntCheckpoint> {
  const me = ctx.actor.userId;
  await ctx.platform.limits.consume(HUNT_CLAIM_LIMIT, me);
  const [checkpoint] = await ctx.platform.db
    .select()
    .from(huntCheckpoints)
    .where(eq(huntCheckpoints.id, checkpointId));
  if (!checkpoint?.hint) throw notFound('Hint');
  const presented = await withTx(ctx.platform, async (work) => {
    await requirePlayer(work.tx, checkpoint.eventId, me);
    const cost: PointsFact = {
      eventId: checkpoint.eventId,
      userId: me,
      action: 'hint_taken',
      subjectId: checkpoint.id,
      holds: true,
      points: -checkpoint.hintCost,
    };
    await lockScores(work.tx, [cost]);
    const hinted = await mySubjects(work.tx, checkpoint.eventId, me, 'hint_taken');
    if (!hinted.has(checkpoint.id)) await applyFacts(work, [cost]);
    const found = await mySubjects(work.tx, checkpoint.eventId, me, 'checkpoint_found');
    return presentCheckpoint(checkpoint, found, new Set([...hinted, checkpoint.id]), false);
  });
  boardTicks(ctx.platform).touch(checkpoint.eventId);
  return presented;
}

async function assertFindAllowed(q: Queryable, eventId: string, userId: string) {
  const [last] = await q
    .select({
      waitSeconds: sql<number>`extract(epoch from (max(${pointsLedger.awardedAt}) + ${MIN_SECONDS_BETWEEN_FINDS} * interval '1 second' - now()))::float8`,
    })
    .from(pointsLedger)
    .where(
      and(
        eq(pointsLedger.eventId, eventId),
        eq(pointsLedger.userId, userId),
        eq(pointsLedger.action, 'checkpoint_found'),
      ),
    );
  const wait = Number(last?.waitSeconds ?? 0);
  if (wait > 0)
    throw new AppError(
      ErrorCode.rate_limited,
      'You just found a checkpoint: the next one can wait a moment',
      {
        retryAfterSeconds: Math.ceil(wait),
      },
    );
}

/** The subjects of my live ledger lines of one action at an event. */
async function mySubjects(
  q: Queryable,
  eventId: string,
  userId: string,
  action: PointAction,
): Promise<Set<string>> {
  const rows = await q
    .select({ subjectId: pointsLedger.subjectId })
    .from(pointsLedger)
    .where(
      and(
        eq(pointsLedger.eventId, eventId),
        eq(pointsLedger.userId, userId),
        inArray(pointsLedger.action, [action]),
        isNull(pointsLedger.withdrawnAt),
      ),
    );
  return new Set(rows.map((r) => r.subjectId));
}

function presentCheckpoint(
  cp: CheckpointRow,
  found: Set<string>,
  hinted: Set<string>,
  staff: boolean,
): HuntCheckpoint {
  return {
    id: cp.id,
    huntId: cp.huntId,
    name: cp.name,
    position: cp.position,
    points: cp.points,
    clue: cp.clue,
    hasHint: cp.hint !== null,
    hintCost: cp.hintCost,
    hint: staff || hinted.has(cp.id) ? cp.hint : null,
    found: found.has(cp.id),
    ...(staff ? { code: cp.code } : {}),
  };
}

function presentHunt(
  hunt: HuntRow,
  checkpoints: CheckpointRow[],
  found: Set<string>,
  hinted: Set<string>,
  staff: boolean,
): Hunt {
  const items = checkpoints.map((cp) => presentCheckpoint(cp, found, hinted, staff));
  return {
    id: hunt.id,
    eventId: hunt.eventId,
    title: hunt.title,
    ordered: hunt.ordered,
    checkpoints: items,
    found: items.filter((cp) => cp.found).length,
    createdAt: hunt.createdAt.toISOString(),
  };
}
