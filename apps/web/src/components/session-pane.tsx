import { useSession } from '../hooks/session-data.ts';
import { useSelect } from '../hooks/store.ts';
import { BookmarkButton } from './bookmark-button.tsx';
import { SessionFacts } from './session-facts.tsx';

/**
 * The desktop agenda's right-hand pane: the open session, titled one level below the page. Its
 * heading is `detail-title`, which Layout focuses after navigation in place of the page's.
 */
export function SessionPane({ sessionId }: { sessionId: string }) {
  const session = useSession(sessionId);
  const bookmarked = useSelect((t) => sessionId in t.bookmarks, [sessionId]);
  if (!session)
    return (
      <p className="split-detail" role="status">
        Loading…
      </p>
    );
  return (
    <section className="split-detail session-pane" aria-labelledby="detail-title" data-testid="session-pane">
      <div className="page-head">
        <h2 id="detail-title" tabIndex={-1}>
          {session.title}
        </h2>
        <BookmarkButton session={session} bookmarked={bookmarked} />
      </div>
      <SessionFacts session={session} />
    </section>
  );
}
