import {
  CheckinBatchBody,
  CheckinBatchResult,
  CheckinBody,
  CheckinKeys,
  CheckinResult,
  DoorStats,
  IdParams,
  SessionAttendance,
  SessionCheckinBody,
  SessionCheckinResult,
  TicketSearchQuery,
  TicketSearchResult,
} from '@muster/protocol';
import { Type } from 'typebox';
import type { Platform } from '../../platform/context.ts';
import { authedCtx } from '../../platform/http/request-context.ts';
import type { App } from '../../platform/http/server.ts';
import { getAttendance, roomCheckin } from './checkin.rooms.ts';
import * as door from './checkin.service.ts';

const tags = ['door'];
const security = [{ bearer: [] }];
/** A batch of 500 scans is ~150 KB of JSON; anything far larger is not a scanner's queue. */
const BATCH_BODY_LIMIT = 512 * 1024;

export function checkinRoutes(app: App, platform: Platform) {
  app.get(
    '/api/v1/events/:id/checkin/keys',
    {
      schema: {
        tags,
        security,
        description: 'Scanners: the public keys and revocation list to verify ticket codes offline.',
        params: IdParams,
        response: { 200: CheckinKeys },
      },
    },
    async (request) => door.checkinKeys(authedCtx(platform, request), request.params.id),
  );

  app.post(
    '/api/v1/events/:id/checkins',
    { schema: { tags, security, params: IdParams, body: CheckinBody, response: { 200: CheckinResult } } },
    async (request) => door.scanOne(authedCtx(platform, request), request.params.id, request.body),
  );

  app.post(
    '/api/v1/events/:id/checkins/batch',
    {
      bodyLimit: BATCH_BODY_LIMIT,
      schema: {
        tags,
        security,
        description:
          'An offline scanner uploads its queue; each scanId is applied once, conflicts are flagged.',
        params: IdParams,
        body: CheckinBatchBody,
        response: { 200: CheckinBatchResult },
      },
    },
    async (request) => door.scanBatch(authedCtx(platform, request), request.params.id, request.body),
  );

  app.delete(
    '/api/v1/checkins/:id',
    { schema: { tags, security, params: IdParams, response: { 204: Type.Null() } } },
    async (request, reply) => {
      await door.undoCheckin(authedCtx(platform, request), request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/v1/events/:id/tickets',
    {
      schema: {
        tags,
        security,
        params: IdParams,
        querystring: TicketSearchQuery,
        response: { 200: TicketSearchResult },
      },
    },
    async (request) => door.searchTickets(authedCtx(platform, request), request.params.id, request.query),
  );

  app.get(
    '/api/v1/events/:id/door',
    { schema: { tags, security, params: IdParams, response: { 200: DoorStats } } },
    async (request) => door.getDoorStats(authedCtx(platform, request), request.params.id),
  );

  app.post(
    '/api/v1/sessions/:id/checkins',
    {
      schema: {
        tags,
        security,
        params: IdParams,
        body: SessionCheckinBody,
        response: { 200: SessionCheckinResult },
      },
    },
    async (request) => roomCheckin(authedCtx(platform, request), request.params.id, request.body),
  );

  app.get(
    '/api/v1/sessions/:id/attendance',
    { schema: { tags, security, params: IdParams, response: { 200: SessionAttendance } } },
    async (request) => getAttendance(authedCtx(platform, request), request.params.id),
  );
}
