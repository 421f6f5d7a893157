import {
  AddMemberBody,
  Community,
  CreateCommunityBody,
  IdParams,
  Member,
  MemberListQuery,
  Page,
  PageQuery,
} from '@muster/protocol';
import type { Platform } from '../../platform/context.ts';
import { authedCtx } from '../../platform/http/request-context.ts';
import type { App } from '../../platform/http/server.ts';
import { invitationRoutes } from './communities.invitations.routes.ts';
import * as communities from './communities.service.ts';

const tags = ['communities'];
const security = [{ bearer: [] }];

export function communityRoutes(app: App, platform: Platform) {
  app.post(
    '/api/v1/communities',
    { schema: { tags, security, body: CreateCommunityBody, response: { 201: Community } } },
    async (request, reply) => {
      const community = await communities.createCommunity(authedCtx(platform, request), request.body);
      return reply.status(201).send(community);
    },
  );

  app.get(
    '/api/v1/communities/:id',
    { schema: { tags, security, params: IdParams, response: { 200: Community } } },
    async (request) => communities.getCommunity(authedCtx(platform, request), request.params.id),
  );

  app.get(
    '/api/v1/communities/:id/members',
    {
      schema: {
        tags,
        security,
        params: IdParams,
        querystring: MemberListQuery,
        response: { 200: Page(Member) },
      },
    },
    async (request) =>
      communities.listMembers(authedCtx(platform, request), request.params.id, request.query),
  );

  app.post(
    '/api/v1/communities/:id/members',
    {
      schema: {
        tags,
        security,
        params: IdParams,
        body: AddMemberBody,
        response: { 200: Member, 201: Member },
      },
    },
    async (request, reply) => {
      const ctx = authedCtx(platform, request);
      const { member, created } = await communities.addMember(ctx, request.params.id, request.body);
      return reply.status(created ? 201 : 200).send(member);
    },
  );

  app.get(
    '/api/v1/me/communities',
    { schema: { tags, security, querystring: PageQuery, response: { 200: Page(Community) } } },
    async (request) => communities.listMyCommunities(authedCtx(platform, request), request.query),
  );

  invitationRoutes(app, platform);
}
