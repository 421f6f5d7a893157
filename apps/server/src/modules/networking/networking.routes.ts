import {
  Connection,
  ConnectionList,
  ConnectionRequestBody,
  ContactCard,
  IdParams,
  RecommendationList,
} from '@muster/protocol';
import { Type } from 'typebox';
import type { Platform } from '../../platform/context.ts';
import { authedCtx } from '../../platform/http/request-context.ts';
import type { App } from '../../platform/http/server.ts';
import { connectionVcard, myCard } from './networking.card.ts';
import {
  acceptConnection,
  declineConnection,
  myConnections,
  removeConnection,
  requestConnection,
} from './networking.connections.ts';
import { recommendations } from './networking.recommendations.ts';

const tags = ['networking'];
const security = [{ bearer: [] }];

export function networkingRoutes(app: App, platform: Platform) {
  app.post(
    '/api/v1/connections',
    {
      schema: {
        tags,
        security,
        description:
          'Asks to connect with someone met at an event (`userId` and `eventId`) or whose card was scanned ' +
          '(`cardCode`). Asking someone who asked you accepts.',
        body: ConnectionRequestBody,
        response: { 200: Connection },
      },
    },
    async (request) => requestConnection(authedCtx(platform, request), request.body),
  );

  app.post(
    '/api/v1/connections/:id/accept',
    { schema: { tags, security, params: IdParams, response: { 200: Connection } } },
    async (request) => acceptConnection(authedCtx(platform, request), request.params.id),
  );

  app.post(
    '/api/v1/connections/:id/decline',
    { schema: { tags, security, params: IdParams, response: { 204: Type.Null() } } },
    async (request, reply) => {
      await declineConnection(authedCtx(platform, request), request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.delete(
    '/api/v1/connections/:id',
    {
      schema: {
        tags,
        security,
        description: 'Withdraws my request or removes a connection, for both people.',
        params: IdParams,
        response: { 204: Type.Null() },
      },
    },
    async (request, reply) => {
      await removeConnection(authedCtx(platform, request), request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/v1/connections/:id/vcard',
    {
      schema: {
        tags,
        security,
        description: 'The other person’s vCard 4.0 (what their profile shows; never their e-mail).',
        params: IdParams,
      },
    },
    async (request, reply) => {
      const vcard = await connectionVcard(authedCtx(platform, request), request.params.id);
      return reply
        .type('text/vcard; charset=utf-8')
        .header('content-disposition', 'attachment; filename="contact.vcf"')
        .send(vcard);
    },
  );

  app.get(
    '/api/v1/me/connections',
    { schema: { tags, security, response: { 200: ConnectionList } } },
    async (request) => myConnections(authedCtx(platform, request)),
  );

  app.get(
    '/api/v1/me/card',
    {
      schema: {
        tags,
        security,
        description: 'My card: its code (the app shows it as a QR of its `/c/<code>` link) and my vCard.',
        response: { 200: ContactCard },
      },
    },
    async (request) => myCard(authedCtx(platform, request)),
  );

  app.get(
    '/api/v1/events/:id/recommendations',
    {
      schema: {
        tags,
        security,
        description:
          'People at the event worth meeting, by shared interests and sessions; for people taking part.',
        params: IdParams,
        response: { 200: RecommendationList },
      },
    },
    async (request) => recommendations(authedCtx(platform, request), request.params.id),
  );
}
