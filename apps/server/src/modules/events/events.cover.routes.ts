import { Event, IdParams } from '@muster/protocol';
import type { Platform } from '../../platform/context.ts';
import { authedCtx } from '../../platform/http/request-context.ts';
import type { App } from '../../platform/http/server.ts';
import { imageUploadRoute } from '../media/index.ts';
import { setEventCover } from './events.cover.ts';

const tags = ['events'];
const security = [{ bearer: [] }];

export function eventCoverRoutes(app: App, platform: Platform) {
  imageUploadRoute(
    app,
    '/api/v1/events/:id/cover',
    {
      tags,
      security,
      description:
        'Sets the cover from a raw JPEG, PNG, WebP or GIF body (organisers); rendered as WebP and JPEG in a few widths.',
      params: IdParams,
      response: { 200: Event },
    },
    async (request) =>
      setEventCover(authedCtx(platform, request), (request.params as IdParams).id, request.body as Buffer),
  );

  app.delete(
    '/api/v1/events/:id/cover',
    { schema: { tags, security, params: IdParams, response: { 200: Event } } },
    async (request) => setEventCover(authedCtx(platform, request), request.params.id, null),
  );
}
