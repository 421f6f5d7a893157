import {
  entities,
  type Leaderboard,
  type LeaderboardQuery,
  type LeaderboardVisibilityBody,
  type MyPoints,
  type MyPointsQuery,
  type PointAction,
  type Standing,
  scopes,
} from '@muster/protocol';
import { and, desc, eq, sql } from 'drizzle-orm';
import type { Limit } from '../../platform/auth/rate-limiter.ts';
import type { AuthedCtx, Platform } from '../../platform/context.ts';
import type { Queryable } from '../../platform/db/client.ts';
import { withTx } from '../../platform/db/unit-of-work.ts';
import { perNode } from '../../platform/node-state.ts';
import { decodeCursor, pageOf } from '../../platform/paging.ts';
import { isEventStaff, requireEvent } from '../events/index.ts';
import { requirePlayer } from './engagement.access.ts';
import { boardTicks } from './engagement.board.live.ts';
import { redisStanding, redisTop } from './engagement.board.redis.ts';
import { individualStanding, individualTop, teamOf, teamStandings } from './engagement.board.ts';
import { gameSettings } from './engagement.settings.ts';
import { leaderboardOptOuts, pointScores, pointsLedger } from './engagement.tables.ts';

/** Board reads per person: a screen that refreshes on every tick, with room to spare. */
export const BOARD_READ_LIMIT: Limit = { name: 'board-read', points: 120, durationSeconds: 60 };
export const VISIBILITY_WRITE_LIMIT: Limit = { name: 'board-visibility', points: 10, durationSeconds: 60 };
/** How long a node serves a board it computed; ticks come at most once a second anyway. */
const BOARD_CACHE_MS = 1000;
const BOARD_DEPTH = 100;

/**
 * Each node's boards, computed at most once a second per event and kind whoever asks: a room of
 * 5,000 phones refreshing on a tick costs one query per node, not 5,000.
 */
const boardCache = perNode(() => new Map<string, { at: number; items: Promise<Standing[]> }>());

function cachedBoard(
  platform: Platform,
  key: string,
  compute: () => Promise<Standing[]>,
): Promise<Standing[]> {
  const cache = boardCache(platform);
  const hit = cache.get(key);
  if (hit && Date.now() - hit.at < BOARD_CACHE_MS) return hit.items;
  const items = compute();
  cache.set(key, { at: Date.now(), items });
  items.catch(() => cache.delete(key));
  if (cache.size > 1000) cache.delete(cache.keys().next().value!);
  return items;
}

export async function leaderboard(
  ctx: AuthedCtx,
  eventId: string,
  query: LeaderboardQuery,
): Promise<Leaderboard> {
  const me = ctx.actor.userId;
  await ctx.platform.limits.consume(BOARD_READ_LIMIT, me);
  const { platform } = ctx;
  const db = platform.db;
  await requirePlayer(db, eventId, me);
  const settings = await gameSettings(db, eventId);
  const kind = query.kind ?? 'team';
  const limit = query.limit ?? 20;
  const frozen = settings.freezeAt !== null && settings.freezeAt <= new Date();
  const base = {
    eventId,
    kind,
    scoring: settings.teamScoring,
    frozen,
    freezeAt: settings.freezeAt?.toISOString() ?? null,
  };
  const redis = platform.redis;
  if (kind === 'team') {
    const myTeam = await teamOf(db, eventId, me);
    if (redis) {
      const items = await cachedBoard(platform, `${eventId}:team`, () =>
        redisTop(platform, redis, eventId, 'teams', BOARD_DEPTH),
      );
      const mine = myTeam ? await redisStanding(platform, redis, eventId, 'teams', myTeam) : null;
      return { ...base, items: items.slice(0, limit), me: mine };
    }
    const all = await cachedBoard(platform, `${eventId}:team:${settings.teamScoring}`, () =>
      teamStandings(db, eventId, settings.teamScoring),
    );
    return { ...base, items: all.slice(0, limit), me: all.find((t) => t.id === myTeam) ?? null };
  }
  const top = await cachedBoard(platform, `${eventId}:individual`, () =>
    redis
      ? redisTop(platform, redis, eventId, 'people', BOARD_DEPTH)
      : individualTop(db, eventId, BOARD_DEPTH),
  );
  return { ...base, items: top.slice(0, limit), me: await personStanding(platform, eventId, me) };
}

/** My place on the individual board: from the Redis set when there is one, else the database. */
function personStanding(platform: Platform, eventId: string, userId: string): Promise<Standing | null> {
  return platform.redis
    ? redisStanding(platform, platform.redis, eventId, 'people', userId)
    : individualStanding(platform.db, eventId, userId);
}

