import {
  EditMessageBody,
  IdParams,
  Message,
  MessageListQuery,
  MessagePage,
  ReactionParams,
  SendMessageBody,
} from '@muster/protocol';
import type { Platform } from '../../platform/context.ts';
import { authedCtx } from '../../platform/http/request-context.ts';
import type { App } from '../../platform/http/server.ts';
import * as messages from './messaging.messages.service.ts';
import * as reactions from './messaging.reactions.service.ts';

const tags = ['messaging'];
const security = [{ bearer: [] }];

/** Messages of a channel: send, page by seq, edit, delete (tombstone), react. */
export function messageRoutes(app: App, platform: Platform) {
  app.post(
    '/api/v1/channels/:id/messages',
    {
      schema: {
        tags,
        security,
        description:
          'Sends once per `clientMsgId`: 201 with the new message and its seq, 200 with the same message on a repeat.',
        params: IdParams,
        body: SendMessageBody,
        response: { 200: Message, 201: Message },
      },
    },
    async (request, reply) => {
      const { message, created } = await messages.sendWithOutcome(authedCtx(platform, request), {
        ...request.body,
        channelId: request.params.id,
      });
      return reply.status(created ? 201 : 200).send(message);
    },
  );

  app.get(
    '/api/v1/channels/:id/messages',
    {
      schema: {
        tags,
        security,
        params: IdParams,
        querystring: MessageListQuery,
        response: { 200: MessagePage },
      },
    },
    async (request) => messages.listMessages(authedCtx(platform, request), request.params.id, request.query),
  );

  app.patch(
    '/api/v1/messages/:id',
    { schema: { tags, security, params: IdParams, body: EditMessageBody, response: { 200: Message } } },
    async (request) => messages.editMessage(authedCtx(platform, request), request.params.id, request.body),
  );

  app.delete(
    '/api/v1/messages/:id',
    {
      schema: {
        tags,
        security,
        description:
          'Leaves a tombstone (`deleted: true`, empty body). The sender, or event staff, may delete.',
        params: IdParams,
        response: { 200: Message },
      },
    },
    async (request) => messages.deleteMessage(authedCtx(platform, request), request.params.id),
  );

  app.put(
    '/api/v1/messages/:id/reactions/:emoji',
    { schema: { tags, security, params: ReactionParams, response: { 200: Message } } },
    async (request) =>
      reactions.addReaction(authedCtx(platform, request), request.params.id, request.params.emoji),
  );

  app.delete(
    '/api/v1/messages/:id/reactions/:emoji',
    { schema: { tags, security, params: ReactionParams, response: { 200: Message } } },
    async (request) =>
      reactions.removeReaction(authedCtx(platform, request), request.params.id, request.params.emoji),
  );
}
