import {
  type Ballot,
  type CreatePollBody,
  entities,
  type Poll,
  type PollList,
  type PollView,
  type PollVoterList,
  scopes,
  type VoteBody,
} from '@muster/protocol';
import { uuidv7 } from 'uuidv7';
import type { AuthedCtx } from '../../platform/context.ts';
import type { Queryable } from '../../platform/db/client.ts';
import { type Work, withTx } from '../../platform/db/unit-of-work.ts';
import { AppError, ErrorCode, invalid, notFound } from '../../platform/errors.ts';
import { requireSession } from '../agenda/index.ts';
import type { EventAccess } from '../events/index.ts';
import { normaliseWord } from './polls.input.ts';
import { raisePollOpened } from './polls.notify.ts';
import { canSeePoll, canSeeResults, isPresenter } from './polls.policy.ts';
import { presentBallot, presentPoll, presentResults } from './polls.presenter.ts';
import * as repo from './polls.repository.ts';
import { publishResults } from './polls.results.ts';
import { submitVote } from './polls.vote.batch.ts';

/** A session keeps at most this many polls (drafts included). */
export const MAX_POLLS_PER_SESSION = 100;

const forbidden = () =>
  new AppError(ErrorCode.forbidden, 'Only the session speakers and event staff run polls');

/** The session's presenters only; viewers who are not get 403, everyone else 404. */
async function requirePresenter(q: Queryable, sessionId: string, userId: string, lock = false) {
  const { session, access } = await requireSession(q, sessionId, userId, () => true, { forUpdate: lock });
  if (!isPresenter(access, session)) throw forbidden();
  return { session, access };
}

/** A poll and the caller's standing; a draft the caller may not see is "not found". */
async function loadPoll(q: Queryable, pollId: string, userId: string, lock?: 'share' | 'update') {
  const poll = await repo.findPoll(q, pollId, lock);
  if (!poll) throw notFound('Poll');
  let standing: { session: { speakerIds: string[] }; access: EventAccess };
  try {
    standing = await requireSession(q, poll.sessionId, userId, () => true);
  } catch (error) {
    if (error instanceof AppError && error.code === ErrorCode.not_found) throw notFound('Poll');
    throw error;
  }
  const presenter = isPresenter(standing.access, standing.session);
  if (!canSeePoll(poll, presenter)) throw notFound('Poll');
  return { poll, presenter };
}

export async function createPoll(ctx: AuthedCtx, sessionId: string, body: CreatePollBody): Promise<Poll> {
  const values = pollValues(body);
  return withTx(ctx.platform, async (work) => {
    // The session row lock serialises creations, so the per-session cap holds under concurrency.
    const { session } = await requirePresenter(work.tx, sessionId, ctx.actor.userId, true);
    if ((await repo.countSessionPolls(work.tx, sessionId)) >= MAX_POLLS_PER_SESSION)
      throw new AppError(ErrorCode.limit_reached, `A session holds at most ${MAX_POLLS_PER_SESSION} polls`);
    const row = await repo.insertPoll(work.tx, {
      id: uuidv7(),
      eventId: session.eventId,
      sessionId,
      createdBy: ctx.actor.userId,
      ...values,
    });
    // Drafts are not announced: the audience hears of a poll when it opens.
    return presentPoll(row);
  });
}

function pollValues(body: CreatePollBody) {
  const choice = body.kind === 'single' || body.kind === 'multiple';
  if (choice && !body.options) throw invalid('body.options', `is required in a ${body.kind} poll`);
  if (!choice && body.options) throw invalid('body.options', `is not allowed in a ${body.kind} poll`);
  if (body.kind !== 'rating' && body.scale !== undefined)
    throw invalid('body.scale', 'is for rating polls only');
  if (body.kind !== 'wordcloud' && body.maxWords !== undefined)
    throw invalid('body.maxWords', 'is for word clouds only');
  const question = body.question.trim();
  if (!question) throw invalid('body.question', 'must not be blank');
  const labels = (body.options ?? []).map((label) => label.trim());
  if (labels.some((label) => !label)) throw invalid('body.options', 'must not hold a blank label');
  return {
    question,
    kind: body.kind,
    options: labels.map((label) => ({ id: uuidv7(), label })),
    scale: body.kind === 'rating' ? (body.scale ?? 5) : null,
    maxWords: body.kind === 'wordcloud' ? (body.maxWords ?? 3) : null,
    resultsVisibility: body.resultsVisibility,
    anonymous: body.anonymous ?? false,
  };
}

export async function listPolls(ctx: AuthedCtx, sessionId: string): Promise<PollList> {
  const db = ctx.platform.db;
  const { session, access } = await requireSession(db, sessionId, ctx.actor.userId, () => true);
  const presenter = isPresenter(access, session);
  const rows = await repo.listSessionPolls(db, sessionId);
  return { items: rows.filter((row) => canSeePoll(row, presenter)).map(presentPoll) };
}

