import type { Question, QuestionState } from '@muster/protocol';
import type { QuestionWithAsker } from './questions.repository.ts';

/**
 * `audience`: an anonymous question has `asker: null`, whoever reads it (REST, change records,
 * sync); `presenter`: the speakers of the session and event staff always see who asked.
 * `upvotedByMe` only when the reader is known (never in change records, which everyone shares).
 */
export function presentQuestion(
  row: QuestionWithAsker,
  view: 'audience' | 'presenter',
  options: { withMine: boolean },
): Question {
  const showAsker = view === 'presenter' || !row.anonymous;
  return {
    id: row.id,
    sessionId: row.sessionId,
    eventId: row.eventId,
    body: row.body,
    anonymous: row.anonymous,
    asker: showAsker ? { id: row.askerId, name: row.askerName } : null,
    state: row.state as QuestionState,
    pinned: row.pinned,
    upvotes: row.upvotes,
    ...(options.withMine ? { upvotedByMe: row.upvotedByMe } : {}),
    createdAt: row.createdAt.toISOString(),
    answeredAt: row.answeredAt ? row.answeredAt.toISOString() : null,
  };
}
