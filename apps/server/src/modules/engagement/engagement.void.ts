import { entities, scopes, type VoidPointsBody } from '@muster/protocol';
import { eq, sql } from 'drizzle-orm';
import type { Limit } from '../../platform/auth/rate-limiter.ts';
import type { AuthedCtx } from '../../platform/context.ts';
import { withTx } from '../../platform/db/unit-of-work.ts';
import { notFound } from '../../platform/errors.ts';
import { isEventStaff, requireEvent } from '../events/index.ts';
import { recordAudit } from '../moderation/index.ts';
import { boardTicks } from './engagement.board.live.ts';
import { lockScore, recomputeScore } from './engagement.ledger.ts';
import { pointsLedger } from './engagement.tables.ts';

export const VOID_LIMIT: Limit = { name: 'points-void', points: 120, durationSeconds: 60 };

/**
 * A moderator voids a ledger line (I5): withdrawn for good (its source can no longer bring it
 * back), the score recomputed, and an entry in the event's moderation audit with the reason.
 * Voiding twice changes nothing more.
 */
export async function voidPoints(ctx: AuthedCtx, entryId: string, body: VoidPointsBody): Promise<void> {
  const me = ctx.actor.userId;
  await ctx.platform.limits.consume(VOID_LIMIT, me);
  const [entry] = await ctx.platform.db.select().from(pointsLedger).where(eq(pointsLedger.id, entryId));
  if (!entry) throw notFound('Points entry');
  await requireEvent(ctx.platform.db, entry.eventId, me, isEventStaff);
  const voided = await withTx(ctx.platform, async (work) => {
    await lockScore(work.tx, entry.eventId, entry.userId);
    const [row] = await work.tx
      .update(pointsLedger)
      .set({
        withdrawnAt: sql`coalesce(${pointsLedger.withdrawnAt}, now())`,
        voidedAt: sql`now()`,
        voidReason: body.reason,
      })
      .where(sql`${pointsLedger.id} = ${entryId} and ${pointsLedger.voidedAt} is null`)
      .returning();
    if (!row) return false;
    const points = await recomputeScore(work.tx, entry.eventId, entry.userId);
    await work.append({
      scope: scopes.user(entry.userId),
      entity: entities.engagement.pointsChanged,
      op: 'upsert',
      id: entry.eventId,
      data: { eventId: entry.eventId, points },
    });
    await recordAudit(work, {
      eventId: entry.eventId,
      actorId: me,
      source: 'moderator',
      action: 'void_points',
      targetType: 'points',
      targetId: entry.id,
      reason: body.reason,
      until: null,
    });
    return true;
  });
  if (voided) boardTicks(ctx.platform).touch(entry.eventId);
}
