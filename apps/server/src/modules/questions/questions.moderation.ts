import { AppError } from '../../platform/errors.ts';
import { registerModerationTarget } from '../moderation/index.ts';
import { requireQuestion } from './questions.access.ts';
import { findQuestion } from './questions.repository.ts';
import { type QuestionAction, questionForModeration, setQuestionState } from './questions.state.ts';

/**
 * Questions as moderation targets. Every action goes through `setQuestionState`, so the audience
 * records (upsert when a question appears, delete when it leaves them) follow as for a presenter.
 * A question has no deleted state: `delete` hides it (a moderator may still restore it). `approve`
 * publishes a pending question and `restore` brings back a hidden one; on a question in any other
 * state they change nothing (approving an answered question must not reopen it).
 */
registerModerationTarget('question', {
  async load(q, id) {
    const found = await questionForModeration(q, id);
    return found && { eventId: found.eventId, authorId: found.authorId, excerpt: found.body };
  },
  async canSee(q, id, userId) {
    return requireQuestion(q, id, userId).then(
      () => true,
      (error: unknown) => {
        if (error instanceof AppError) return false;
        throw error;
      },
    );
  },
  async apply(work, id, action, actorId, reason) {
    const row = await findQuestion(work.tx, id, { forUpdate: true });
    if (!row) return;
    let next: QuestionAction | null = null;
    if (action === 'hide' || action === 'delete') next = 'hidden';
    else if (action === 'approve' && row.state === 'pending') next = 'visible';
    else if (action === 'restore' && (row.state === 'hidden' || row.state === 'pending')) next = 'visible';
    if (next) await setQuestionState(work, id, next, actorId, reason ?? undefined);
  },
});
