import { type Ballot, type Question, scopes } from '@muster/protocol';
import type { LocalBallot, LocalQuestion } from '../store/tables.ts';
import type { Confirm, Definitions } from './mutations.ts';

type LiveKind = 'poll.vote' | 'question.ask' | 'question.upvote' | 'feedback.put';

const updatedAt = (response: unknown) =>
  (response as { updatedAt?: string | null } | null)?.updatedAt ?? null;

/**
 * A question's answer: a visible one travels on its session; a pending one never does (only the
 * asker and presenters see it), so it is always written into the store from the answer.
 */
const questionAnswer: Confirm = {
  scope: (r) => {
    const q = r as Question;
    return q.state === 'visible' || q.state === 'answered' ? scopes.session(q.sessionId) : '';
  },
  write: (draft, r) => {
    draft.write('questions')[(r as Question).id] = r as Question;
  },
};

/** The live audience's writes: votes, questions, upvotes and feedback made offline go out on reconnect. */
export const liveDefinitions: Pick<Definitions, LiveKind> = {
  'poll.vote': {
    send: (api, i, key) => api.polls.vote(i.pollId, i.vote, { idempotencyKey: key }),
    overlay(draft, i, ctx) {
      const current = draft.read('ballots')[i.pollId];
      const ballot: LocalBallot = {
        pollId: i.pollId,
        sessionId: i.sessionId,
        optionIds: i.vote.optionIds ?? [],
        rating: i.vote.rating ?? null,
        words: i.vote.words ?? [],
        updatedAt: current?.updatedAt ?? ctx.madeAt,
        local: 'sending',
      };
      draft.write('ballots')[i.pollId] = ballot;
    },
    // A later vote on the same poll replaces an unsent earlier one: one ballot per poll.
    target: (i) => `ballot:${i.pollId}`,
    version: (t, i) => t.ballots[i.pollId]?.updatedAt ?? null,
    versionOf: (r) => (r as Ballot | null)?.updatedAt ?? null,
  },
  'question.ask': {
    confirm: questionAnswer,
    send: (api, i, key) =>
      api.questions.ask(i.sessionId, { body: i.body, anonymous: i.anonymous }, { idempotencyKey: key }),
    overlay(draft, i, ctx) {
      // Once the server's question is held, the pending row gives way to it.
      const since = Date.parse(ctx.madeAt) - 60_000;
      const held = Object.values(draft.read('questions')).some(
        (q) =>
          !q.local && q.sessionId === i.sessionId && q.body === i.body && Date.parse(q.createdAt) >= since,
      );
      if (held) return;
      const question: LocalQuestion = {
        id: `local:${i.clientId}`,
        sessionId: i.sessionId,
        eventId: draft.read('sessions')[i.sessionId]?.eventId ?? '',
        body: i.body,
        anonymous: i.anonymous,
        asker: null,
        state: 'pending',
        pinned: false,
        upvotes: 0,
        upvotedByMe: false,
        createdAt: ctx.madeAt,
        answeredAt: null,
        local: 'sending',
      };
      draft.write('questions')[question.id] = question;
    },
  },
  'question.upvote': {
    confirm: questionAnswer,
    send: (api, i, key) =>
      i.upvoted
        ? api.questions.upvote(i.questionId, { idempotencyKey: key })
        : api.questions.removeUpvote(i.questionId, { idempotencyKey: key }),
    overlay(draft, i) {
      const question = draft.read('questions')[i.questionId];
      if (question && Boolean(question.upvotedByMe) !== i.upvoted)
        draft.write('questions')[i.questionId] = {
          ...question,
          upvotedByMe: i.upvoted,
          upvotes: Math.max(0, question.upvotes + (i.upvoted ? 1 : -1)),
        };
      if (question)
        draft.write('upvotes')[i.questionId] = {
          questionId: i.questionId,
          sessionId: question.sessionId,
          upvoted: i.upvoted,
        };
    },
    // Toggling back and forth offline sends only the last state.
    target: (i) => `upvote:${i.questionId}`,
  },
  'feedback.put': {
    send: (api, i, key) =>
      api.feedback.save(i.sessionId, { rating: i.rating, comment: i.comment }, { idempotencyKey: key }),
    overlay(draft, i, ctx) {
      const current = draft.read('feedback')[i.sessionId];
      draft.write('feedback')[i.sessionId] = {
        sessionId: i.sessionId,
        rating: i.rating,
        comment: i.comment,
        updatedAt: current?.updatedAt ?? ctx.madeAt,
      };
    },
    target: (i) => `feedback:${i.sessionId}`,
    version: (t, i) => t.feedback[i.sessionId]?.updatedAt ?? null,
    versionOf: updatedAt,
  },
};
