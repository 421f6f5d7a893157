import {
  CreateEventBody,
  Event,
  EventListQuery,
  type EventTransition,
  IdParams,
  Page,
  PutRoleBody,
  RoleAssignment,
  RoleListQuery,
  UpdateEventBody,
  UserIdParams,
} from '@muster/protocol';
import { Type } from 'typebox';
import type { Platform } from '../../platform/context.ts';
import { authedCtx, ctxOf } from '../../platform/http/request-context.ts';
import type { App } from '../../platform/http/server.ts';
import * as roles from './events.roles.service.ts';
import * as events from './events.service.ts';

const tags = ['events'];
const security = [{ bearer: [] }];
/** Anonymous callers may read public events; a token widens what they see. */
const optionalAuth: { [name: string]: string[] }[] = [{}, { bearer: [] }];
const transitions: readonly EventTransition[] = ['publish', 'start', 'end', 'archive'];

export function eventRoutes(app: App, platform: Platform) {
  app.post(
    '/api/v1/events',
    { schema: { tags, security, body: CreateEventBody, response: { 201: Event } } },
    async (request, reply) =>
      reply.status(201).send(await events.createEvent(authedCtx(platform, request), request.body)),
  );

  app.get(
    '/api/v1/events',
    { schema: { tags, security: optionalAuth, querystring: EventListQuery, response: { 200: Page(Event) } } },
    async (request) => events.listEvents(ctxOf(platform, request), request.query),
  );

  app.get(
    '/api/v1/events/:id',
    { schema: { tags, security: optionalAuth, params: IdParams, response: { 200: Event } } },
    async (request) => events.getEvent(ctxOf(platform, request), request.params.id),
  );

  app.patch(
    '/api/v1/events/:id',
    { schema: { tags, security, params: IdParams, body: UpdateEventBody, response: { 200: Event } } },
    async (request) => events.updateEvent(authedCtx(platform, request), request.params.id, request.body),
  );

  for (const transition of transitions)
    app.post(
      `/api/v1/events/:id/${transition}`,
      { schema: { tags, security, params: IdParams, response: { 200: Event } } },
      async (request) => events.transitionEvent(authedCtx(platform, request), request.params.id, transition),
    );

  app.get(
    '/api/v1/events/:id/calendar.ics',
    {
      schema: {
        tags,
        security: optionalAuth,
        params: IdParams,
        response: {
          200: {
            description: 'iCalendar (RFC 5545)',
            content: { 'text/calendar': { schema: Type.String() } },
          },
        },
      },
    },
    async (request, reply) => {
      const { ics, filename } = await events.getEventCalendar(ctxOf(platform, request), request.params.id);
      return reply
        .type('text/calendar; charset=utf-8')
        .header('content-disposition', `attachment; filename="${filename}"`)
        .send(ics);
    },
  );

  app.get(
    '/api/v1/events/:id/roles',
    {
      schema: {
        tags,
        security,
        params: IdParams,
        querystring: RoleListQuery,
        response: { 200: Page(RoleAssignment) },
      },
    },
    async (request) => roles.listRoles(authedCtx(platform, request), request.params.id, request.query),
  );

  app.put(
    '/api/v1/events/:id/roles/:userId',
    {
      schema: { tags, security, params: UserIdParams, body: PutRoleBody, response: { 200: RoleAssignment } },
    },
    async (request) =>
      roles.putRole(
        authedCtx(platform, request),
        request.params.id,
        request.params.userId,
        request.body.role,
      ),
  );

  app.delete(
    '/api/v1/events/:id/roles/:userId',
    { schema: { tags, security, params: UserIdParams, response: { 204: Type.Null() } } },
    async (request, reply) => {
      await roles.removeRole(authedCtx(platform, request), request.params.id, request.params.userId);
      return reply.status(204).send(null);
    },
  );
}
