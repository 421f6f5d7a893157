import {
  ConfirmFollowUpsBody,
  CreateFollowUpSequenceBody,
  FollowUpSequence,
  FollowUpSequenceList,
  IdParams,
  Ok,
  PatchFollowUpSequenceBody,
  UnsubscribeQuery,
} from '@muster/protocol';
import type { Platform } from '../../platform/context.ts';
import { authedCtx, ctxOf } from '../../platform/http/request-context.ts';
import type { App } from '../../platform/http/server.ts';
import { confirmFollowUps } from './leads.consent.ts';
import * as followUps from './leads.followups.service.ts';

const tags = ['leads'];
const security = [{ bearer: [] }];

/** Follow-up sequences of a community, and the public unsubscribe link their mails carry. */
export function followUpRoutes(app: App, platform: Platform) {
  app.post(
    '/api/v1/communities/:id/follow-ups',
    {
      schema: {
        tags,
        security,
        params: IdParams,
        body: CreateFollowUpSequenceBody,
        response: { 201: FollowUpSequence },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await followUps.createSequence(authedCtx(platform, request), request.params.id, request.body)),
  );

  app.get(
    '/api/v1/communities/:id/follow-ups',
    { schema: { tags, security, params: IdParams, response: { 200: FollowUpSequenceList } } },
    async (request) => followUps.listSequences(authedCtx(platform, request), request.params.id),
  );

  app.patch(
    '/api/v1/follow-ups/:id',
    {
      schema: {
        tags,
        security,
        params: IdParams,
        body: PatchFollowUpSequenceBody,
        response: { 200: FollowUpSequence },
      },
    },
    async (request) => followUps.patchSequence(authedCtx(platform, request), request.params.id, request.body),
  );

  app.post(
    '/api/v1/follow-ups/confirm',
    {
      schema: {
        tags,
        description: 'The double opt-in: the token from the confirmation mail starts the follow-ups.',
        body: ConfirmFollowUpsBody,
        response: { 200: Ok },
      },
    },
    async (request) => {
      await confirmFollowUps(ctxOf(platform, request), request.body.token, request.ip);
      return { ok: true as const };
    },
  );

  // Mail clients POST `List-Unsubscribe=One-Click` as a form (RFC 8058); the token in the URL is
  // the credential, so the body is read and ignored.
  app.register(async (scope) => {
    scope.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string', bodyLimit: 1024 },
      (_req, _body, done) => done(null, undefined),
    );
    scope.post(
      '/api/v1/unsubscribe',
      {
        schema: {
          tags,
          description: 'One-click unsubscribe from follow-up mail; the signed token comes from the mail.',
          querystring: UnsubscribeQuery,
          response: { 200: Ok },
        },
      },
      async (request) => {
        const { token } = request.query as UnsubscribeQuery;
        await followUps.unsubscribe(ctxOf(platform, request), token, request.ip);
        return { ok: true as const };
      },
    );
  });
}
