import type { ImageRef } from '@muster/protocol';
import { ResponsiveImage } from './responsive-image.tsx';

/**
 * An event's cover, the width of the content column at most. Decorative (the title says what the
 * event is), so no alt text. `eager` on the event's own screen, where it is the largest paint.
 */
export function EventCover({ image, eager }: { image: ImageRef | null | undefined; eager?: boolean }) {
  if (!image) return null;
  return (
    <ResponsiveImage
      image={image}
      alt=""
      sizes="(min-width: 40rem) 40rem, 100vw"
      className="cover"
      eager={eager}
    />
  );
}
