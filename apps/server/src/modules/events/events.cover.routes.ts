import { Event, IdParams } from '@muster/protocol';
import type { Platform } from '../../platform/context.ts';
import { authedCtx } from '../../platform/http/request-context.ts';
import type { App } from '../../platform/http/server.ts';
import { MAX_UPLOAD_BYTES } from '../media/index.ts';
import { setEventCover } from './events.cover.ts';

const tags = ['events'];
const security = [{ bearer: [] }];
/** Uploads per caller per minute: decoding is the costliest thing a request can ask for. */
const UPLOADS_PER_MINUTE = 10;

export function eventCoverRoutes(app: App, platform: Platform) {
  app.register(async (scope) => {
    // Every body type is read as bytes: the type is sniffed from them, never taken from the header.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: MAX_UPLOAD_BYTES }, (_req, body, done) =>
      done(null, body),
    );
    scope.put(
      '/api/v1/events/:id/cover',
      {
        bodyLimit: MAX_UPLOAD_BYTES,
        config: { rateLimit: { max: UPLOADS_PER_MINUTE, timeWindow: 60_000 } },
        schema: {
          tags,
          security,
          description:
            'Sets the cover from a raw JPEG, PNG, WebP or GIF body (organisers); rendered as WebP and JPEG in a few widths.',
          params: IdParams,
          response: { 200: Event },
        },
      },
      async (request) =>
        setEventCover(authedCtx(platform, request), (request.params as IdParams).id, request.body as Buffer),
    );
  });

  app.delete(
    '/api/v1/events/:id/cover',
    { schema: { tags, security, params: IdParams, response: { 200: Event } } },
    async (request) => setEventCover(authedCtx(platform, request), request.params.id, null),
  );
}
