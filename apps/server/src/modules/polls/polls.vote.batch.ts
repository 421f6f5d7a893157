import { type Ballot, entities, scopes, type VoteBody } from '@muster/protocol';
import type { Outcome } from '../../platform/batching/keyed-batcher.ts';
import { perNodeBatcher } from '../../platform/batching/per-node-batcher.ts';
import type { Platform } from '../../platform/context.ts';
import { withTx } from '../../platform/db/unit-of-work.ts';
import { AppError, ErrorCode, notFound } from '../../platform/errors.ts';
import { findSession } from '../agenda/index.ts';
import { canViewEvent, isEventStaff, loadEventAccessAmong } from '../events/index.ts';
import { type BallotInput, validateVote } from './polls.input.ts';
import { moderateBallots } from './polls.moderation.ts';
import { canSeePoll, isPresenter } from './polls.policy.ts';
import { presentBallot } from './polls.presenter.ts';
import * as repo from './polls.repository.ts';
import { resultsPublisher } from './polls.results.ts';

/** A vote as it arrived: authorised and validated in its batch, so it costs no statement of its own. */
export interface VoteIntent {
  userId: string;
  body: VoteBody;
}

type Accepted = BallotInput & { userId: string };

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
 * One batch, one transaction, a fixed number of statements whatever its size (the poll, its
 * session, every voter's standing in one statement, one upsert, the change records): on the
 * embedded database each statement costs about a millisecond, so a statement per vote would cap
 * the room at a few hundred votes a second. The poll row is held FOR SHARE, so a close (which updates the row)
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
    const session = poll && (await findSession(work.tx, poll.sessionId));
    const access =
      session &&
      (await loadEventAccessAmong(
        work.tx,
        poll!.eventId,
        items.map((i) => i.userId),
      ));
    if (!poll || !session || !access) return items.map(() => ({ ok: false, error: notFound('Poll') }));
    // Per voter, in the order a single request would decide: may they see the poll (else 404, which
    // reveals nothing), is it open, is the ballot valid for this poll. Each refusal is the voter's own.
    const outcomes: (Outcome<Ballot> | Accepted)[] = items.map(({ userId, body }) => {
      const standing = access.accessOf(userId);
      if (!canViewEvent(standing) || !canSeePoll(poll, isPresenter(standing, session)))
        return { ok: false, error: notFound('Poll') };
      if (poll.status !== 'open') return { ok: false, error: pollNotOpen(poll.status) };
      try {
        return { userId, ...validateVote(poll, body) };
      } catch (error) {
        return { ok: false, error };
      }
    });
    const valid = outcomes.filter((o): o is Accepted => 'userId' in o);
    if (!valid.length) return outcomes as Outcome<Ballot>[];
    // Banned voters, muted ones in clouds and filtered words: still a fixed number of statements.
    const refused = await moderateBallots(work, poll, valid, (userId) =>
      isEventStaff(access.accessOf(userId)),
    );
    for (const [voter, error] of refused) outcomes[outcomes.indexOf(voter)] = { ok: false, error };
    const accepted = valid.filter((v) => !refused.has(v));
    if (!accepted.length) return outcomes as Outcome<Ballot>[];
    const last = new Map<string, Accepted>();
    for (const item of accepted) last.set(item.userId, item);
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
    return outcomes.map((o) => ('userId' in o ? { ok: true, value: byUser.get(o.userId)! } : o));
  });
  if (result.some((r) => r.ok)) resultsPublisher(platform).touch(pollId);
  return result;
}
