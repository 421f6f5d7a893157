import type { Queryable } from '../../platform/db/client.ts';
import { findSession } from '../agenda/index.ts';
import { canViewEvent, loadEventAccessAmong } from '../events/index.ts';
import { canSeeResults, isPresenter } from './polls.policy.ts';
import * as repo from './polls.repository.ts';

/**
 * Which of `userIds` may follow `poll:<id>` (its results): the same rule as `GET /polls/:id`'s
 * `results`, decided for many users in a fixed number of queries (poll, session, event access,
 * ballots). Access only grows — a ballot is never withdrawn and a closed poll never reopens — so a
 * subscription once allowed stays right, except for event access, which the gateway re-checks.
 */
export async function pollFollowersAmong(
  q: Queryable,
  pollId: string,
  userIds: readonly string[],
): Promise<Set<string>> {
  const poll = await repo.findPoll(q, pollId);
  if (!poll || !userIds.length) return new Set();
  const session = await findSession(q, poll.sessionId);
  const access = await loadEventAccessAmong(q, poll.eventId, userIds);
  if (!session || !access) return new Set();
  const viewers = userIds.filter((userId) => canViewEvent(access.accessOf(userId)));
  const needBallots = poll.status === 'open' && poll.resultsVisibility === 'afterVote';
  const voters = needBallots ? await repo.votersAmong(q, pollId, viewers) : new Set<string>();
  return new Set(
    viewers.filter(
      (userId) =>
        isPresenter(access.accessOf(userId), session) || canSeeResults(poll, false, voters.has(userId)),
    ),
  );
}
