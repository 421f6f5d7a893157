import { type Question, type QuestionState, scopes, type UpdateQuestionBody } from '@muster/protocol';
import type { AuthedCtx } from '../../platform/context.ts';
import type { Queryable } from '../../platform/db/client.ts';
import { type Work, withTx } from '../../platform/db/unit-of-work.ts';
import { AppError, ErrorCode, notFound } from '../../platform/errors.ts';
import { resolveModerationItems } from '../moderation/index.ts';
import { raiseNotifications } from '../notifications/index.ts';
import { requireQuestion } from './questions.access.ts';
import { isPublic, recordQuestion } from './questions.live.ts';
import { presentQuestion } from './questions.presenter.ts';
import * as repo from './questions.repository.ts';

export type QuestionAction = UpdateQuestionBody['state'];
const MODERATE_LIMIT = { name: 'questions.moderate', points: 300, durationSeconds: 60 };

/**
 * What one action does to a question. Hiding or answering unpins (a pinned question is the one on
 * stage now); pinning needs a visible question; showing an answered one reopens it.
 */
function nextOf(row: repo.QuestionRow, action: QuestionAction) {
  switch (action) {
    case 'visible':
      return { state: 'visible' as QuestionState, answeredAt: null };
    case 'hidden':
      return { state: 'hidden' as QuestionState, pinned: false };
    case 'answered':
      return { state: 'answered' as QuestionState, pinned: false, answeredAt: new Date() };
    case 'pinned':
      if (row.state !== 'visible')
        throw new AppError(ErrorCode.invalid_transition, 'Only a visible question can be pinned');
      return { pinned: true };
    case 'unpinned':
      return { pinned: false };
  }
}

/**
 * The one code path that moves a question (the PATCH route and the moderation queue use it):
 * locks the row, applies the action and records what the audience must see — the new audience
 * view, or a delete when the question leaves them. `reason` is for the moderation audit log; the
 * question itself does not keep it. Answers the row with its asker, or null when the id is unknown.
 */
export async function setQuestionState(
  work: Work,
  questionId: string,
  action: QuestionAction,
  _actorId: string,
  _reason?: string,
): Promise<repo.QuestionWithAsker | null> {
  const row = await repo.findQuestion(work.tx, questionId, { forUpdate: true });
  if (!row) return null;
  const next = nextOf(row, action);
  const unchanged =
    ('state' in next ? next.state === row.state : true) &&
    ('pinned' in next ? next.pinned === row.pinned : true);
  if (!unchanged) await repo.updateQuestion(work.tx, row.id, next);
  const updated = (await repo.questionWithAsker(work.tx, row.id, null))!;
  if (!unchanged) await recordQuestion(work, updated, isPublic(row.state));
  if (!unchanged && action === 'answered' && row.askerId && row.askerId !== _actorId)
    await raiseNotifications(work, [
      {
        key: `questions.answered:${row.id}:${Date.now()}`,
        category: 'mentions',
        priority: 'normal',
        kind: 'questions.answered',
        audience: { users: [row.askerId] },
        actorId: _actorId,
        groupKey: scopes.session(row.sessionId),
        title: 'Your question was answered',
        body: row.body,
        url: `/sessions/${row.sessionId}/live`,
        muteScopes: [scopes.session(row.sessionId)],
        data: { questionId: row.id, sessionId: row.sessionId },
      },
    ]);
  return updated;
}

/** `PATCH /questions/:id`: presenters only; the audience gets "not found" for what they cannot see. */
export async function updateQuestion(
  ctx: AuthedCtx,
  questionId: string,
  input: UpdateQuestionBody,
): Promise<Question> {
  const me = ctx.actor.userId;
  await ctx.platform.limits.consume(MODERATE_LIMIT, me);
  return withTx(ctx.platform, async (work) => {
    const { row, presenter } = await requireQuestion(work.tx, questionId, me);
    if (!presenter)
      throw new AppError(
        ErrorCode.forbidden,
        'Only the speakers of this session and event staff may do this',
      );
    const updated = await setQuestionState(work, row.id, input.state, me, input.reason);
    if (!updated) throw notFound('Question');
    // A presenter who approves a held question or hides one decided what the queue asked: its open
    // item is resolved (live on the moderation scope) so moderators do not act on a stale one.
    if (
      (row.state === 'pending' && updated.state === 'visible') ||
      (row.state !== 'hidden' && updated.state === 'hidden')
    )
      await resolveModerationItems(work, 'question', row.id, me);
    return presentQuestion(
      { ...updated, upvotedByMe: await repo.hasUpvoted(work.tx, row.id, me) },
      'presenter',
      {
        withMine: true,
      },
    );
  });
}

/** What the moderation queue shows of a question (its asker always named), or null if gone. */
export async function questionForModeration(
  q: Queryable,
  questionId: string,
): Promise<{
  eventId: string;
  sessionId: string;
  authorId: string;
  authorName: string;
  body: string;
} | null> {
  const row = await repo.questionWithAsker(q, questionId, null);
  if (!row) return null;
  return {
    eventId: row.eventId,
    sessionId: row.sessionId,
    authorId: row.askerId,
    authorName: row.askerName,
    body: row.body,
  };
}
