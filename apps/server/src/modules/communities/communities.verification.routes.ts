import { Community, IdParams, SetCommunityVerifiedBody } from '@muster/protocol';
import type { Platform } from '../../platform/context.ts';
import { authedCtx } from '../../platform/http/request-context.ts';
import type { App } from '../../platform/http/server.ts';
import { verifyCommunity } from './communities.verification.ts';

/** Instance administration of communities (also `muster admin verify-community <id>`). */
export function communityVerificationRoutes(app: App, platform: Platform) {
  app.put(
    '/api/v1/admin/communities/:id/verified',
    {
      schema: {
        tags: ['admin'],
        security: [{ bearer: [] }],
        params: IdParams,
        body: SetCommunityVerifiedBody,
        response: { 200: Community },
      },
    },
    async (request) =>
      verifyCommunity(authedCtx(platform, request), request.params.id, request.body.verified),
  );
}
