import {
  AskBody,
  IdParams,
  Question,
  QuestionList,
  QuestionListQuery,
  SessionQnaSettings,
  UpdateQuestionBody,
} from '@muster/protocol';
import type { Platform } from '../../platform/context.ts';
import { authedCtx } from '../../platform/http/request-context.ts';
import type { App } from '../../platform/http/server.ts';
import * as service from './questions.service.ts';
import { updateQuestion } from './questions.state.ts';
import { setUpvote } from './questions.upvotes.service.ts';

const tags = ['questions'];
const security = [{ bearer: [] }];

/** Live Q&A of a session (API.md "Live audience"). */
export function questionRoutes(app: App, platform: Platform) {
  app.post(
    '/api/v1/sessions/:id/questions',
    {
      schema: {
        tags,
        security,
        description:
          'Asks a question: `pending` when the session pre-moderates (only presenters see it), else `visible`.',
        params: IdParams,
        body: AskBody,
        response: { 201: Question },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await service.ask(authedCtx(platform, request), request.params.id, request.body)),
  );

  app.get(
    '/api/v1/sessions/:id/questions',
    {
      schema: {
        tags,
        security,
        description:
          'Pinned first, answered last. The audience sees visible and answered questions, `asker: null` when anonymous; presenters see every state and every asker.',
        params: IdParams,
        querystring: QuestionListQuery,
        response: { 200: QuestionList },
      },
    },
    async (request) => service.listQuestions(authedCtx(platform, request), request.params.id, request.query),
  );

  app.patch(
    '/api/v1/questions/:id',
    { schema: { tags, security, params: IdParams, body: UpdateQuestionBody, response: { 200: Question } } },
    async (request) => updateQuestion(authedCtx(platform, request), request.params.id, request.body),
  );

  app.put(
    '/api/v1/questions/:id/upvote',
    {
      schema: {
        tags,
        security,
        description: 'Once per person; not on your own question; visible questions only.',
        params: IdParams,
        response: { 200: Question },
      },
    },
    async (request) => setUpvote(authedCtx(platform, request), request.params.id, true),
  );

  app.delete(
    '/api/v1/questions/:id/upvote',
    { schema: { tags, security, params: IdParams, response: { 200: Question } } },
    async (request) => setUpvote(authedCtx(platform, request), request.params.id, false),
  );

  app.get(
    '/api/v1/sessions/:id/qna-settings',
    { schema: { tags, security, params: IdParams, response: { 200: SessionQnaSettings } } },
    async (request) => service.getQnaSettings(authedCtx(platform, request), request.params.id),
  );

  app.put(
    '/api/v1/sessions/:id/qna-settings',
    {
      schema: {
        tags,
        security,
        params: IdParams,
        body: SessionQnaSettings,
        response: { 200: SessionQnaSettings },
      },
    },
    async (request) => service.putQnaSettings(authedCtx(platform, request), request.params.id, request.body),
  );
}
