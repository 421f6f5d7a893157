import type { Session } from '@muster/protocol';
import { useEffect, useState } from 'react';
import { Link, useParams } from 'wouter';
import { AddToCalendar } from '../components/add-to-calendar.tsx';
import { BookmarkButton } from '../components/bookmark-button.tsx';
import { NoteEditor } from '../components/note-editor.tsx';
import { Page } from '../components/page.tsx';
import { SpeakerChips } from '../components/speaker-chips.tsx';
import { useCanManage, useEvent } from '../hooks/event.ts';
import { useSession } from '../hooks/session-data.ts';
import { useSpeakers } from '../hooks/speakers.ts';
import { useSelect } from '../hooks/store.ts';
import { describeChange, isUnseen, markSeen } from '../lib/seen.ts';
import { formatDateTime, formatTime } from '../lib/time.ts';

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
  return <SessionDetails session={session} />;
}

function SessionDetails({ session }: { session: Session }) {
  const { event } = useEvent(session.eventId);
  const manager = useCanManage(event);
  const speakers = useSpeakers(session.eventId);
  const mark = useSelect((t) => t.sessionMarks[session.id], [session.id]);
  const bookmarked = useSelect((t) => session.id in t.bookmarks, [session.id]);
  const [changed] = useState(() => isUnseen(session.id, mark));
  useEffect(() => {
    markSeen(session.id, mark);
  }, [session.id, mark]);
  const zone = event?.timezone ?? 'UTC';
  return (
    <Page
      title={session.title}
      back={{ href: `/events/${session.eventId}/agenda`, label: 'Agenda' }}
      actions={<BookmarkButton session={session} bookmarked={bookmarked} />}
    >
      <p className="meta">
        {formatDateTime(session.startsAt, zone)}–{formatTime(session.endsAt, zone)}
      </p>
      <p className="meta">
        <span data-testid="session-room">{session.room ?? 'Room to be announced'}</span>
        {session.track ? ` · ${session.track}` : ''}
      </p>
      <SpeakerChips eventId={session.eventId} speakerIds={session.speakerIds} speakers={speakers} />
      {session.cancelled ? <p className="pill danger">This session is cancelled.</p> : null}
      {changed && mark ? <p className="pill changed">Changed: {describeChange(mark)}</p> : null}
      {session.description ? <p className="description">{session.description}</p> : null}
      {session.cancelled ? null : <AddToCalendar session={session} eventTitle={event?.title} />}
      {manager ? (
        <p>
          <Link href={`/sessions/${session.id}/edit`} className="button">
            Edit or move session
          </Link>
        </p>
      ) : null}
      <NoteEditor sessionId={session.id} />
    </Page>
  );
}
