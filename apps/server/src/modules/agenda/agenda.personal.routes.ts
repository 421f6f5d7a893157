import {
  CalendarFeedQuery,
  CalendarToken,
  IdParams,
  Note,
  Ok,
  PutNoteBody,
  Schedule,
  ScheduleItem,
} from '@muster/protocol';
import { Type } from 'typebox';
import type { Platform } from '../../platform/context.ts';
import { authedCtx, ctxOf } from '../../platform/http/request-context.ts';
import type { App } from '../../platform/http/server.ts';
import { issueCalendarToken, renderScheduleFeed } from './agenda.calendar.ts';
import * as personal from './agenda.personal.service.ts';

const tags = ['agenda'];
const secured = [{ bearer: [] }];

/** The attendee's own agenda: bookmarks, schedule with conflicts, private notes, calendar feed. */
export function personalAgendaRoutes(app: App, platform: Platform) {
  app.put(
    '/api/v1/sessions/:id/bookmark',
    { schema: { tags, security: secured, params: IdParams, response: { 200: ScheduleItem } } },
    async (request) => personal.addBookmark(authedCtx(platform, request), request.params.id),
  );

  app.delete(
    '/api/v1/sessions/:id/bookmark',
    { schema: { tags, security: secured, params: IdParams, response: { 200: Ok } } },
    async (request) => {
      await personal.removeBookmark(authedCtx(platform, request), request.params.id);
      return { ok: true as const };
    },
  );

  app.get(
    '/api/v1/me/schedule',
    { schema: { tags, security: secured, response: { 200: Schedule } } },
    async (request) => personal.getSchedule(authedCtx(platform, request)),
  );

  app.get(
    '/api/v1/sessions/:id/note',
    { schema: { tags, security: secured, params: IdParams, response: { 200: Note } } },
    async (request) => personal.getNote(authedCtx(platform, request), request.params.id),
  );

  app.put(
    '/api/v1/sessions/:id/note',
    { schema: { tags, security: secured, params: IdParams, body: PutNoteBody, response: { 200: Note } } },
    async (request) => personal.putNote(authedCtx(platform, request), request.params.id, request.body.body),
  );

  app.post(
    '/api/v1/me/calendar-token',
    // The answer is a secret feed URL: never kept for an Idempotency-Key replay.
    { config: { neverReplay: true }, schema: { tags, security: secured, response: { 200: CalendarToken } } },
    async (request) => issueCalendarToken(authedCtx(platform, request)),
  );

  app.get(
    '/api/v1/me/schedule.ics',
    {
      schema: {
        tags,
        description:
          'Subscribable iCalendar feed of my schedule; the token in the URL is the only credential.',
        querystring: CalendarFeedQuery,
        response: { 200: Type.String({ description: 'text/calendar' }) },
      },
    },
    async (request, reply) => {
      const body = await renderScheduleFeed(ctxOf(platform, request), request.query.token);
      return reply
        .type('text/calendar; charset=utf-8')
        .header('cache-control', 'private, no-cache')
        .header('referrer-policy', 'no-referrer')
        .send(body);
    },
  );
}
