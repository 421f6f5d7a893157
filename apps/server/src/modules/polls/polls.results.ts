import { entities, scopes } from '@muster/protocol';
import type { Work } from '../../platform/db/unit-of-work.ts';
import { throttledPublisher } from '../../platform/live/throttled-publisher.ts';
import { presentResults } from './polls.presenter.ts';
import { deriveCounts, findPoll, type PollRow } from './polls.repository.ts';

/** How often, at most, a poll's results go out while votes come in. */
export const RESULTS_INTERVAL_MS = 250;

/**
 * Appends one `polls.resultsChanged` with the full counts as committed now (derived with GROUP BY,
 * never a delta), so the last record a client holds is the exact state.
 */
export async function publishResults(work: Work, poll: PollRow): Promise<void> {
  const counts = await deriveCounts(work.tx, poll);
  await work.append({
    scope: scopes.poll(poll.id),
    entity: entities.polls.resultsChanged,
    op: 'upsert',
    id: poll.id,
    data: presentResults(poll, counts, new Date()),
  });
}

/**
 * Touched after each committed batch of ballots: N votes cost at most one results record per
 * 250 ms per poll across all nodes, and the trailing one carries the final counts.
 */
export const resultsPublisher = throttledPublisher({
  name: 'polls.results',
  intervalMs: RESULTS_INTERVAL_MS,
  async publish(work, pollId) {
    const poll = await findPoll(work.tx, pollId);
    if (poll && poll.status !== 'draft') await publishResults(work, poll);
  },
});
