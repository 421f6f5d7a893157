import {
  ClaimReferralBody,
  CreateReferralBody,
  IdParams,
  PageQuery,
  ReferralClaimed,
  ReferralCode,
  ReferralLeaderboard,
  ReferralLedger,
} from '@muster/protocol';
import type { Platform } from '../../platform/context.ts';
import { authedCtx } from '../../platform/http/request-context.ts';
import type { App } from '../../platform/http/server.ts';
import * as referrals from './referrals.service.ts';

const tags = ['referrals'];
const security = [{ bearer: [] }];

export function referralRoutes(app: App, platform: Platform) {
  app.post(
    '/api/v1/referrals',
    {
      schema: {
        tags,
        security,
        description: 'The caller’s personal code and link; the same code on every call for the same event.',
        body: CreateReferralBody,
        response: { 200: ReferralCode },
      },
    },
    async (request) => referrals.createReferral(authedCtx(platform, request), request.body),
  );

  app.post(
    '/api/v1/referrals/claim',
    {
      schema: {
        tags,
        security,
        description: 'Credits the code of the link the caller arrived with, after their sign-up or RSVP.',
        body: ClaimReferralBody,
        response: { 200: ReferralClaimed },
      },
    },
    async (request) => referrals.claimReferral(authedCtx(platform, request), request.body),
  );

  app.get(
    '/api/v1/me/referrals',
    { schema: { tags, security, querystring: PageQuery, response: { 200: ReferralLedger } } },
    async (request) => referrals.referralLedger(authedCtx(platform, request), request.query),
  );

  app.get(
    '/api/v1/events/:id/referrals/leaderboard',
    { schema: { tags, security, params: IdParams, response: { 200: ReferralLeaderboard } } },
    async (request) => referrals.referralLeaderboard(authedCtx(platform, request), request.params.id),
  );
}