export async function getPoll(ctx: AuthedCtx, pollId: string): Promise<PollView> {
  const db = ctx.platform.db;
  const { poll, presenter } = await loadPoll(db, pollId, ctx.actor.userId);
  const ballot = await repo.findBallot(db, pollId, ctx.actor.userId);
  const view: PollView = {
    poll: presentPoll(poll),
    myBallot: ballot ? presentBallot(ballot, poll.sessionId) : null,
  };
  if (canSeeResults(poll, presenter, ballot !== undefined))
    view.results = presentResults(poll, await repo.deriveCounts(db, poll), new Date());
  return view;
}

/** Draft → open, open → closed; closing also publishes the final counts in the same transaction. */
export async function transition(ctx: AuthedCtx, pollId: string, to: 'open' | 'closed'): Promise<Poll> {
  return withTx(ctx.platform, async (work) => {
    const { poll, presenter } = await loadPoll(work.tx, pollId, ctx.actor.userId, 'update');
    if (!presenter) throw forbidden();
    const from = to === 'open' ? 'draft' : 'open';
    if (poll.status !== from)
      throw new AppError(
        ErrorCode.invalid_transition,
        `A ${poll.status} poll cannot be ${to === 'open' ? 'opened' : 'closed'}`,
      );
    const now = new Date();
    const row = await repo.updatePoll(
      work.tx,
      pollId,
      to === 'open' ? { status: 'open', openedAt: now } : { status: 'closed', closedAt: now },
    );
    const data = presentPoll(row);
    await work.append({
      scope: scopes.session(row.sessionId),
      entity: entities.polls.pollChanged,
      op: 'upsert',
      id: row.id,
      data,
      actorId: ctx.actor.userId,
    });
    if (to === 'closed') await publishResults(work, row);
    else await raisePollOpened(work, row, ctx.actor.userId);
    return data;
  });
}

/** At most this many voters are listed (most recent ballots first). */
export const MAX_VOTERS_LISTED = 5000;

/**
 * Named polls: who voted what, for presenters. Anonymous polls have no listing at all — nobody but
 * the voter ever sees their ballot.
 */
export async function listVoters(ctx: AuthedCtx, pollId: string): Promise<PollVoterList> {
  const db = ctx.platform.db;
  const { poll, presenter } = await loadPoll(db, pollId, ctx.actor.userId);
  if (!presenter) throw forbidden();
  if (poll.anonymous)
    throw new AppError(ErrorCode.forbidden, 'This poll is anonymous: its voters are not listed');
  const rows = await repo.listVoters(db, pollId, MAX_VOTERS_LISTED);
  return { items: rows.map((row) => ({ ...row, updatedAt: row.updatedAt.toISOString() })) };
}

/** Only drafts can be deleted: once the audience saw a poll, its ballots stay. */
export async function deleteDraft(ctx: AuthedCtx, pollId: string): Promise<void> {
  await withTx(ctx.platform, async (work) => {
    const { poll, presenter } = await loadPoll(work.tx, pollId, ctx.actor.userId, 'update');
    if (!presenter) throw forbidden();
    if (poll.status !== 'draft')
      throw new AppError(ErrorCode.invalid_transition, 'Only a draft poll can be deleted');
    await repo.deletePoll(work.tx, pollId);
  });
}

export async function vote(ctx: AuthedCtx, pollId: string, body: VoteBody): Promise<Ballot> {
  // Authorised and validated in the batch, under the poll's row lock.
  return submitVote(ctx.platform, pollId, { userId: ctx.actor.userId, body });
}

export async function hideWord(ctx: AuthedCtx, pollId: string, word: string, hidden: boolean): Promise<void> {
  await withTx(ctx.platform, async (work) => {
    const { presenter } = await loadPoll(work.tx, pollId, ctx.actor.userId);
    if (!presenter) throw forbidden();
    await setWordHidden(work, pollId, word, hidden);
  });
}

/**
 * Hides or shows a word of a cloud and republishes the results when that changed the visible
 * cloud. For the moderation module too (it authorises its own callers); `word` is normalised the
 * way ballots are, so "Spam!" hides "spam".
 */
export async function setWordHidden(
  work: Work,
  pollId: string,
  word: string,
  hidden: boolean,
): Promise<boolean> {
  const poll = await repo.findPoll(work.tx, pollId);
  if (!poll) throw notFound('Poll');
  if (poll.kind !== 'wordcloud') throw invalid('body.word', 'only word clouds have words to hide');
  const normal = normaliseWord(word, 'body.word');
  if (!normal) throw invalid('body.word', 'must contain a word');
  const changed = await repo.setHiddenWord(work.tx, pollId, normal, hidden);
  if (changed && poll.status !== 'draft') await publishResults(work, poll);
  return changed;
}
