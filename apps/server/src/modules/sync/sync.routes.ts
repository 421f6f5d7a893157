import { SyncQuery, SyncResult } from '@muster/protocol';
import type { Platform } from '../../platform/context.ts';
import { authedCtx } from '../../platform/http/request-context.ts';
import type { App } from '../../platform/http/server.ts';
import { sync } from './sync.service.ts';

/** `GET /api/v1/sync`: catch up on several scopes after a gap, in one round trip. */
export function syncRoutes(app: App, platform: Platform) {
  app.get(
    '/api/v1/sync',
    {
      schema: {
        tags: ['sync'],
        security: [{ bearer: [] }],
        description:
          '`scopes=event:<id>@<seq>,user:<id>@<seq>,community:<id>@<seq>`; each scope answers its changes after ' +
          'the seq, `reset` (refetch a snapshot) or `refused` (not followable by the caller).',
        querystring: SyncQuery,
        response: { 200: SyncResult },
      },
    },
    async (request) => sync(authedCtx(platform, request), request.query),
  );
}
