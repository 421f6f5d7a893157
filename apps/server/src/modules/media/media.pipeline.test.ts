import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { pngBomb } from './media.fixtures.ts';
import { ImageRejected, MAX_UPLOAD_BYTES, processImage, sniffImageType } from './media.pipeline.ts';

const png = (width: number, height: number) =>
  sharp({ create: { width, height, channels: 3, background: '#3366cc' } })
    .png()
    .toBuffer();

async function rejection(input: Buffer): Promise<string> {
  try {
    await processImage(input);
  } catch (err) {
    if (err instanceof ImageRejected) return err.reason;
    throw err;
  }
  return 'accepted';
}

describe('image pipeline', () => {
  it('renders each width as WebP and JPEG, never upscaling', async () => {
    const out = await processImage(await png(800, 400));
    expect(out.width).toBe(800);
    expect(out.height).toBe(400);
    const widths = out.variants.map((v) => `${v.width}x${v.height}.${v.format}`);
    expect(widths).toEqual([
      '320x160.webp',
      '320x160.jpeg',
      '640x320.webp',
      '640x320.jpeg',
      '800x400.webp',
      '800x400.jpeg',
    ]);
    for (const v of out.variants)
      expect(sniffImageType(v.data)).toBe(v.format === 'webp' ? 'image/webp' : 'image/jpeg');
  });

  it('is content-addressed: the same bytes give the same hash', async () => {
    const bytes = await png(50, 50);
    expect((await processImage(bytes)).hash).toBe((await processImage(bytes)).hash);
  });

  it('refuses something that is not an image, whatever it claims to be', async () => {
    expect(await rejection(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"></svg>'))).toBe(
      'not_an_image',
    );
    expect(await rejection(Buffer.from('%PDF-1.4 hello'))).toBe('not_an_image');
    expect(await rejection(Buffer.alloc(0))).toBe('empty');
  });

  it('refuses a truncated image with valid magic bytes', async () => {
    const bytes = await png(200, 200);
    expect(await rejection(bytes.subarray(0, 40))).toBe('not_an_image');
  });

  it('refuses a decompression bomb from its header, before decoding', async () => {
    const bomb = pngBomb();
    expect(bomb.length).toBeLessThan(MAX_UPLOAD_BYTES);
    const started = Date.now();
    expect(await rejection(bomb)).toBe('too_many_pixels');
    expect(Date.now() - started).toBeLessThan(2000);
  }, 60_000);

  it('refuses an upload past the size limit', async () => {
    const big = Buffer.concat([await png(10, 10), Buffer.alloc(MAX_UPLOAD_BYTES)]);
    expect(await rejection(big)).toBe('too_large');
  });
});
