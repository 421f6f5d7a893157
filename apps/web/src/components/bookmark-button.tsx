import type { Session } from '@muster/protocol';
import { client } from '../client.ts';

/** Adds to or removes from my schedule; works offline (queued). */
export function BookmarkButton({ session, bookmarked }: { session: Session; bookmarked: boolean }) {
  return (
    <button
      type="button"
      className={`bookmark ${bookmarked ? 'is-on' : ''}`}
      aria-pressed={bookmarked}
      aria-label={`${bookmarked ? 'Remove from' : 'Add to'} my schedule: ${session.title}`}
      onClick={() => void (bookmarked ? client.unbookmark(session.id) : client.bookmark(session.id))}
    >
      <span aria-hidden="true">{bookmarked ? '★' : '☆'}</span>
    </button>
  );
}
