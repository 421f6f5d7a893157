import { BadgeQuery, IdParams } from '@muster/protocol';
import { Type } from 'typebox';
import type { Platform } from '../../platform/context.ts';
import { authedCtx } from '../../platform/http/request-context.ts';
import type { App } from '../../platform/http/server.ts';
import * as badges from './badges.service.ts';

const tags = ['door'];
const security = [{ bearer: [] }];
const BadgeStatus = Type.Object({
  id: Type.String(),
  status: Type.String(),
  badges: Type.Union([Type.Integer(), Type.Null()]),
  size: Type.String(),
  url: Type.Union([Type.String(), Type.Null()]),
  error: Type.Union([Type.String(), Type.Null()]),
});

export function badgeRoutes(app: App, platform: Platform) {
  app.get(
    '/api/v1/events/:id/badges.pdf',
    {
      schema: {
        tags,
        security,
        description:
          'Printable badges (A6, or four per A4 sheet) of every valid ticket; up to 300 at once, more through a job.',
        params: IdParams,
        querystring: BadgeQuery,
      },
    },
    async (request, reply) => {
      const stream = await badges.badgesNow(
        authedCtx(platform, request),
        request.params.id,
        request.query.size ?? 'A6',
      );
      return reply
        .type('application/pdf')
        .header('content-disposition', 'inline; filename="badges.pdf"')
        .header('cache-control', 'private, no-store')
        .send(stream);
    },
  );
  app.post(
    '/api/v1/events/:id/badges',
    { schema: { tags, security, params: IdParams, body: BadgeQuery, response: { 202: BadgeStatus } } },
    async (request, reply) =>
      reply
        .status(202)
        .send(
          await badges.requestBadges(
            authedCtx(platform, request),
            request.params.id,
            request.body.size ?? 'A6',
          ),
        ),
  );
  app.get(
    '/api/v1/badges/jobs/:id',
    { schema: { tags, security, params: IdParams, response: { 200: BadgeStatus } } },
    async (request) => badges.badgeJob(authedCtx(platform, request), request.params.id),
  );
  app.get(
    '/api/v1/badges/jobs/:id/pdf',
    { schema: { tags, security, params: IdParams } },
    async (request, reply) =>
      reply
        .type('application/pdf')
        .header('content-disposition', 'attachment; filename="badges.pdf"')
        .header('cache-control', 'private, no-store')
        .send(await badges.badgeJobPdf(authedCtx(platform, request), request.params.id)),
  );
}
