import {
  Feedback,
  FeedbackBody,
  FeedbackDue,
  FeedbackDueQuery,
  FeedbackSummary,
  IdParams,
} from '@muster/protocol';
import { Type } from 'typebox';
import type { Platform } from '../../platform/context.ts';
import { authedCtx } from '../../platform/http/request-context.ts';
import type { App } from '../../platform/http/server.ts';
import * as service from './feedback.service.ts';

const tags = ['feedback'];
const security = [{ bearer: [] }];

/** Session feedback (PRODUCT D7). */
export function feedbackRoutes(app: App, platform: Platform) {
  app.put(
    '/api/v1/sessions/:id/feedback',
    {
      schema: {
        tags,
        security,
        description:
          'Rates a session 1–5 with an optional comment; a second save replaces the first. Opens when the session starts.',
        params: IdParams,
        body: FeedbackBody,
        response: { 200: Feedback },
      },
    },
    async (request) => service.saveFeedback(authedCtx(platform, request), request.params.id, request.body),
  );

  app.get(
    '/api/v1/sessions/:id/feedback/mine',
    { schema: { tags, security, params: IdParams, response: { 200: Type.Union([Feedback, Type.Null()]) } } },
    async (request) => service.myFeedback(authedCtx(platform, request), request.params.id),
  );

  app.get(
    '/api/v1/sessions/:id/feedback',
    {
      schema: {
        tags,
        security,
        description:
          'Speakers of the session and event staff: average, distribution and comments, never who gave which.',
        params: IdParams,
        response: { 200: FeedbackSummary },
      },
    },
    async (request) => service.feedbackSummary(authedCtx(platform, request), request.params.id),
  );

  app.get(
    '/api/v1/me/feedback-due',
    { schema: { tags, security, querystring: FeedbackDueQuery, response: { 200: FeedbackDue } } },
    async (request) => service.feedbackDue(authedCtx(platform, request), request.query.eventId),
  );
}
