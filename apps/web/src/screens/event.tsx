import type { Event, RsvpChoice } from '@muster/protocol';
import { useEffect } from 'react';
import { Link, useParams } from 'wouter';
import { client } from '../client.ts';
import { EventCover } from '../components/event-cover.tsx';
import { Page } from '../components/page.tsx';
import { PointsChip } from '../components/points-chip.tsx';
import { useCanManage, useEvent, useIsScanner, useIsStaff } from '../hooks/event.ts';
import { useOnline, useSelect } from '../hooks/store.ts';
import { myEventIds } from '../lib/conversations.ts';
import { formatDateTime } from '../lib/time.ts';
import { OrganiserPanel } from './organiser/panel.tsx';

/** An event: when and where, my RSVP (with my waitlist position), and the ways into it. */
export function EventScreen() {
  const { id = '' } = useParams<{ id: string }>();
  const { event, missing } = useEvent(id);
  const manager = useCanManage(event);
  const staff = useIsStaff(event);
  const scanner = useIsScanner(event);
  // The directory is for people taking part: an RSVP other than "not going", or a role.
  const takingPart = useSelect((t) => myEventIds(t).has(id), [id]);
  // Ticket holders may take part without an RSVP: their points say so.
  const scored = useSelect((t) => id in t.points, [id]);
  if (!event)
    return (
      <Page title={missing ? 'Event not found' : 'Loading event…'} back={{ href: '/', label: 'Events' }}>
        {missing ? <p>This event does not exist or is not visible to you.</p> : <p role="status">Loading…</p>}
      </Page>
    );
  return (
    <Page title={event.title} back={{ href: '/', label: 'Events' }}>
      <EventCover image={event.coverImage} eager />
      <p className="meta">
        {formatDateTime(event.startsAt, event.timezone)} – {formatDateTime(event.endsAt, event.timezone)} (
        {event.timezone})
      </p>
      {event.venue ? <p className="meta">{event.venue}</p> : null}
      {event.status !== 'published' ? <p className="pill">{statusLabel[event.status]}</p> : null}
      {event.description ? <p className="description">{event.description}</p> : null}
      {takingPart || scored ? <PointsChip eventId={event.id} /> : null}
      <nav aria-label="This event" className="link-row">
        <Link href={`/events/${event.id}/agenda`} className="button">
          Agenda
        </Link>
        <Link href={`/events/${event.id}/speakers`} className="button">
          Speakers
        </Link>
        <Link href={`/events/${event.id}/channels`} className="button">
          Channels
        </Link>
        {takingPart ? (
          <Link href={`/events/${event.id}/people`} className="button">
            People
          </Link>
        ) : null}
        <Link href={`/events/${event.id}/tickets`} className="button">
          Tickets
        </Link>
        {scanner ? (
          <Link href={`/events/${event.id}/door`} className="button">
            Door
          </Link>
        ) : null}
      </nav>
      <RsvpBlock event={event} />
      {manager || staff ? <OrganiserPanel event={event} manager={manager} /> : null}
    </Page>
  );
}

const statusLabel: Record<Event['status'], string> = {
  draft: 'Draft — only organisers see it',
  published: 'Published',
  live: 'Live now',
  ended: 'Ended',
  archived: 'Archived',
};

const choices: { status: RsvpChoice; label: string }[] = [
  { status: 'going', label: 'Going' },
  { status: 'interested', label: 'Interested' },
  { status: 'declined', label: 'Not going' },
];

function RsvpBlock({ event }: { event: Event }) {
  const rsvp = useSelect((t) => t.rsvps[event.id], [event.id]);
  const online = useOnline();
  const waitlisted = rsvp?.status === 'waitlisted';
  // A waitlist position moves when people ahead leave, which is not recorded for everyone behind:
  // read it fresh when the page opens.
  useEffect(() => {
    if (!waitlisted || !online) return;
    client.api.events.rsvp(event.id).then(
      (fresh) =>
        client.store.load((draft) => {
          draft.write('rsvps')[event.id] = fresh;
        }),
      () => undefined,
    );
  }, [event.id, waitlisted, online]);
  const open = event.status === 'published' || event.status === 'live';
  const seats = event.capacity
    ? `${event.goingCount} of ${event.capacity} seats taken`
    : `${event.goingCount} going`;
  return (
    <section className="panel" aria-labelledby="rsvp-title">
      <h2 id="rsvp-title">Your RSVP</h2>
      <p className="meta">
        {seats}
        {event.waitlistCount ? ` · ${event.waitlistCount} on the waitlist` : ''}
      </p>
      <p data-testid="rsvp-status" role="status">
        {rsvp?.status === 'going' ? 'You are going.' : null}
        {rsvp?.status === 'waitlisted'
          ? `You are on the waitlist${rsvp.waitlistPosition ? `, position ${rsvp.waitlistPosition}` : ''}.`
          : null}
        {rsvp?.status === 'interested' ? 'You are interested.' : null}
        {rsvp?.status === 'declined' ? 'You are not going.' : null}
        {!rsvp ? 'You have not answered yet.' : null}
      </p>
      {open ? (
        <fieldset className="choice-buttons">
          <legend className="visually-hidden">Answer</legend>
          {choices.map((choice) => {
            // Asking to go onto a full event puts me on the waitlist: that answer is its own state.
            const waiting = choice.status === 'going' && waitlisted;
            const current = rsvp?.status === choice.status || waiting;
            return (
              <button
                key={choice.status}
                type="button"
                aria-pressed={current}
                data-state={waiting ? 'waitlisted' : undefined}
                className={waiting ? 'button waitlisted' : current ? 'button primary' : 'button'}
                onClick={() => void client.rsvp(event.id, choice.status)}
              >
                {waiting ? 'Waitlisted' : choice.label}
              </button>
            );
          })}
        </fieldset>
      ) : (
        <p className="muted">RSVPs are closed.</p>
      )}
    </section>
  );
}
