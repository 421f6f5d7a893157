import { createHash } from 'node:crypto';
import type { Metadata, default as Sharp } from 'sharp';
import { lazyRequire } from '../../platform/lazy-require.ts';

// Loaded on the first upload, not at every start (libvips is a native library).
const loadSharp = lazyRequire<typeof Sharp>('sharp');
const sharp = ((...args: Parameters<typeof Sharp>) => loadSharp()(...args)) as typeof Sharp;

/** Largest upload accepted, in bytes. */
export const MAX_UPLOAD_BYTES = 8 * 1024 * 1024;
/** Largest decoded image accepted, in pixels: a decompression bomb is refused before decoding. */
export const MAX_INPUT_PIXELS = 40_000_000;
/** The widths every image is rendered at (never upscaled past the original). */
export const VARIANT_WIDTHS = [320, 640, 1280] as const;

export type ImageFormat = 'webp' | 'jpeg';
export type SniffedType = 'image/jpeg' | 'image/png' | 'image/webp' | 'image/gif';

export interface ImageVariant {
  width: number;
  height: number;
  format: ImageFormat;
  data: Buffer;
}

export interface ProcessedImage {
  hash: string;
  width: number;
  height: number;
  variants: ImageVariant[];
}

export type RejectionReason = 'too_large' | 'not_an_image' | 'too_many_pixels' | 'empty';

export class ImageRejected extends Error {
  readonly reason: RejectionReason;
  constructor(reason: RejectionReason, message: string) {
    super(message);
    this.reason = reason;
  }
}

/**
 * The type from the file's magic bytes. The request's Content-Type is never trusted: a client can
 * send anything there, and the decoder would otherwise be chosen by the attacker.
 */
export function sniffImageType(buf: Buffer): SniffedType | null {
  if (buf.length >= 3 && buf[0] === 0xff && buf[1] === 0xd8 && buf[2] === 0xff) return 'image/jpeg';
  if (
    buf.length >= 8 &&
    buf.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
  )
    return 'image/png';
  if (buf.length >= 12 && buf.toString('latin1', 0, 4) === 'RIFF' && buf.toString('latin1', 8, 12) === 'WEBP')
    return 'image/webp';
  if (buf.length >= 6 && /^GIF8[79]a$/.test(buf.toString('latin1', 0, 6))) return 'image/gif';
  return null;
}

/**
 * Validate and render an upload: size limit, sniffed type, pixel limit read from the header before
 * any decode, then each width as WebP and a JPEG fallback. Metadata (EXIF, GPS) is stripped because
 * sharp writes none unless asked, and orientation is applied first.
 */
export async function processImage(input: Buffer): Promise<ProcessedImage> {
  if (input.length === 0) throw new ImageRejected('empty', 'the upload is empty');
  if (input.length > MAX_UPLOAD_BYTES)
    throw new ImageRejected('too_large', `images are limited to ${MAX_UPLOAD_BYTES} bytes`);
  if (!sniffImageType(input)) throw new ImageRejected('not_an_image', 'not a JPEG, PNG, WebP or GIF image');
  let meta: Metadata;
  try {
    // Header only: no pixel is decoded here, so the dimensions can be checked before any decode.
    meta = await sharp(input, { limitInputPixels: false }).metadata();
  } catch {
    throw new ImageRejected('not_an_image', 'the image could not be read');
  }
  const w0 = meta.autoOrient?.width ?? meta.width;
  const h0 = meta.autoOrient?.height ?? meta.height;
  if (!w0 || !h0) throw new ImageRejected('not_an_image', 'the image has no dimensions');
  if (w0 * h0 > MAX_INPUT_PIXELS)
    throw new ImageRejected('too_many_pixels', `images are limited to ${MAX_INPUT_PIXELS} pixels`);
  const widths = [...new Set(VARIANT_WIDTHS.map((w) => Math.min(w, w0)))];
  const variants: ImageVariant[] = [];
  try {
    for (const width of widths) {
      const base = sharp(input, { limitInputPixels: MAX_INPUT_PIXELS, pages: 1 })
        .rotate()
        .resize({ width, withoutEnlargement: true });
      for (const format of ['webp', 'jpeg'] as const) {
        const pipeline =
          format === 'webp'
            ? base.clone().webp({ quality: 78 })
            : base.clone().flatten({ background: '#ffffff' }).jpeg({ quality: 80, mozjpeg: true });
        const { data, info } = await pipeline.toBuffer({ resolveWithObject: true });
        variants.push({ width: info.width, height: info.height, format, data });
      }
    }
  } catch {
    throw new ImageRejected('not_an_image', 'the image could not be decoded');
  }
  const hash = createHash('sha256').update(input).digest('hex').slice(0, 32);
  return { hash, width: w0, height: h0, variants };
}
