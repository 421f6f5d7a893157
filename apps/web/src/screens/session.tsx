import type { Session } from '@muster/protocol';
import { lazy, Suspense } from 'react';
import { Link, useParams, useRoute } from 'wouter';
import { BookmarkButton } from '../components/bookmark-button.tsx';
import { Page } from '../components/page.tsx';
import { SessionFacts } from '../components/session-facts.tsx';
import { useSession } from '../hooks/session-data.ts';
import { useSelect } from '../hooks/store.ts';

// The Live tab (polls, questions, feedback) is its own chunk: the session page stays light.
const LiveTab = lazy(() => import('./live/live-tab.tsx').then((m) => ({ default: m.LiveTab })));

/** A session: details, the bookmark, my private note (editable offline) and, for organisers, edit. */
export function SessionScreen() {
  const { id = '' } = useParams<{ id: string }>();
  const session = useSession(id);
  if (!session)
    return (
      <Page title="Session" back={{ href: '/schedule', label: 'My schedule' }}>
        <p role="status">Loading… (sessions you have opened before are available offline)</p>
      </Page>
    );
  return <SessionDetails key={session.id} session={session} />;
}

function SessionDetails({ session }: { session: Session }) {
  const bookmarked = useSelect((t) => session.id in t.bookmarks, [session.id]);
  const [live] = useRoute('/sessions/:id/live');
  return (
    <Page
      title={session.title}
      back={{ href: `/events/${session.eventId}/agenda`, label: 'Agenda' }}
      actions={<BookmarkButton session={session} bookmarked={bookmarked} />}
    >
      <nav className="tabs" aria-label="Session">
        <Link className="tab" href={`/sessions/${session.id}`} aria-current={live ? undefined : 'page'}>
          Details
        </Link>
        <Link className="tab" href={`/sessions/${session.id}/live`} aria-current={live ? 'page' : undefined}>
          Live
        </Link>
      </nav>
      {live ? (
        <Suspense fallback={<p role="status">Loading…</p>}>
          <LiveTab session={session} />
        </Suspense>
      ) : (
        <SessionFacts session={session} />
      )}
    </Page>
  );
}
