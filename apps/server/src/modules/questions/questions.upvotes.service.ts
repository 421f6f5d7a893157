import { entities, type Question, scopes, type Upvote } from '@muster/protocol';
import type { AuthedCtx } from '../../platform/context.ts';
import { withTx } from '../../platform/db/unit-of-work.ts';
import { AppError, ErrorCode } from '../../platform/errors.ts';
import { assertMayParticipate } from '../moderation/index.ts';
import { requireQuestion } from './questions.access.ts';
import { questionCounts } from './questions.live.ts';
import { presentQuestion } from './questions.presenter.ts';
import * as repo from './questions.repository.ts';

/** Upvotes and withdrawals one person may make per minute. */
export const UPVOTE_LIMIT = { name: 'questions.upvote', points: 120, durationSeconds: 60 };

/**
 * `PUT|DELETE /questions/:id/upvote`: once per person, counted in SQL in the same transaction as
 * the upvote row (never read-modify-write here). Upvoting needs a visible question and is refused
 * on one's own question (self-promotion would make "top" mean "asked by the eager"); withdrawing
 * works on any question the caller still sees. The room learns the count through the throttled
 * `questions.counts` publisher, the upvoter's devices through `upvoteChanged` on their user scope.
 */
export async function setUpvote(ctx: AuthedCtx, questionId: string, upvoted: boolean): Promise<Question> {
  const me = ctx.actor.userId;
  await ctx.platform.limits.consume(UPVOTE_LIMIT, me);
  const { question, changed } = await withTx(ctx.platform, async (work) => {
    const { row, presenter } = await requireQuestion(work.tx, questionId, me);
    // A banned person takes no part any more, withdrawals included (authorised first: 404 before 403).
    await assertMayParticipate(work.tx, row.eventId, me);
    if (upvoted && row.state !== 'visible')
      throw new AppError(ErrorCode.invalid_transition, 'Only visible questions can be upvoted');
    if (upvoted && row.askerId === me)
      throw new AppError(ErrorCode.conflict, 'You cannot upvote your own question');
    const count = await repo.setUpvote(work.tx, row.id, me, upvoted);
    if (count !== null) {
      const data: Upvote = { questionId: row.id, sessionId: row.sessionId, upvoted };
      await work.append({
        scope: scopes.user(me),
        entity: entities.questions.upvoteChanged,
        op: 'upsert',
        id: row.id,
        data,
        actorId: me,
      });
    }
    const full = (await repo.questionWithAsker(work.tx, row.id, me))!;
    return {
      question: presentQuestion(full, presenter ? 'presenter' : 'audience', { withMine: true }),
      changed: count !== null,
    };
  });
  // After commit: the publication must read a state that includes this upvote.
  if (changed) questionCounts(ctx.platform).touch(questionId);
  return question;
}
