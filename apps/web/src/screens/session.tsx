import type { Session } from '@muster/protocol';
import { useParams } from 'wouter';
import { BookmarkButton } from '../components/bookmark-button.tsx';
import { Page } from '../components/page.tsx';
import { SessionFacts } from '../components/session-facts.tsx';
import { useSession } from '../hooks/session-data.ts';
import { useSelect } from '../hooks/store.ts';

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
  return (
    <Page
      title={session.title}
      back={{ href: `/events/${session.eventId}/agenda`, label: 'Agenda' }}
      actions={<BookmarkButton session={session} bookmarked={bookmarked} />}
    >
      <SessionFacts session={session} />
    </Page>
  );
}
