import { type Static, Type } from 'typebox';

/**
 * A processed, content-addressed image. Renditions are served at
 * `/api/v1/images/<hash>/<width>.<webp|jpeg>` with immutable caching; `widths` lists those that
 * exist (never wider than the original), so a client builds its `srcset` without a request, and
 * `width`/`height` give the aspect ratio for a box that does not shift when the image loads.
 */
export const ImageRef = Type.Object({
  hash: Type.String({ pattern: '^[0-9a-f]{32}$' }),
  width: Type.Integer({ minimum: 1 }),
  height: Type.Integer({ minimum: 1 }),
  widths: Type.Array(Type.Integer({ minimum: 1 })),
});
export type ImageRef = Static<typeof ImageRef>;

/** The path of one rendition of an image. */
export function imagePath(hash: string, width: number, format: 'webp' | 'jpeg'): string {
  return `/api/v1/images/${hash}/${width}.${format}`;
}
