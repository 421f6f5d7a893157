import type { Question } from '@muster/protocol';
import { call } from '../../factories/events.ts';
import { presenters, viewers } from './actors.ts';
import type { LiveRouteSet } from './types.ts';

interface QnaFixture {
  sessionId: string;
  eventId: string;
  /** Visible, asked by the event's owner. */
  questionId: string;
  /** Hidden: presenters reach it, the audience gets "not found". */
  hiddenId: string;
}

const questionsSet: LiveRouteSet<QnaFixture> = {
  module: 'questions and feedback',
  async setup(server, world, session) {
    const owner = world.actors['community:owner']!;
    const ask = (body: string) =>
      call<Question>(server, 'POST', `/api/v1/sessions/${session.id}/questions`, owner, { body });
    const question = await ask('Matrix question');
    const hidden = await ask('Hidden matrix question');
    await call(server, 'PATCH', `/api/v1/questions/${hidden.id}`, owner, { state: 'hidden' });
    return {
      sessionId: session.id,
      eventId: world.own.eventId,
      questionId: question.id,
      hiddenId: hidden.id,
    };
  },
  routes: [
    {
      name: 'list questions',
      method: 'GET',
      url: (f) => `/api/v1/sessions/${f.sessionId}/questions?sort=new`,
      allowed: viewers,
    },
    {
      name: 'ask',
      method: 'POST',
      url: (f) => `/api/v1/sessions/${f.sessionId}/questions`,
      body: () => ({ body: 'Asked in the matrix', anonymous: true }),
      allowed: viewers,
    },
    {
      name: 'upvote',
      method: 'PUT',
      url: (f) => `/api/v1/questions/${f.questionId}/upvote`,
      allowed: viewers,
    },
    {
      name: 'withdraw upvote',
      method: 'DELETE',
      url: (f) => `/api/v1/questions/${f.questionId}/upvote`,
      allowed: viewers,
    },
    {
      // Authorise before reveal: the audience gets "not found" for a hidden question.
      name: 'withdraw upvote on a hidden question',
      method: 'DELETE',
      url: (f) => `/api/v1/questions/${f.hiddenId}/upvote`,
      allowed: presenters,
    },
    {
      name: 'moderate (pin)',
      method: 'PATCH',
      url: (f) => `/api/v1/questions/${f.questionId}`,
      body: () => ({ state: 'pinned' }),
      allowed: presenters,
    },
    {
      name: 'read Q&A settings',
      method: 'GET',
      url: (f) => `/api/v1/sessions/${f.sessionId}/qna-settings`,
      allowed: presenters,
    },
    {
      name: 'change Q&A settings',
      method: 'PUT',
      url: (f) => `/api/v1/sessions/${f.sessionId}/qna-settings`,
      body: () => ({ premoderation: null }),
      allowed: presenters,
    },
    {
      // The session has not started, so viewers get 409 (authorised, refused for timing); its own
      // speakers may not rate it at all.
      name: 'give feedback',
      method: 'PUT',
      url: (f) => `/api/v1/sessions/${f.sessionId}/feedback`,
      body: () => ({ rating: 4 }),
      allowed: new Set([...viewers].filter((a) => a !== 'speaker:this')),
    },
    {
      name: 'my feedback',
      method: 'GET',
      url: (f) => `/api/v1/sessions/${f.sessionId}/feedback/mine`,
      allowed: viewers,
    },
    {
      name: 'feedback summary',
      method: 'GET',
      url: (f) => `/api/v1/sessions/${f.sessionId}/feedback`,
      allowed: presenters,
    },
    {
      name: 'feedback due',
      method: 'GET',
      url: (f) => `/api/v1/me/feedback-due?eventId=${f.eventId}`,
      allowed: viewers,
    },
  ],
  scopes: [{ name: 'session', scope: (f) => `session:${f.sessionId}`, allowed: viewers }],
};

/** Rows for questions and feedback. */
export const questionRows = [questionsSet] as LiveRouteSet<unknown>[];
