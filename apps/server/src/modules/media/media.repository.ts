import type { ImageRef } from '@muster/protocol';
import { and, eq } from 'drizzle-orm';
import type { Queryable } from '../../platform/db/client.ts';
import type { ImageFormat, ProcessedImage } from './media.pipeline.ts';
import { images, imageVariants } from './media.tables.ts';

/** Stores an image and its renditions once; a repeated upload of the same bytes is a no-op. */
export async function saveImage(db: Queryable, image: ProcessedImage): Promise<ImageRef> {
  const inserted = await db
    .insert(images)
    .values({ hash: image.hash, width: image.width, height: image.height })
    .onConflictDoNothing()
    .returning({ hash: images.hash });
  if (inserted.length > 0)
    await db.insert(imageVariants).values(image.variants.map((v) => ({ hash: image.hash, ...v })));
  return refOf(image);
}

export function refOf(image: Pick<ProcessedImage, 'hash' | 'width' | 'height' | 'variants'>): ImageRef {
  const widths = [...new Set(image.variants.map((v) => v.width))].sort((a, b) => a - b);
  return { hash: image.hash, width: image.width, height: image.height, widths };
}

export async function findVariant(db: Queryable, hash: string, width: number, format: ImageFormat) {
  const [row] = await db
    .select({ data: imageVariants.data })
    .from(imageVariants)
    .where(
      and(eq(imageVariants.hash, hash), eq(imageVariants.width, width), eq(imageVariants.format, format)),
    );
  return row?.data ?? null;
}
