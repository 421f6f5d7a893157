import { BlockList, BlockParams } from '@muster/protocol';
import { Type } from 'typebox';
import type { Platform } from '../../platform/context.ts';
import { authedCtx } from '../../platform/http/request-context.ts';
import type { App } from '../../platform/http/server.ts';
import * as blocks from './identity.blocks.service.ts';

const tags = ['identity'];
const security = [{ bearer: [] }];

/** A person's blocks (B1): `PUT`/`DELETE /api/v1/me/blocks/:userId`, `GET /api/v1/me/blocks`. */
export function blockRoutes(app: App, platform: Platform) {
  app.get(
    '/api/v1/me/blocks',
    { schema: { tags, security, response: { 200: BlockList } } },
    async (request) => blocks.listBlocks(authedCtx(platform, request)),
  );

  app.put(
    '/api/v1/me/blocks/:userId',
    { schema: { tags, security, params: BlockParams, response: { 204: Type.Null() } } },
    async (request, reply) => {
      await blocks.blockUser(authedCtx(platform, request), request.params.userId);
      return reply.status(204).send(null);
    },
  );

  app.delete(
    '/api/v1/me/blocks/:userId',
    { schema: { tags, security, params: BlockParams, response: { 204: Type.Null() } } },
    async (request, reply) => {
      await blocks.unblockUser(authedCtx(platform, request), request.params.userId);
      return reply.status(204).send(null);
    },
  );
}
