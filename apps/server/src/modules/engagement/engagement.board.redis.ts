import type { Standing } from '@muster/protocol';
import { inArray } from 'drizzle-orm';
import type { Redis } from 'ioredis';
import type { Platform } from '../../platform/context.ts';
import { users } from '../identity/index.ts';
import { individualStanding, individualTop, teamStandings } from './engagement.board.ts';
import { gameSettings } from './engagement.settings.ts';
import { teams } from './engagement.tables.ts';

/**
 * The boards as Redis sorted sets, when `REDIS_URL` is set: every node ranks from the same sets, so
 * ranks are identical across nodes, and a rank is one `ZREVRANK`. The database's read model
 * (`point_scores`) stays the truth: the sets are built from it on first use (and again hourly, the
 * `ready` mark expiring), and kept current by the `engagement.board-index` reactor after each award,
 * team change and role change. A lost update heals at the next one for that person, or the hour.
 *
 * A score packs points and the time they were reached: points × 2³² + (2³² − 1 − seconds since
 * 2020), so more points rank first and, at equal points, whoever got there first. Two people on
 * the same points within the same second are ordered by id (the database orders by microseconds).
 */
const SHIFT = 2 ** 32;
const EPOCH_S = Date.UTC(2020, 0, 1) / 1000;
const READY_TTL_S = 3600;

type Kind = 'people' | 'teams';
const keyOf = (eventId: string, kind: Kind) => `muster:board:${eventId}:${kind}`;
const readyKey = (eventId: string) => `muster:board:${eventId}:ready`;

export const encodeScore = (points: number, reachedAt: string): number =>
  points * SHIFT + (SHIFT - 1 - (Math.floor(Date.parse(reachedAt) / 1000) - EPOCH_S));

export function decodeScore(score: number): { points: number; reachedAt: string } {
  const points = Math.floor(score / SHIFT);
  const seconds = SHIFT - 1 - (score - points * SHIFT);
  return { points, reachedAt: new Date((seconds + EPOCH_S) * 1000).toISOString() };
}

/** Builds both sets of an event from the database (people on the board, every team), then marks it ready. */
export async function rebuildBoards(platform: Platform, redis: Redis, eventId: string): Promise<void> {
  const settings = await gameSettings(platform.db, eventId);
  const [people, allTeams] = await Promise.all([
    individualTop(platform.db, eventId, 100_000),
    teamStandings(platform.db, eventId, settings.teamScoring),
  ]);
  const multi = redis.multi().del(keyOf(eventId, 'people'), keyOf(eventId, 'teams'));
  if (people.length)
    multi.zadd(
      keyOf(eventId, 'people'),
      ...people.flatMap((s) => [encodeScore(s.points, s.reachedAt), s.id]),
    );
  if (allTeams.length)
    multi.zadd(
      keyOf(eventId, 'teams'),
      ...allTeams.flatMap((s) => [encodeScore(s.points, s.reachedAt), s.id]),
    );
  await multi.set(readyKey(eventId), '1', 'EX', READY_TTL_S).exec();
}

async function ensureReady(platform: Platform, redis: Redis, eventId: string): Promise<boolean> {
  if (await redis.exists(readyKey(eventId))) return true;
  await rebuildBoards(platform, redis, eventId);
  return false;
}

/** After someone's points, role or opt-out changed: their place, and their team's, as the database says. */
export async function syncPerson(
  platform: Platform,
  redis: Redis,
  eventId: string,
  userId: string,
): Promise<void> {
  if (!(await ensureReady(platform, redis, eventId))) return;
  const standing = await individualStanding(platform.db, eventId, userId);
  if (standing)
    await redis.zadd(keyOf(eventId, 'people'), encodeScore(standing.points, standing.reachedAt), userId);
  else await redis.zrem(keyOf(eventId, 'people'), userId);
  await syncTeams(platform, redis, eventId);
}

/** Team scores are sums or averages over members: recomputed for the whole event (one aggregate of ≤ 200 teams). */
export async function syncTeams(platform: Platform, redis: Redis, eventId: string): Promise<void> {
  if (!(await ensureReady(platform, redis, eventId))) return;
  const settings = await gameSettings(platform.db, eventId);
  const all = await teamStandings(platform.db, eventId, settings.teamScoring);
  if (all.length)
    await redis.zadd(
      keyOf(eventId, 'teams'),
      ...all.flatMap((s) => [encodeScore(s.points, s.reachedAt), s.id]),
    );
}

/** Settings changed (scoring, a freeze moved): the next read rebuilds from the database. */
export async function invalidateBoards(redis: Redis, eventId: string): Promise<void> {
  await redis.del(readyKey(eventId));
}

/** The top `limit` of a board, from its sorted set, with names (and team sizes) from the database. */
export async function redisTop(
  platform: Platform,
  redis: Redis,
  eventId: string,
  kind: Kind,
  limit: number,
): Promise<Standing[]> {
  await ensureReady(platform, redis, eventId);
  const flat = await redis.zrevrange(keyOf(eventId, kind), 0, limit - 1, 'WITHSCORES');
  const entries: { id: string; score: number }[] = [];
  for (let i = 0; i < flat.length; i += 2) entries.push({ id: flat[i]!, score: Number(flat[i + 1]) });
  if (!entries.length) return [];
  const ids = entries.map((e) => e.id);
  const named =
    kind === 'people'
      ? await platform.db.select({ id: users.id, name: users.name }).from(users).where(inArray(users.id, ids))
      : await platform.db
          .select({ id: teams.id, name: teams.name, members: teams.members })
          .from(teams)
          .where(inArray(teams.id, ids));
  const byId = new Map(named.map((row) => [row.id, row]));
  return entries.flatMap((entry, i) => {
    const row = byId.get(entry.id);
    if (!row) return [];
    return [{ rank: i + 1, ...row, ...decodeScore(entry.score) }];
  });
}

/** One id's place on a board (`ZREVRANK`), or null when not on it. */
export async function redisStanding(
  platform: Platform,
  redis: Redis,
  eventId: string,
  kind: Kind,
  id: string,
): Promise<Standing | null> {
  await ensureReady(platform, redis, eventId);
  const [rank, score] = await Promise.all([
    redis.zrevrank(keyOf(eventId, kind), id),
    redis.zscore(keyOf(eventId, kind), id),
  ]);
  if (rank === null || score === null) return null;
  const [row] =
    kind === 'people'
      ? await platform.db
          .select({ name: users.name })
          .from(users)
          .where(inArray(users.id, [id]))
      : await platform.db
          .select({ name: teams.name, members: teams.members })
          .from(teams)
          .where(inArray(teams.id, [id]));
  if (!row) return null;
  return { rank: rank + 1, id, ...row, ...decodeScore(Number(score)) };
}
