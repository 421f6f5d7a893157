import { DirectoryEntry, DirectoryQuery, IdParams, Page } from '@muster/protocol';
import type { Platform } from '../../platform/context.ts';
import { authedCtx } from '../../platform/http/request-context.ts';
import type { App } from '../../platform/http/server.ts';
import { eventDirectory } from './events.directory.service.ts';

/** The attendee directory of an event (opt-in). */
export function directoryRoutes(app: App, platform: Platform) {
  app.get(
    '/api/v1/events/:id/directory',
    {
      schema: {
        tags: ['events'],
        security: [{ bearer: [] }],
        description:
          'People taking part in the event who chose to be listed (`directoryVisible`), for others taking part; ' +
          '`q` matches name, headline and company.',
        params: IdParams,
        querystring: DirectoryQuery,
        response: { 200: Page(DirectoryEntry) },
      },
    },
    async (request) => eventDirectory(authedCtx(platform, request), request.params.id, request.query),
  );
}
