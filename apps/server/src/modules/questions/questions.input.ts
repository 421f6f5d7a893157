import { MAX_QUESTION_LENGTH } from '@muster/protocol';
import type { Queryable } from '../../platform/db/client.ts';
import type { Work } from '../../platform/db/unit-of-work.ts';
import { invalid } from '../../platform/errors.ts';
import type { SessionRow } from '../agenda/index.ts';
import { eventModerationSettings, type ScreenFlag, screenText } from '../moderation/index.ts';
import { findQnaSettings } from './questions.repository.ts';

/** A question text as accepted: what is stored, and the filter hits that hold it for a moderator. */
export interface AcceptedQuestion {
  body: string;
  held: ScreenFlag[] | null;
}

/**
 * THE place where a new question's text is accepted: trimmed, not blank, at most
 * MAX_QUESTION_LENGTH code points, then screened by the event's moderation filters in the asker's
 * transaction (throws `forbidden` when they are muted or banned). A hit does not refuse the
 * question: it is held (`held` names the flags) so a moderator can still approve it.
 */
export async function acceptQuestionText(
  work: Work,
  context: { eventId: string; userId: string; targetId: string; isStaff?: boolean },
  value: string,
): Promise<AcceptedQuestion> {
  const body = value.trim();
  if (!body) throw invalid('body', 'must not be blank');
  if ([...body].length > MAX_QUESTION_LENGTH)
    throw invalid('body', `must be at most ${MAX_QUESTION_LENGTH} characters`);
  const screened = await screenText(work, { ...context, path: 'question', text: body });
  return { body, held: screened.verdict === 'hold' ? screened.flags : null };
}

/**
 * Whether new questions of `session` wait for a moderator. The session's own setting wins; `null`
 * follows the event's `qnaPremoderation` (moderation settings, cached per node for 5 s).
 */
export async function premoderates(
  q: Queryable,
  session: Pick<SessionRow, 'id' | 'eventId'>,
): Promise<boolean> {
  const own = await findQnaSettings(q, session.id);
  return own ?? (await eventModerationSettings(q, session.eventId)).qnaPremoderation;
}
