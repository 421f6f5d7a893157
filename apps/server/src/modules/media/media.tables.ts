import { index, integer, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { bytes, stampedAt } from '../../platform/db/columns.ts';

/**
 * One processed image, keyed by the SHA-256 of the uploaded bytes: the same upload twice is one
 * row, and the key is the content address the URL carries, so its responses cache forever.
 */
export const images = pgTable('images', {
  hash: text('hash').primaryKey(),
  width: integer('width').notNull(),
  height: integer('height').notNull(),
  createdAt: stampedAt('created_at'),
});

/** A resized rendition of an image: one per (width, format). */
export const imageVariants = pgTable(
  'image_variants',
  {
    hash: text('hash')
      .notNull()
      .references(() => images.hash, { onDelete: 'cascade' }),
    width: integer('width').notNull(),
    height: integer('height').notNull(),
    /** webp | jpeg */
    format: text('format').notNull(),
    data: bytes('data').notNull(),
  },
  (t) => [primaryKey({ columns: [t.hash, t.width, t.format] }), index('image_variants_hash_idx').on(t.hash)],
);