export async function myPoints(ctx: AuthedCtx, query: MyPointsQuery): Promise<MyPoints> {
  const me = ctx.actor.userId;
  await ctx.platform.limits.consume(BOARD_READ_LIMIT, me);
  await requirePlayer(ctx.platform.db, query.eventId, me);
  const standing = await personStanding(ctx.platform, query.eventId, me);
  return { ...(await consistentLedger(ctx.platform, me, query)), rank: standing?.rank ?? null };
}

/** Event staff read someone's ledger (to void a line): the same view the person has. */
export async function pointsOfPerson(
  ctx: AuthedCtx,
  eventId: string,
  userId: string,
  query: Omit<MyPointsQuery, 'eventId'>,
): Promise<MyPoints> {
  await ctx.platform.limits.consume(BOARD_READ_LIMIT, ctx.actor.userId);
  await requireEvent(ctx.platform.db, eventId, ctx.actor.userId, isEventStaff);
  return consistentLedger(ctx.platform, userId, { ...query, eventId });
}

/**
 * The lines and the total from one snapshot: read apart, an award committing in between showed a
 * total of 20 over an empty ledger (seen on PostgreSQL in CI).
 */
function consistentLedger(platform: Platform, userId: string, query: MyPointsQuery): Promise<MyPoints> {
  return platform.db.transaction((tx) => ledgerOf(tx, userId, query), {
    isolationLevel: 'repeatable read',
    accessMode: 'read only',
  });
}

async function ledgerOf(db: Queryable, userId: string, query: MyPointsQuery): Promise<MyPoints> {
  const { eventId } = query;
  const limit = query.limit ?? 50;
  const after = decodeCursor(query.cursor, ['timestamp', 'uuid'] as const);
  const rows = await db
    .select()
    .from(pointsLedger)
    .where(
      and(
        eq(pointsLedger.userId, userId),
        eq(pointsLedger.eventId, eventId),
        after
          ? sql`(${pointsLedger.awardedAt}, ${pointsLedger.id}) < (${after[0]}::timestamptz, ${after[1]}::uuid)`
          : undefined,
      ),
    )
    .orderBy(desc(pointsLedger.awardedAt), desc(pointsLedger.id))
    .limit(limit + 1);
  const page = pageOf(rows, limit, (r) => [r.awardedAt.toISOString(), r.id]);
  const [score] = await db
    .select({ points: pointScores.points })
    .from(pointScores)
    .where(and(eq(pointScores.eventId, eventId), eq(pointScores.userId, userId)));
  const standing = await individualStanding(db, eventId, userId);
  return {
    eventId,
    points: score?.points ?? 0,
    rank: standing?.rank ?? null,
    teamId: await teamOf(db, eventId, userId),
    items: page.items.map((row) => ({
      id: row.id,
      eventId: row.eventId,
      action: row.action as PointAction,
      subjectId: row.subjectId,
      points: row.points,
      awardedAt: row.awardedAt.toISOString(),
      withdrawnAt: row.withdrawnAt?.toISOString() ?? null,
      voided: row.voidedAt !== null,
      voidReason: row.voidReason,
    })),
    nextCursor: page.nextCursor,
  };
}

/**
 * Off the individual board (or back on): my points still count for my team. My total is announced
 * again on my scope, which also moves me in the Redis boards (the board-index reaction).
 */
export async function setBoardVisibility(
  ctx: AuthedCtx,
  eventId: string,
  body: LeaderboardVisibilityBody,
): Promise<void> {
  const me = ctx.actor.userId;
  await ctx.platform.limits.consume(VISIBILITY_WRITE_LIMIT, me);
  await requirePlayer(ctx.platform.db, eventId, me);
  await withTx(ctx.platform, async (work) => {
    if (body.visible)
      await work.tx
        .delete(leaderboardOptOuts)
        .where(and(eq(leaderboardOptOuts.eventId, eventId), eq(leaderboardOptOuts.userId, me)));
    else await work.tx.insert(leaderboardOptOuts).values({ eventId, userId: me }).onConflictDoNothing();
    const [score] = await work.tx
      .select({ points: pointScores.points })
      .from(pointScores)
      .where(and(eq(pointScores.eventId, eventId), eq(pointScores.userId, me)));
    await work.append({
      scope: scopes.user(me),
      entity: entities.engagement.pointsChanged,
      op: 'upsert',
      id: eventId,
      data: { eventId, points: score?.points ?? 0 },
    });
  });
  boardTicks(ctx.platform).touch(eventId);
}
