import { type ImageRef, imagePath } from '@muster/protocol';

/**
 * A content-addressed image with WebP and JPEG `srcset`s and the original's dimensions as
 * `width`/`height`, so the browser reserves the box before the bytes arrive (no layout shift).
 */
export function ResponsiveImage({
  image,
  alt,
  sizes,
  className,
  eager = false,
}: {
  image: ImageRef;
  alt: string;
  sizes: string;
  className?: string;
  eager?: boolean;
}) {
  const set = (format: 'webp' | 'jpeg') =>
    image.widths.map((w) => `${imagePath(image.hash, w, format)} ${w}w`).join(', ');
  const fallback = image.widths[Math.min(1, image.widths.length - 1)] ?? image.width;
  return (
    <picture>
      <source type="image/webp" srcSet={set('webp')} sizes={sizes} />
      <img
        className={className}
        src={imagePath(image.hash, fallback, 'jpeg')}
        srcSet={set('jpeg')}
        sizes={sizes}
        width={image.width}
        height={image.height}
        alt={alt}
        loading={eager ? 'eager' : 'lazy'}
        decoding="async"
      />
    </picture>
  );
}
