import {
  entities,
  type Feedback,
  type FeedbackBody,
  type FeedbackDue,
  type FeedbackSummary,
  MAX_FEEDBACK_COMMENT,
  scopes,
} from '@muster/protocol';
import type { AuthedCtx } from '../../platform/context.ts';
import { type Work, withTx } from '../../platform/db/unit-of-work.ts';
import { AppError, ErrorCode, invalid, notFound } from '../../platform/errors.ts';
import { requireSession } from '../agenda/index.ts';
import { canUsePersonalAgenda, canViewEvent, loadEventAccess } from '../events/index.ts';
import { assertMayParticipate, contentRefused, screenText } from '../moderation/index.ts';
import { isPresenter } from '../questions/index.ts';
import * as repo from './feedback.repository.ts';

export const FEEDBACK_LIMIT = { name: 'feedback.save', points: 20, durationSeconds: 60 };
/** Comments a summary carries (newest first); the counts always cover every rating. */
const SUMMARY_COMMENTS = 500;
const DUE_WINDOW_MS = 24 * 3_600_000;

const present = (row: repo.FeedbackRow): Feedback => ({
  sessionId: row.sessionId,
  rating: row.rating,
  comment: row.comment,
  updatedAt: row.updatedAt.toISOString(),
});

/**
 * `PUT /sessions/:id/feedback`: any signed-in viewer of the event, changeable at will, but only
 * once the session has started (rating a talk nobody has heard yet is noise) and not when it was
 * cancelled. The session's own speakers may not rate it (their ratings would skew their average). A blank comment is stored as none.
 */
export async function saveFeedback(
  ctx: AuthedCtx,
  sessionId: string,
  input: FeedbackBody,
): Promise<Feedback> {
  const me = ctx.actor.userId;
  await ctx.platform.limits.consume(FEEDBACK_LIMIT, me);
  const comment = input.comment?.trim() || null;
  if (comment && [...comment].length > MAX_FEEDBACK_COMMENT)
    throw invalid('comment', `must be at most ${MAX_FEEDBACK_COMMENT} characters`);
  return withTx(ctx.platform, async (work) => {
    const { session } = await requireSession(work.tx, sessionId, me, canUsePersonalAgenda);
    if (session.speakerIds.includes(me))
      throw new AppError(ErrorCode.forbidden, 'Speakers cannot rate their own session');
    if (session.cancelledAt) throw new AppError(ErrorCode.conflict, 'This session was cancelled');
    if (session.startsAt.getTime() > Date.now())
      throw new AppError(ErrorCode.conflict, 'Feedback opens when the session starts');
    await assertMayParticipate(work.tx, session.eventId, me);
    if (comment) await screenComment(work, session.eventId, me, comment);
    const row = await repo.upsertFeedback(work.tx, {
      sessionId: session.id,
      userId: me,
      rating: input.rating,
      comment,
    });
    const data = present(row);
    await work.append({
      scope: scopes.user(me),
      entity: entities.feedback.feedbackSaved,
      op: 'upsert',
      id: session.id,
      data,
      actorId: me,
    });
    return data;
  });
}

/**
 * A comment goes through the event's filters (path `post`) and a hit is refused with 422
 * `content_refused`: comments reach speakers without a moderator in between, and the person can
 * simply rephrase. `repeated` is ignored (saving the same comment again with a new rating is
 * normal). A flood hit is refused too, which rolls back its automatic mute; the 20-a-minute rate
 * limit bounds feedback anyway. Muted people may still rate but not comment (screenText throws).
 */
async function screenComment(work: Work, eventId: string, userId: string, comment: string) {
  const screened = await screenText(work, { eventId, userId, path: 'post', text: comment });
  if (screened.verdict !== 'hold') return;
  const flags = screened.flags.filter((f) => f !== 'repeated');
  if (flags.length) throw contentRefused('comment', flags);
}

/** The caller's own rating, or null before they gave one (not an error: the app shows empty stars). */
export async function myFeedback(ctx: AuthedCtx, sessionId: string): Promise<Feedback | null> {
  const me = ctx.actor.userId;
  const { session } = await requireSession(ctx.platform.db, sessionId, me, canUsePersonalAgenda);
  const row = await repo.findFeedback(ctx.platform.db, session.id, me);
  return row ? present(row) : null;
}

/** Speakers of this session and event staff: counts, average and anonymous comments. */
export async function feedbackSummary(ctx: AuthedCtx, sessionId: string): Promise<FeedbackSummary> {
  const db = ctx.platform.db;
  const { session, access } = await requireSession(db, sessionId, ctx.actor.userId, canUsePersonalAgenda);
  if (!isPresenter(session, access))
    throw new AppError(
      ErrorCode.forbidden,
      'Only the speakers of this session and event staff may read its feedback',
    );
  const counts = await repo.ratingCounts(db, session.id);
  const distribution: Record<string, number> = {};
  let count = 0;
  let sum = 0;
  for (let rating = 1; rating <= 5; rating++) {
    const n = counts.get(rating) ?? 0;
    distribution[String(rating)] = n;
    count += n;
    sum += n * rating;
  }
  const rows = await repo.comments(db, session.id, SUMMARY_COMMENTS);
  return {
    sessionId: session.id,
    count,
    average: count ? Math.round((sum / count) * 100) / 100 : null,
    distribution,
    comments: rows.map((r) => ({ rating: r.rating, comment: r.comment ?? '', at: r.at.toISOString() })),
  };
}

/** What the app's "how was it?" card needs: recently ended bookmarked sessions not yet rated. */
export async function feedbackDue(ctx: AuthedCtx, eventId: string): Promise<FeedbackDue> {
  const me = ctx.actor.userId;
  const access = await loadEventAccess(ctx.platform.db, eventId, me);
  if (!access || !canViewEvent(access)) throw notFound('Event');
  const rows = await repo.feedbackDue(ctx.platform.db, me, eventId, new Date(Date.now() - DUE_WINDOW_MS));
  return {
    items: rows.map((r) => ({ sessionId: r.sessionId, title: r.title, endsAt: r.endsAt.toISOString() })),
  };
}
