import { Type } from 'typebox';
import type { Platform } from '../../platform/context.ts';
import { AppError, ErrorCode } from '../../platform/errors.ts';
import type { App } from '../../platform/http/server.ts';
import { findVariant } from './media.repository.ts';

const ImageParams = Type.Object({
  hash: Type.String({ pattern: '^[0-9a-f]{32}$' }),
  file: Type.String({ pattern: '^[0-9]{1,5}\\.(webp|jpeg)$' }),
});

export function mediaRoutes(app: App, platform: Platform) {
  app.get(
    '/api/v1/images/:hash/:file',
    {
      // Content-addressed and public: the hash is unguessable and names bytes that never change.
      config: { rateLimit: false },
      schema: {
        tags: ['media'],
        description: 'One rendition of an uploaded image; immutable, cached for a year.',
        params: ImageParams,
      },
    },
    async (request, reply) => {
      const { hash, file } = request.params as { hash: string; file: string };
      const [w, ext] = file.split('.') as [string, 'webp' | 'jpeg'];
      const etag = `"${hash}-${w}-${ext}"`;
      const cache = 'public, max-age=31536000, immutable';
      if (request.headers['if-none-match'] === etag)
        return reply.code(304).header('etag', etag).header('cache-control', cache).send();
      const data = await findVariant(platform.db, hash, Number(w), ext);
      if (!data) throw new AppError(ErrorCode.not_found, 'No such image');
      return reply
        .header('content-type', `image/${ext}`)
        .header('cache-control', cache)
        .header('etag', etag)
        .header('x-content-type-options', 'nosniff')
        .send(data);
    },
  );
}
