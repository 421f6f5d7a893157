import type { Queryable } from '../../platform/db/client.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { requireSession } from '../agenda/index.ts';
import { canUsePersonalAgenda } from '../events/index.ts';
import { isPublic } from './questions.live.ts';
import { isPresenter } from './questions.policy.ts';
import { findQuestion, type QuestionRow } from './questions.repository.ts';

/** A session whose live audience the caller belongs to (a signed-in viewer of its event). */
export async function requireLiveSession(q: Queryable, sessionId: string, userId: string) {
  const { session, access } = await requireSession(q, sessionId, userId, canUsePersonalAgenda);
  return { session, access, presenter: isPresenter(session, access) };
}

/**
 * A question the caller may see: any for presenters, only visible and answered ones for the
 * audience. Everything else answers "Question not found", the same as a missing one.
 */
export async function requireQuestion(
  q: Queryable,
  questionId: string,
  userId: string,
  options: { forUpdate?: boolean } = {},
): Promise<{ row: QuestionRow; presenter: boolean }> {
  const row = await findQuestion(q, questionId, options);
  if (!row) throw notFound('Question');
  const { presenter } = await requireLiveSession(q, row.sessionId, userId).catch((error: unknown) => {
    throw error instanceof AppError ? notFound('Question') : error;
  });
  if (!presenter && !isPublic(row.state)) throw notFound('Question');
  return { row, presenter };
}
