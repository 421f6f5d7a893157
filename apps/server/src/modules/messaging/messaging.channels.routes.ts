import {
  ChannelListQuery,
  ChannelPage,
  ChannelView,
  CreateChannelBody,
  CreateDmBody,
  IdParams,
  MarkerBody,
  ReadState,
} from '@muster/protocol';
import type { Platform } from '../../platform/context.ts';
import { authedCtx } from '../../platform/http/request-context.ts';
import type { App } from '../../platform/http/server.ts';
import * as channels from './messaging.channels.service.ts';
import { markChannel } from './messaging.receipts.service.ts';

const tags = ['messaging'];
const security = [{ bearer: [] }];

/** Channels: event channels, DMs and groups, my channel list and my markers. */
export function channelRoutes(app: App, platform: Platform) {
  app.get(
    '/api/v1/events/:id/channels',
    {
      schema: {
        tags,
        security,
        description: 'The channels of the event the caller may read, with their unread counts.',
        params: IdParams,
        querystring: ChannelListQuery,
        response: { 200: ChannelPage },
      },
    },
    async (request) =>
      channels.listEventChannels(authedCtx(platform, request), request.params.id, request.query),
  );

  app.post(
    '/api/v1/events/:id/channels',
    {
      schema: { tags, security, params: IdParams, body: CreateChannelBody, response: { 201: ChannelView } },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(
          await channels.createEventChannel(authedCtx(platform, request), request.params.id, request.body),
        ),
  );

  app.post(
    '/api/v1/dms',
    {
      schema: {
        tags,
        security,
        description:
          'One other user: the DM with them (201 when opened, 200 when it existed). More: a new group. ' +
          'Users who share no community, event role or RSVP with the caller answer 404.',
        body: CreateDmBody,
        response: { 200: ChannelView, 201: ChannelView },
      },
    },
    async (request, reply) => {
      const { channel, created } = await channels.openDirectChannel(
        authedCtx(platform, request),
        request.body,
      );
      return reply.status(created ? 201 : 200).send(channel);
    },
  );

  app.get(
    '/api/v1/me/channels',
    {
      schema: {
        tags,
        security,
        description: 'My DMs and groups, and event channels I have been active in; latest activity first.',
        querystring: ChannelListQuery,
        response: { 200: ChannelPage },
      },
    },
    async (request) => channels.listMyChannels(authedCtx(platform, request), request.query),
  );

  app.get(
    '/api/v1/channels/:id',
    { schema: { tags, security, params: IdParams, response: { 200: ChannelView } } },
    async (request) => channels.getChannel(authedCtx(platform, request), request.params.id),
  );

  for (const kind of ['read', 'delivered'] as const)
    app.post(
      `/api/v1/channels/:id/${kind}`,
      {
        schema: {
          tags,
          security,
          description: `Moves my ${kind} marker forward to the newest message at or before \`seq\` (never back).`,
          params: IdParams,
          body: MarkerBody,
          response: { 200: ReadState },
        },
      },
      async (request) => markChannel(authedCtx(platform, request), request.params.id, request.body.seq, kind),
    );
}
