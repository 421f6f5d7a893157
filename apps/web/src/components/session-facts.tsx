import type { Session } from '@muster/protocol';
import { useEffect, useState } from 'react';
import { Link } from 'wouter';
import { useCanManage, useEvent } from '../hooks/event.ts';
import { useSpeakers } from '../hooks/speakers.ts';
import { useSelect } from '../hooks/store.ts';
import { describeChange, isUnseen, markSeen } from '../lib/seen.ts';
import { formatDateTime, formatTime } from '../lib/time.ts';
import { AddToCalendar } from './add-to-calendar.tsx';
import { NoteEditor } from './note-editor.tsx';
import { SpeakerChips } from './speaker-chips.tsx';

/**
 * What a session says, below its title: when and where, cancelled or changed, the description,
 * add-to-calendar, edit (organisers) and my private note. Shared by the session screen and the
 * desktop agenda's detail pane, so both show the same thing. Key it by session id: the "changed"
 * marker is taken once, when the session is opened, before it is marked seen.
 */
export function SessionFacts({ session }: { session: Session }) {
  const { event } = useEvent(session.eventId);
  const manager = useCanManage(event);
  const speakers = useSpeakers(session.eventId);
  const mark = useSelect((t) => t.sessionMarks[session.id], [session.id]);
  const [changed] = useState(() => isUnseen(session.id, mark));
  useEffect(() => {
    markSeen(session.id, mark);
  }, [session.id, mark]);
  const zone = event?.timezone ?? 'UTC';
  return (
    <>
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
    </>
  );
}
