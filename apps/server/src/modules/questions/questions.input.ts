import { MAX_QUESTION_LENGTH } from '@muster/protocol';
import type { Queryable } from '../../platform/db/client.ts';
import { invalid } from '../../platform/errors.ts';
import type { SessionRow } from '../agenda/index.ts';
import { findQnaSettings } from './questions.repository.ts';

/**
 * THE place where a new question's text is accepted: trimmed, not blank, at most
 * MAX_QUESTION_LENGTH code points. The moderation filters (profanity, flood) belong here, so that
 * every way of asking goes through them. `eventId` and `userId` are for those filters.
 */
export async function acceptQuestionText(
  _q: Queryable,
  _context: { eventId: string; userId: string },
  value: string,
): Promise<string> {
  const body = value.trim();
  if (!body) throw invalid('body', 'must not be blank');
  if ([...body].length > MAX_QUESTION_LENGTH)
    throw invalid('body', `must be at most ${MAX_QUESTION_LENGTH} characters`);
  return body;
}

/**
 * Whether new questions of `session` wait for a moderator. The session's own setting wins; `null`
 * follows the event's `qnaPremoderation` — which the moderation module owns; until it is wired
 * here, an unset session does not pre-moderate.
 */
export async function premoderates(
  q: Queryable,
  session: Pick<SessionRow, 'id' | 'eventId'>,
): Promise<boolean> {
  const own = await findQnaSettings(q, session.id);
  return own ?? false;
}
