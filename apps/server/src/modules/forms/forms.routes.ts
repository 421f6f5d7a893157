import {
  CreateFormBody,
  Form,
  IdParams,
  MAX_ANSWERS_BYTES,
  Page,
  Submission,
  SubmissionAccepted,
  SubmissionListQuery,
  SubmissionStatus,
  SubmitFormBody,
  UpdateFormBody,
} from '@muster/protocol';
import type { Platform } from '../../platform/context.ts';
import { invalid } from '../../platform/errors.ts';
import { sendCsv } from '../../platform/http/csv.ts';
import { authedCtx, ctxOf } from '../../platform/http/request-context.ts';
import type { App } from '../../platform/http/server.ts';
import { noteArrival, submitForm } from './forms.intake.ts';
import * as reads from './forms.reads.ts';
import * as forms from './forms.service.ts';

const tags = ['forms'];
const security = [{ bearer: [] }];
const optionalAuth: { [name: string]: string[] }[] = [{}, { bearer: [] }];

export function formRoutes(app: App, platform: Platform) {
  app.post(
    '/api/v1/forms',
    { schema: { tags, security, body: CreateFormBody, response: { 201: Form } } },
    async (request, reply) =>
      reply.status(201).send(await forms.createForm(authedCtx(platform, request), request.body)),
  );

  app.get(
    '/api/v1/forms/:id',
    { schema: { tags, security: optionalAuth, params: IdParams, response: { 200: Form } } },
    async (request) => forms.getForm(ctxOf(platform, request), request.params.id),
  );

  app.patch(
    '/api/v1/forms/:id',
    { schema: { tags, security, params: IdParams, body: UpdateFormBody, response: { 200: Form } } },
    async (request) => forms.updateForm(authedCtx(platform, request), request.params.id, request.body),
  );

  // The burst path: a venue's attendees share one address, so the per-IP limit is off here; the
  // form's own allowance, an address's share of it and the global cap apply instead (submitForm).
  app.post(
    '/api/v1/forms/:id/submissions',
    {
      bodyLimit: MAX_ANSWERS_BYTES + 32 * 1024,
      config: { rateLimit: false, ownIdempotency: true },
      onRequest: async () => noteArrival(platform),
      schema: {
        tags,
        security: optionalAuth,
        params: IdParams,
        body: SubmitFormBody,
        response: { 202: SubmissionAccepted },
      },
    },
    async (request, reply) => {
      const key = request.headers['idempotency-key'];
      if (Array.isArray(key)) throw invalid('headers.idempotency-key', 'must be given once');
      const ctx = ctxOf(platform, request);
      const answer = await submitForm(ctx, request.params.id, request.body, key, request.ip);
      return reply.status(202).send(answer);
    },
  );

  app.get(
    '/api/v1/submissions/:id',
    {
      // Submitters behind one NAT may all poll their status: ten times the per-address allowance.
      config: { rateLimit: { max: platform.config.httpRateLimitPerMinute * 10, timeWindow: 60_000 } },
      schema: { tags, security: optionalAuth, params: IdParams, response: { 200: SubmissionStatus } },
    },
    async (request) => reads.getSubmissionStatus(ctxOf(platform, request), request.params.id),
  );

  app.get(
    '/api/v1/forms/:id/submissions',
    {
      schema: {
        tags,
        security,
        params: IdParams,
        querystring: SubmissionListQuery,
        response: { 200: Page(Submission) },
      },
    },
    async (request) => reads.listSubmissions(authedCtx(platform, request), request.params.id, request.query),
  );

  app.get(
    '/api/v1/forms/:id/submissions.csv',
    {
      schema: {
        tags,
        security,
        params: IdParams,
        response: {
          200: { description: 'CSV (RFC 4180)', content: { 'text/csv': { schema: {} } } },
        },
      },
    },
    async (request, reply) => {
      const { filename, stream } = await reads.exportSubmissions(
        authedCtx(platform, request),
        request.params.id,
      );
      return sendCsv(reply, filename, stream);
    },
  );
}
