import {
  Ballot,
  CreatePollBody,
  IdParams,
  Poll,
  PollList,
  PollView,
  PollVoterList,
  VoteBody,
  WordVisibilityBody,
} from '@muster/protocol';
import { Type } from 'typebox';
import type { Platform } from '../../platform/context.ts';
import { authedCtx } from '../../platform/http/request-context.ts';
import type { App } from '../../platform/http/server.ts';
import * as polls from './polls.service.ts';

const tags = ['polls'];
const security = [{ bearer: [] }];

/** Per caller: a voter changing their mind a few times a second is plenty; a script is not. */
export const VOTES_PER_10S = 20;
export const CREATES_PER_MINUTE = 30;
export const WORD_CHANGES_PER_MINUTE = 60;

export function pollRoutes(app: App, platform: Platform) {
  app.post(
    '/api/v1/sessions/:id/polls',
    {
      config: { rateLimit: { max: CREATES_PER_MINUTE, timeWindow: 60_000 } },
      schema: { tags, security, params: IdParams, body: CreatePollBody, response: { 201: Poll } },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await polls.createPoll(authedCtx(platform, request), request.params.id, request.body)),
  );

  app.get(
    '/api/v1/sessions/:id/polls',
    { schema: { tags, security, params: IdParams, response: { 200: PollList } } },
    async (request) => polls.listPolls(authedCtx(platform, request), request.params.id),
  );

  app.get(
    '/api/v1/polls/:id',
    { schema: { tags, security, params: IdParams, response: { 200: PollView } } },
    async (request) => polls.getPoll(authedCtx(platform, request), request.params.id),
  );

  for (const [action, to] of [
    ['open', 'open'],
    ['close', 'closed'],
  ] as const) {
    app.post(
      `/api/v1/polls/:id/${action}`,
      { schema: { tags, security, params: IdParams, response: { 200: Poll } } },
      async (request) => polls.transition(authedCtx(platform, request), request.params.id, to),
    );
  }

  app.get(
    '/api/v1/polls/:id/voters',
    {
      schema: {
        tags,
        security,
        description: 'Named polls only, for presenters: who voted what (403 for anonymous polls).',
        params: IdParams,
        response: { 200: PollVoterList },
      },
    },
    async (request) => polls.listVoters(authedCtx(platform, request), request.params.id),
  );

  app.delete(
    '/api/v1/polls/:id',
    { schema: { tags, security, params: IdParams, response: { 204: Type.Null() } } },
    async (request, reply) => {
      await polls.deleteDraft(authedCtx(platform, request), request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.put(
    '/api/v1/polls/:id/vote',
    {
      config: { rateLimit: { max: VOTES_PER_10S, timeWindow: 10_000 } },
      schema: {
        tags,
        security,
        description: 'One ballot per user; a second PUT replaces the first while the poll is open.',
        params: IdParams,
        body: VoteBody,
        response: { 200: Ballot },
      },
    },
    async (request) => polls.vote(authedCtx(platform, request), request.params.id, request.body),
  );

  app.put(
    '/api/v1/polls/:id/words',
    {
      schema: { tags, security, params: IdParams, body: WordVisibilityBody, response: { 204: Type.Null() } },
    },
    async (request, reply) => {
      const { word, hidden } = request.body;
      await polls.hideWord(authedCtx(platform, request), request.params.id, word, hidden);
      return reply.status(204).send(null);
    },
  );
}
