import type { EventAccess } from '../events/index.ts';
import { canViewEvent, isEventStaff } from '../events/index.ts';
import type { PollRow } from './polls.repository.ts';

/**
 * Who runs a session's polls: its own speakers and the event's staff and managers. A speaker of
 * another session of the same event is audience here.
 */
export function isPresenter(access: EventAccess, session: { speakerIds: readonly string[] }): boolean {
  if (!canViewEvent(access)) return false;
  if (isEventStaff(access)) return true;
  return access.userId !== null && session.speakerIds.includes(access.userId);
}

/** Drafts are the presenters' own; the audience sees a poll once it was opened. */
export const canSeePoll = (poll: Pick<PollRow, 'status'>, presenter: boolean) =>
  presenter || poll.status !== 'draft';

/**
 * Who sees the counts: presenters always; the audience by the poll's `resultsVisibility` — `live`
 * as soon as it is open, `afterVote` once they hold a ballot, `afterClose` once closed. Access only
 * grows: a ballot can be replaced but never withdrawn, and a closed poll never reopens.
 */
export function canSeeResults(
  poll: Pick<PollRow, 'status' | 'resultsVisibility'>,
  presenter: boolean,
  hasBallot: boolean,
): boolean {
  if (presenter) return true;
  if (poll.status === 'draft') return false;
  if (poll.resultsVisibility === 'live') return true;
  if (poll.resultsVisibility === 'afterVote') return hasBallot;
  return poll.status === 'closed';
}
