import { type Ballot, entities, scopes } from '@muster/protocol';
import type { Outcome } from '../../platform/batching/keyed-batcher.ts';
import { perNodeBatcher } from '../../platform/batching/per-node-batcher.ts';
import type { Platform } from '../../platform/context.ts';
import { withTx } from '../../platform/db/unit-of-work.ts';
import { AppError, ErrorCode, notFound } from '../../platform/errors.ts';
import type { BallotInput } from './polls.input.ts';
import { presentBallot } from './polls.presenter.ts';
import * as repo from './polls.repository.ts';
import { resultsPublisher } from './polls.results.ts';

export interface VoteIntent extends BallotInput {
  userId: string;
}

/** Up to this many ballots of one poll share a transaction; the rest wait for the next one. */
const MAX_BATCH = 500;

const batcherOf = perNodeBatcher<VoteIntent, Ballot>({
  maxBatch: MAX_BATCH,
  run: runVoteBatch,
});

/** Ballots of one poll that arrive together commit together (group commit). */
export function submitVote(platform: Platform, pollId: string, intent: VoteIntent): Promise<Ballot> {
  return batcherOf(platform).submit(pollId, intent);
}

export const pollNotOpen = (status: string) =>
  new AppError(
    ErrorCode.conflict,
    status === 'closed' ? 'This poll is closed' : 'This poll is not open for voting yet',
    { errors: [{ field: 'poll.status', message: status === 'closed' ? 'poll_closed' : 'poll_not_open' }] },
  );

/**
 * One batch, one transaction: the poll row is held FOR SHARE, so a close (which updates the row)
 * waits for the batch or the batch sees the closed poll — no ballot lands after the final results.
 * Two votes of one user in a batch: the last wins (one INSERT … ON CONFLICT may not touch a row
 * twice). Counts are not touched here at all; they are derived from the rows when read.
 */
async function runVoteBatch(
  platform: Platform,
  pollId: string,
  items: VoteIntent[],
): Promise<Outcome<Ballot>[]> {
  const result = await withTx(platform, async (work): Promise<Outcome<Ballot>[]> => {
    const poll = await repo.findPoll(work.tx, pollId, 'share');
    if (!poll) return items.map(() => ({ ok: false, error: notFound('Poll') }));
    if (poll.status !== 'open') return items.map(() => ({ ok: false, error: pollNotOpen(poll.status) }));
    const last = new Map<string, VoteIntent>();
    for (const item of items) last.set(item.userId, item);
    const rows = await repo.upsertBallots(
      work.tx,
      [...last.values()].map((v) => ({
        pollId,
        userId: v.userId,
        optionIds: v.optionIds,
        rating: v.rating,
        words: v.words,
      })),
    );
    const byUser = new Map(rows.map((row) => [row.userId, presentBallot(row, poll.sessionId)]));
    await work.appendMany(
      [...byUser].map(([userId, ballot]) => ({
        scope: scopes.user(userId),
        entity: entities.polls.ballotSaved,
        op: 'upsert' as const,
        id: pollId,
        data: ballot,
        actorId: userId,
      })),
    );
    return items.map((item) => ({ ok: true, value: byUser.get(item.userId)! }));
  });
  if (result.some((r) => r.ok)) resultsPublisher(platform).touch(pollId);
  return result;
}
