import {
  DeadJob,
  DeadJobParams,
  DeadJobQuery,
  Page,
  QueueInfo,
  QueueParams,
  ReplayResult,
} from '@muster/protocol';
import { Type } from 'typebox';
import type { Platform } from '../../platform/context.ts';
import { authedCtx } from '../../platform/http/request-context.ts';
import type { App } from '../../platform/http/server.ts';
import * as queues from './queues.service.ts';

const tags = ['admin'];
const security = [{ bearer: [] }];

export function queueRoutes(app: App, platform: Platform) {
  app.get(
    '/api/v1/admin/queues',
    { schema: { tags, security, response: { 200: Type.Array(QueueInfo) } } },
    async (request) => queues.listQueues(authedCtx(platform, request)),
  );

  app.get(
    '/api/v1/admin/queues/:name/dead',
    {
      schema: {
        tags,
        security,
        params: QueueParams,
        querystring: DeadJobQuery,
        response: { 200: Page(DeadJob) },
      },
    },
    async (request) => queues.listDeadJobs(authedCtx(platform, request), request.params.name, request.query),
  );

  app.post(
    '/api/v1/admin/queues/:name/dead/:jobId/replay',
    { schema: { tags, security, params: DeadJobParams, response: { 200: ReplayResult } } },
    async (request) => queues.replay(authedCtx(platform, request), request.params.name, request.params.jobId),
  );
}
