import { IdParams, Page, PutRsvpBody, Rsvp, RsvpEntry, RsvpListQuery } from '@muster/protocol';
import { Type } from 'typebox';
import type { Platform } from '../../platform/context.ts';
import { authedCtx } from '../../platform/http/request-context.ts';
import type { App } from '../../platform/http/server.ts';
import * as rsvps from './events.rsvp.service.ts';

const tags = ['rsvp'];
const security = [{ bearer: [] }];

export function rsvpRoutes(app: App, platform: Platform) {
  app.put(
    '/api/v1/events/:id/rsvp',
    { schema: { tags, security, params: IdParams, body: PutRsvpBody, response: { 200: Rsvp } } },
    async (request) => rsvps.putRsvp(authedCtx(platform, request), request.params.id, request.body.status),
  );

  app.get(
    '/api/v1/events/:id/rsvp',
    { schema: { tags, security, params: IdParams, response: { 200: Rsvp } } },
    async (request) => rsvps.getMyRsvp(authedCtx(platform, request), request.params.id),
  );

  app.delete(
    '/api/v1/events/:id/rsvp',
    { schema: { tags, security, params: IdParams, response: { 204: Type.Null() } } },
    async (request, reply) => {
      await rsvps.deleteRsvp(authedCtx(platform, request), request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/v1/events/:id/rsvps',
    {
      schema: {
        tags,
        security,
        params: IdParams,
        querystring: RsvpListQuery,
        response: { 200: Page(RsvpEntry) },
      },
    },
    async (request) => rsvps.listRsvps(authedCtx(platform, request), request.params.id, request.query),
  );
}
