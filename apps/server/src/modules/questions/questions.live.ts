import { entities, scopes } from '@muster/protocol';
import type { Work } from '../../platform/db/unit-of-work.ts';
import { throttledPublisher } from '../../platform/live/throttled-publisher.ts';
import { presentQuestion } from './questions.presenter.ts';
import { PUBLIC_STATES, type QuestionWithAsker, questionWithAsker } from './questions.repository.ts';

const isPublic = (state: string) => (PUBLIC_STATES as readonly string[]).includes(state);

/**
 * The one way a question reaches the session's audience: its audience view (asker null when
 * anonymous, no `upvotedByMe`) while visible or answered; otherwise a `delete` that takes it out of
 * every store, and only when the audience had it (a pending question was never published, so
 * nothing about it goes out). No actor on these records: it would name an anonymous asker.
 */
export async function recordQuestion(work: Work, row: QuestionWithAsker, wasPublic: boolean) {
  if (!isPublic(row.state) && !wasPublic) return;
  const data = presentQuestion(row, 'audience', { withMine: false });
  await work.append({
    scope: scopes.session(row.sessionId),
    entity: entities.questions.questionChanged,
    op: isPublic(row.state) ? 'upsert' : 'delete',
    id: row.id,
    data,
  });
}

export { isPublic };

/**
 * Upvote counts travel at most every 250 ms per question, as the question's audience view: N
 * upvotes cost one record per interval instead of N pushes to the whole room. A question that
 * left the audience meanwhile publishes nothing (its state change already recorded the delete).
 */
export const questionCounts = throttledPublisher({
  name: 'questions.counts',
  intervalMs: 250,
  async publish(work, questionId) {
    const row = await questionWithAsker(work.tx, questionId, null);
    if (row && isPublic(row.state)) await recordQuestion(work, row, true);
  },
});
