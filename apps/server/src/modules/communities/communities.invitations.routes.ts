import {
  CommunityInvitation,
  CreateInvitationBody,
  IdParams,
  InvitationTokenParams,
  Member,
  Page,
  PageQuery,
} from '@muster/protocol';
import { Type } from 'typebox';
import type { Platform } from '../../platform/context.ts';
import { authedCtx } from '../../platform/http/request-context.ts';
import type { App } from '../../platform/http/server.ts';
import * as invitations from './communities.invitations.service.ts';
import * as communities from './communities.service.ts';

const tags = ['communities'];
const security = [{ bearer: [] }];

/** Joining and leaving (B1): invitations by e-mail or link, answered by the invited person. */
export function invitationRoutes(app: App, platform: Platform) {
  app.post(
    '/api/v1/communities/:id/invitations',
    {
      schema: {
        tags,
        security,
        description: 'With `email`: mailed, for that account only. Without: a link (`url`, shown once).',
        params: IdParams,
        body: CreateInvitationBody,
        response: { 201: CommunityInvitation },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(
          await invitations.createInvitation(authedCtx(platform, request), request.params.id, request.body),
        ),
  );

  app.get(
    '/api/v1/communities/:id/invitations',
    {
      schema: {
        tags,
        security,
        params: IdParams,
        querystring: PageQuery,
        response: { 200: Page(CommunityInvitation) },
      },
    },
    async (request) =>
      invitations.listInvitations(authedCtx(platform, request), request.params.id, request.query),
  );

  app.post(
    '/api/v1/invitations/:token/accept',
    { schema: { tags, security, params: InvitationTokenParams, response: { 200: Member } } },
    async (request) => invitations.acceptInvitation(authedCtx(platform, request), request.params.token),
  );

  app.post(
    '/api/v1/invitations/:token/decline',
    { schema: { tags, security, params: InvitationTokenParams, response: { 204: Type.Null() } } },
    async (request, reply) => {
      await invitations.declineInvitation(authedCtx(platform, request), request.params.token);
      return reply.status(204).send(null);
    },
  );

  app.delete(
    '/api/v1/invitations/:id',
    { schema: { tags, security, params: IdParams, response: { 204: Type.Null() } } },
    async (request, reply) => {
      await invitations.revokeInvitation(authedCtx(platform, request), request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.delete(
    '/api/v1/communities/:id/members/me',
    { schema: { tags, security, params: IdParams, response: { 204: Type.Null() } } },
    async (request, reply) => {
      await communities.leaveCommunity(authedCtx(platform, request), request.params.id);
      return reply.status(204).send(null);
    },
  );
}
