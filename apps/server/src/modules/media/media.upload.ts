import type { FastifySchema, RouteHandlerMethod } from 'fastify';
import { AppError, ErrorCode } from '../../platform/errors.ts';
import type { App } from '../../platform/http/server.ts';
import { ImageRejected, MAX_UPLOAD_BYTES, type ProcessedImage, processImage } from './media.pipeline.ts';

/** Uploads per caller per minute: decoding is the costliest thing a request can ask for. */
export const UPLOADS_PER_MINUTE = 10;

/**
 * `processImage` with its refusals as API errors: too large is 413, anything else (not an image, a
 * bomb, an empty body) is 415, so a client can tell "make it smaller" from "that is not a picture".
 */
export async function processUpload(bytes: Buffer): Promise<ProcessedImage> {
  try {
    return await processImage(bytes);
  } catch (err) {
    if (!(err instanceof ImageRejected)) throw err;
    const code = err.reason === 'too_large' ? ErrorCode.payload_too_large : ErrorCode.unsupported_media_type;
    throw new AppError(code, err.message);
  }
}

/**
 * A `PUT` that takes a raw image body. Every body type is read as bytes in a scope of its own: the
 * type is sniffed from the bytes, never taken from the header, and JSON routes elsewhere keep their
 * parsers. The body limit and a tighter rate limit apply before any decoding.
 */
export function imageUploadRoute(app: App, url: string, schema: FastifySchema, handler: RouteHandlerMethod) {
  app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: MAX_UPLOAD_BYTES }, (_req, body, done) =>
      done(null, body),
    );
    scope.put(
      url,
      {
        bodyLimit: MAX_UPLOAD_BYTES,
        config: { rateLimit: { max: UPLOADS_PER_MINUTE, timeWindow: 60_000 } },
        schema,
      },
      handler,
    );
  });
}
