import { IdParams, SpeakerDetail, SpeakerList, SpeakerParams } from '@muster/protocol';
import type { Platform } from '../../platform/context.ts';
import { ctxOf } from '../../platform/http/request-context.ts';
import type { App } from '../../platform/http/server.ts';
import { getSpeaker, listSpeakers } from './agenda.speakers.ts';

const tags = ['agenda'];

/** Speaker pages: readable by whoever may read the event's agenda, and only the public profile. */
export function speakerRoutes(app: App, platform: Platform) {
  app.get(
    '/api/v1/events/:id/speakers',
    { schema: { tags, params: IdParams, response: { 200: SpeakerList } } },
    async (request, reply) => {
      const list = await listSpeakers(ctxOf(platform, request), request.params.id);
      // A private event's speakers must never sit in a shared cache.
      reply.header('cache-control', 'private, no-cache');
      return list;
    },
  );

  app.get(
    '/api/v1/events/:id/speakers/:userId',
    { schema: { tags, params: SpeakerParams, response: { 200: SpeakerDetail } } },
    async (request, reply) => {
      const detail = await getSpeaker(ctxOf(platform, request), request.params.id, request.params.userId);
      reply.header('cache-control', 'private, no-cache');
      return detail;
    },
  );
}
