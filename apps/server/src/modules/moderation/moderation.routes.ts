import {
  AuditEntry,
  AuditPage,
  AuditQuery,
  BulkModerationBody,
  BulkModerationResult,
  IdParams,
  ModerationActionBody,
  ModerationQueue,
  ModerationQueueQuery,
  ModerationSettings,
  ReportBody,
} from '@muster/protocol';
import { Type } from 'typebox';
import type { Platform } from '../../platform/context.ts';
import { authedCtx } from '../../platform/http/request-context.ts';
import type { App } from '../../platform/http/server.ts';
import { applyAction, applyBulk } from './moderation.actions.ts';
import { listAudit } from './moderation.audit.ts';
import { listQueue } from './moderation.queue.ts';
import { report } from './moderation.reports.ts';
import { getSettings, putSettings } from './moderation.settings.ts';

const tags = ['moderation'];
const security = [{ bearer: [] }];

/** Settings, reports, the queue, actions and the audit log of an event (PRODUCT K1–K3). */
export function moderationRoutes(app: App, platform: Platform) {
  app.get(
    '/api/v1/events/:id/moderation/settings',
    { schema: { tags, security, params: IdParams, response: { 200: ModerationSettings } } },
    async (request) => getSettings(authedCtx(platform, request), request.params.id),
  );

  app.put(
    '/api/v1/events/:id/moderation/settings',
    {
      schema: {
        tags,
        security,
        params: IdParams,
        body: ModerationSettings,
        response: { 200: ModerationSettings },
      },
    },
    async (request) => putSettings(authedCtx(platform, request), request.params.id, request.body),
  );

  app.post(
    '/api/v1/reports',
    {
      schema: {
        tags,
        security,
        description:
          'Reports a message, question, post or user once per reporter; 204 whether new or repeated.',
        body: ReportBody,
        response: { 204: Type.Null() },
      },
    },
    async (request, reply) => {
      await report(authedCtx(platform, request), request.body);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/v1/events/:id/moderation/queue',
    {
      schema: {
        tags,
        security,
        description: 'Event staff: open items first, then newest first.',
        params: IdParams,
        querystring: ModerationQueueQuery,
        response: { 200: ModerationQueue },
      },
    },
    async (request) => listQueue(authedCtx(platform, request), request.params.id, request.query),
  );

  app.post(
    '/api/v1/moderation/actions',
    { schema: { tags, security, body: ModerationActionBody, response: { 200: AuditEntry } } },
    async (request) => applyAction(authedCtx(platform, request), request.body),
  );

  app.post(
    '/api/v1/moderation/actions/bulk',
    {
      schema: {
        tags,
        security,
        description: 'Each action applied or refused on its own; the answers come in the order given.',
        body: BulkModerationBody,
        response: { 200: BulkModerationResult },
      },
    },
    async (request) => applyBulk(authedCtx(platform, request), request.body),
  );

  app.get(
    '/api/v1/events/:id/moderation/audit',
    {
      schema: {
        tags,
        security,
        description: 'Event staff (organisers, community admins and staff), newest first.',
        params: IdParams,
        querystring: AuditQuery,
        response: { 200: AuditPage },
      },
    },
    async (request) => listAudit(authedCtx(platform, request), request.params.id, request.query.cursor),
  );
}
