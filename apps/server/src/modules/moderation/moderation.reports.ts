import type { ReportBody } from '@muster/protocol';
import type { AuthedCtx } from '../../platform/context.ts';
import { withTx } from '../../platform/db/unit-of-work.ts';
import { invalid, notFound } from '../../platform/errors.ts';
import { canViewEvent, loadEventAccess } from '../events/index.ts';
import { resolveTarget } from './moderation.actions.ts';
import { queueForModeration } from './moderation.queue.ts';
import { moderationReports } from './moderation.tables.ts';
import { moderationTarget } from './moderation.targets.ts';

/** 20 reports per 10 minutes per person: enough to flag a raid, not enough to flood the queue. */
export const REPORT_LIMIT = { name: 'moderation-report', points: 20, durationSeconds: 600 };

/**
 * Anyone who can see the thing reports it once; the first report of each person bumps the target's
 * open queue item (a repeat is a quiet no-op, so reporting cannot be used to pump the count). Your
 * own things cannot be reported: that is what deleting them is for.
 */
export async function report(ctx: AuthedCtx, body: ReportBody): Promise<void> {
  const me = ctx.actor.userId;
  const reason = body.reason.trim();
  if (!reason || reason.includes('\u0000')) throw invalid('body.reason', 'must be a reason');
  await ctx.platform.limits.consume(REPORT_LIMIT, me);
  await withTx(ctx.platform, async (work) => {
    const facts = await resolveTarget(work.tx, body.targetType, body.targetId, body.eventId).catch(
      (error: unknown) => {
        // A missing eventId on a user says nothing about the target: keep the 400.
        if (error instanceof Error && 'code' in error && error.code === 'validation_failed') throw error;
        throw notFound('Target');
      },
    );
    const access = await loadEventAccess(work.tx, facts.eventId, me);
    if (!access || !canViewEvent(access)) throw notFound('Target');
    const canSee = moderationTarget(body.targetType)?.canSee;
    if (canSee && !(await canSee(work.tx, body.targetId, me))) throw notFound('Target');
    if (facts.authorId === me) throw invalid('body.targetId', 'is your own');
    const inserted = await work.tx
      .insert(moderationReports)
      .values({
        targetType: body.targetType,
        targetId: body.targetId,
        reporterId: me,
        eventId: facts.eventId,
        reason,
      })
      .onConflictDoNothing()
      .returning({ at: moderationReports.createdAt });
    if (!inserted.length) return;
    await queueForModeration(
      work,
      {
        eventId: facts.eventId,
        targetType: body.targetType,
        targetId: body.targetId,
        reason: 'reported',
        excerpt: facts.excerpt,
        authorId: facts.authorId,
        flags: ['reported'],
        reports: 1,
      },
      me,
    );
  });
}
