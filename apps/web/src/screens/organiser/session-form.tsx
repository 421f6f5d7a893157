import type { Session, UpdateSessionBody } from '@muster/protocol';
import { agendaOf } from '@muster/sdk';
import { type FormEvent, useState } from 'react';
import { useLocation, useParams, useRoute } from 'wouter';
import { client } from '../../client.ts';
import { Field, FormError } from '../../components/field.tsx';
import { Page } from '../../components/page.tsx';
import { TitleAndDescription } from '../../components/title-and-description.tsx';
import { useEvent } from '../../hooks/event.ts';
import { useSession } from '../../hooks/session-data.ts';
import { useSelect } from '../../hooks/store.ts';
import { describeError } from '../../lib/errors.ts';
import { matchRoom, roomsOf } from '../../lib/rooms.ts';
import { fromLocalInput, toLocalInput } from '../../lib/time.ts';

/**
 * Add a session (`/events/:id/sessions/new`) or edit and move one (`/sessions/:id/edit`). An edit
 * sends only the fields that changed and goes through the outbox, so attendees see the move live
 * (and an organiser can make it with a flaky connection).
 */
export function SessionForm() {
  const [creating] = useRoute('/events/:id/sessions/new');
  const { id = '' } = useParams<{ id: string }>();
  const found = useSession(creating ? '' : id);
  const session = creating ? undefined : found;
  const eventId = creating ? id : session?.eventId;
  const { event } = useEvent(eventId ?? '');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [, navigate] = useLocation();
  const rooms = useSelect((t) => roomsOf(agendaOf(t, eventId ?? '')), [eventId]);

  if (!event || (!creating && !session)) return <Page title="Session">Loading…</Page>;
  const zone = event.timezone;

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const text = (name: string) => String(form.get(name) ?? '').trim();
    const fields = {
      title: text('title'),
      description: text('description') || null,
      startsAt: fromLocalInput(text('startsAt'), zone),
      endsAt: fromLocalInput(text('endsAt'), zone),
      room: matchRoom(text('room'), rooms),
      track: text('track') || null,
    };
    setBusy(true);
    setError(null);
    try {
      if (session) {
        const patch = changedFields(session, fields);
        if (Object.keys(patch).length) await client.updateSession(session.id, patch);
        navigate(`/sessions/${session.id}`);
      } else {
        const created = await client.api.sessions.create(event!.id, fields);
        navigate(`/sessions/${created.id}`);
      }
    } catch (caught) {
      setError(describeError(caught));
      setBusy(false);
    }
  }

  async function cancel() {
    if (!session || !window.confirm(`Cancel “${session.title}”? Attendees will see it as cancelled.`)) return;
    await client.cancelSession(session.id);
    navigate(`/events/${session.eventId}/agenda`);
  }

  const defaultStart = session ? toLocalInput(session.startsAt, zone) : toLocalInput(event.startsAt, zone);
  const defaultEnd = session
    ? toLocalInput(session.endsAt, zone)
    : toLocalInput(new Date(Date.parse(event.startsAt) + 3_600_000).toISOString(), zone);
  return (
    <Page
      title={session ? `Edit ${session.title}` : 'New session'}
      back={
        session
          ? { href: `/sessions/${session.id}`, label: 'Session' }
          : { href: `/events/${event.id}`, label: 'Event' }
      }
    >
      <form className="stack" onSubmit={submit}>
        <TitleAndDescription existing={session} rows={3} />
        <Field
          label="Starts"
          name="startsAt"
          type="datetime-local"
          required
          defaultValue={defaultStart}
          hint={`Times in ${zone}.`}
        />
        <Field label="Ends" name="endsAt" type="datetime-local" required defaultValue={defaultEnd} />
        <Field
          label="Room"
          name="room"
          maxLength={120}
          defaultValue={session?.room ?? ''}
          list="event-rooms"
          autoComplete="off"
          hint="Pick one of the event's rooms, or type a new one."
        />
        <datalist id="event-rooms">
          {rooms.map((room) => (
            <option key={room} value={room} />
          ))}
        </datalist>
        <Field label="Track" name="track" maxLength={120} defaultValue={session?.track ?? ''} />
        <FormError error={error} />
        <button type="submit" className="button primary" disabled={busy}>
          {session ? 'Save changes' : 'Add session'}
        </button>
      </form>
      {session && !session.cancelled ? (
        <p>
          <button type="button" className="button danger" onClick={() => void cancel()}>
            Cancel this session
          </button>
        </p>
      ) : null}
    </Page>
  );
}

function changedFields(
  session: Session,
  fields: Required<Omit<UpdateSessionBody, 'tags' | 'speakerIds' | 'capacity'>>,
) {
  const patch: UpdateSessionBody = {};
  for (const [key, value] of Object.entries(fields) as [keyof typeof fields, string | null][])
    if (session[key] !== value) (patch as Record<string, unknown>)[key] = value;
  return patch;
}
