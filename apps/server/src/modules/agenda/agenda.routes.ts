import {
  Agenda,
  AgendaHistory,
  AgendaQuery,
  CreateSessionBody,
  IdParams,
  PageQuery,
  Session,
  UpdateSessionBody,
} from '@muster/protocol';
import { Type } from 'typebox';
import type { Platform } from '../../platform/context.ts';
import { authedCtx, ctxOf } from '../../platform/http/request-context.ts';
import type { App } from '../../platform/http/server.ts';
import * as agenda from './agenda.service.ts';

const tags = ['agenda'];
const secured = [{ bearer: [] }];

/** Sessions of an event: the organisers' side (write) and everyone's agenda (read). */
export function sessionRoutes(app: App, platform: Platform) {
  app.post(
    '/api/v1/events/:id/sessions',
    {
      schema: {
        tags,
        security: secured,
        params: IdParams,
        body: CreateSessionBody,
        response: { 201: Session },
      },
    },
    async (request, reply) => {
      const session = await agenda.createSession(
        authedCtx(platform, request),
        request.params.id,
        request.body,
      );
      return reply.status(201).send(session);
    },
  );

  app.get(
    '/api/v1/events/:id/sessions',
    {
      schema: {
        tags,
        params: IdParams,
        querystring: AgendaQuery,
        response: {
          200: Agenda,
          304: Type.Null({ description: 'Not modified (If-None-Match matched the ETag)' }),
        },
      },
    },
    async (request, reply) => {
      const view = await agenda.getAgenda(
        ctxOf(platform, request),
        request.params.id,
        { limit: request.query.limit ?? 200, cursor: request.query.cursor },
        request.headers['if-none-match'],
      );
      // `private`: the agenda of a private event must never sit in a shared cache.
      reply.header('etag', view.etag).header('cache-control', 'private, no-cache');
      if (view.notModified) return reply.status(304).send(null);
      // Serialised once by the read model; Fastify sends a string with a JSON content type as is.
      return reply.type('application/json; charset=utf-8').send(view.json as unknown as Agenda);
    },
  );

  app.get(
    '/api/v1/sessions/:id',
    { schema: { tags, params: IdParams, response: { 200: Session } } },
    async (request) => agenda.getSession(ctxOf(platform, request), request.params.id),
  );

  app.patch(
    '/api/v1/sessions/:id',
    {
      schema: {
        tags,
        security: secured,
        params: IdParams,
        body: UpdateSessionBody,
        response: { 200: Session },
      },
    },
    async (request) => agenda.updateSession(authedCtx(platform, request), request.params.id, request.body),
  );

  app.delete(
    '/api/v1/sessions/:id',
    {
      schema: {
        tags,
        security: secured,
        description: 'Cancels the session; it stays in the agenda as a tombstone (`cancelled: true`).',
        params: IdParams,
        response: { 200: Session },
      },
    },
    async (request) => agenda.cancelSession(authedCtx(platform, request), request.params.id),
  );

  app.get(
    '/api/v1/sessions/:id/history',
    {
      schema: {
        tags,
        security: secured,
        params: IdParams,
        querystring: PageQuery,
        response: { 200: AgendaHistory },
      },
    },
    async (request) =>
      agenda.listHistory(authedCtx(platform, request), request.params.id, {
        limit: request.query.limit ?? 50,
        cursor: request.query.cursor,
      }),
  );
}
