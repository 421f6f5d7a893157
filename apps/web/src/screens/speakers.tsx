import type { SpeakerDetail } from '@muster/protocol';
import { MusterApiError } from '@muster/sdk';
import { useEffect, useState } from 'react';
import { Link, useParams } from 'wouter';
import { client } from '../client.ts';
import { Avatar } from '../components/avatar.tsx';
import { MessageButton } from '../components/message-button.tsx';
import { Page } from '../components/page.tsx';
import { useEvent } from '../hooks/event.ts';
import { useSpeakers } from '../hooks/speakers.ts';
import { describeError } from '../lib/errors.ts';
import { formatDateTime, formatTime } from '../lib/time.ts';

/** Everyone speaking at the event, by name, with photo and headline. */
export function SpeakersScreen() {
  const { id = '' } = useParams<{ id: string }>();
  const { event } = useEvent(id);
  const speakers = useSpeakers(id);
  return (
    <Page title="Speakers" back={{ href: `/events/${id}`, label: event?.title ?? 'Event' }}>
      {!speakers ? <p role="status">Loading speakers…</p> : null}
      {speakers?.length === 0 ? <p className="muted">No speakers are announced yet.</p> : null}
      <ul className="speaker-list">
        {speakers?.map((speaker) => (
          <li key={speaker.id}>
            <Link href={`/events/${id}/speakers/${speaker.id}`} className="speaker-card">
              <Avatar person={speaker} size={56} />
              <span>
                <span className="speaker-name">{speaker.name}</span>
                <span className="meta">
                  {[speaker.headline, speaker.company].filter(Boolean).join(' · ')}
                </span>
              </span>
            </Link>
          </li>
        ))}
      </ul>
    </Page>
  );
}

/** One speaker: photo, who they are, and their sessions in this event (each linking to the session). */
export function SpeakerScreen() {
  const { id = '', userId = '' } = useParams<{ id: string; userId: string }>();
  const { event } = useEvent(id);
  const [detail, setDetail] = useState<SpeakerDetail>();
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let cancelled = false;
    client.api.events.speaker(id, userId).then(
      (found) => (cancelled ? undefined : setDetail(found)),
      (caught: unknown) => {
        if (cancelled) return;
        setError(
          caught instanceof MusterApiError && (caught.status === 404 || caught.status === 400)
            ? 'This speaker does not speak at this event, or the event is not visible to you.'
            : describeError(caught),
        );
      },
    );
    return () => {
      cancelled = true;
    };
  }, [id, userId]);
  const back = { href: `/events/${id}/speakers`, label: 'Speakers' };
  if (!detail)
    return (
      <Page title={error ? 'Speaker not found' : 'Speaker'} back={back}>
        {error ? <p role="alert">{error}</p> : <p role="status">Loading…</p>}
      </Page>
    );
  const { speaker, sessions } = detail;
  const zone = event?.timezone ?? 'UTC';
  return (
    <Page title={speaker.name} back={back}>
      <div className="speaker-head">
        <Avatar person={speaker} size={120} />
        <div>
          {speaker.headline ? <p className="speaker-headline">{speaker.headline}</p> : null}
          {speaker.company ? <p className="meta">{speaker.company}</p> : null}
          <MessageButton userId={speaker.id} name={speaker.name} />
        </div>
      </div>
      {speaker.bio ? <p className="description">{speaker.bio}</p> : null}
      <h2>Sessions</h2>
      <ul className="speaker-sessions">
        {sessions.map((session) => (
          <li key={session.id}>
            <Link href={`/sessions/${session.id}`}>{session.title}</Link>
            <span className="meta">
              {' '}
              {formatDateTime(session.startsAt, zone)}–{formatTime(session.endsAt, zone)}
              {session.room ? ` · ${session.room}` : ''}
            </span>
          </li>
        ))}
      </ul>
    </Page>
  );
}
