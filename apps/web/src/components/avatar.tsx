import type { ImageRef } from '@muster/protocol';
import { ResponsiveImage } from './responsive-image.tsx';

/** Someone's photo, or their initials on a tinted disc when they have none. Decorative: the name is beside it. */
export function Avatar({
  person,
  size,
}: {
  person: { name: string; avatar?: ImageRef | null | undefined };
  /** Rendered width in CSS pixels, so the browser picks the smallest rendition that is sharp. */
  size: number;
}) {
  const style = { width: `${size}px`, height: `${size}px` };
  if (person.avatar)
    return (
      <span className="avatar" style={style}>
        <ResponsiveImage image={person.avatar} alt="" sizes={`${size}px`} className="avatar-img" />
      </span>
    );
  const initials = person.name
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((word) => word[0]?.toUpperCase())
    .join('');
  return (
    <span
      className="avatar avatar-initials"
      style={{ ...style, fontSize: `${size / 2.5}px` }}
      aria-hidden="true"
    >
      {initials}
    </span>
  );
}
