import {
  DEFAULT_POINTS,
  type EngagementSettings,
  type EngagementSettingsBody,
  type TeamScoring,
} from '@muster/protocol';
import { eq, sql } from 'drizzle-orm';
import type { Limit } from '../../platform/auth/rate-limiter.ts';
import type { AuthedCtx } from '../../platform/context.ts';
import type { Queryable } from '../../platform/db/client.ts';
import { withTx } from '../../platform/db/unit-of-work.ts';
import { AppError, ErrorCode } from '../../platform/errors.ts';
import { type EventRow, isEventManager, requireEvent } from '../events/index.ts';
import { boardTicks } from './engagement.board.live.ts';
import { invalidateBoards } from './engagement.board.redis.ts';
import { engagementSettings, pointScores } from './engagement.tables.ts';

export const SETTINGS_WRITE_LIMIT: Limit = { name: 'engagement-settings', points: 30, durationSeconds: 60 };

export interface GameSettings {
  points: Record<string, number>;
  teamScoring: TeamScoring;
  teamSizeCap: number;
  freezeAt: Date | null;
}

const DEFAULTS: GameSettings = { points: {}, teamScoring: 'sum', teamSizeCap: 10, freezeAt: null };

export async function gameSettings(q: Queryable, eventId: string): Promise<GameSettings> {
  const [row] = await q.select().from(engagementSettings).where(eq(engagementSettings.eventId, eventId));
  return row ? { ...row, teamScoring: row.teamScoring as TeamScoring } : DEFAULTS;
}

/** Points per action stop changing once the event is live: nobody's score may be re-priced mid-game. */
const pointsLocked = (event: EventRow) => event.status === 'live' || event.status === 'ended';

export function presentSettings(event: EventRow, settings: GameSettings): EngagementSettings {
  return {
    eventId: event.id,
    points: { ...DEFAULT_POINTS, ...settings.points },
    teamScoring: settings.teamScoring,
    teamSizeCap: settings.teamSizeCap,
    freezeAt: settings.freezeAt?.toISOString() ?? null,
    pointsLocked: pointsLocked(event),
  };
}

export async function readSettings(ctx: AuthedCtx, eventId: string): Promise<EngagementSettings> {
  const { event } = await requireEvent(ctx.platform.db, eventId, ctx.actor.userId, () => true);
  return presentSettings(event, await gameSettings(ctx.platform.db, eventId));
}

/**
 * Organisers change the game: points (until the event is live), team scoring and size, the freeze
 * time. Moving the freeze time away from the past unfreezes the boards: they catch up at once.
 */
export async function updateSettings(
  ctx: AuthedCtx,
  eventId: string,
  body: EngagementSettingsBody,
): Promise<EngagementSettings> {
  await ctx.platform.limits.consume(SETTINGS_WRITE_LIMIT, ctx.actor.userId);
  const result = await withTx(ctx.platform, async ({ tx }) => {
    const { event } = await requireEvent(tx, eventId, ctx.actor.userId, isEventManager, { forUpdate: true });
    const current = await gameSettings(tx, eventId);
    if (body.points && pointsLocked(event))
      throw new AppError(ErrorCode.invalid_transition, 'Points per action are locked once the event is live');
    const next: GameSettings = {
      points: { ...current.points, ...(body.points as Record<string, number> | undefined) },
      teamScoring: body.teamScoring ?? current.teamScoring,
      teamSizeCap: body.teamSizeCap ?? current.teamSizeCap,
      freezeAt:
        body.freezeAt === undefined ? current.freezeAt : body.freezeAt ? new Date(body.freezeAt) : null,
    };
    await tx
      .insert(engagementSettings)
      .values({ eventId, ...next })
      .onConflictDoUpdate({ target: engagementSettings.eventId, set: { ...next, updatedAt: sql`now()` } });
    if (!next.freezeAt || next.freezeAt > new Date())
      await tx
        .update(pointScores)
        .set({ boardPoints: sql`${pointScores.points}`, boardReachedAt: sql`${pointScores.reachedAt}` })
        .where(eq(pointScores.eventId, eventId));
    return presentSettings(event, next);
  });
  // Scoring or the freeze moved: the Redis boards are rebuilt from the database on their next read.
  if (ctx.platform.redis) await invalidateBoards(ctx.platform.redis, eventId);
  boardTicks(ctx.platform).touch(eventId);
  return result;
}
