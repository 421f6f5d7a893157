import type { Event } from '@muster/protocol';
import { Link } from 'wouter';
import { formatDay } from '../lib/time.ts';
import { EventCover } from './event-cover.tsx';

export function EventCard({ event }: { event: Event }) {
  const days =
    formatDay(event.startsAt, event.timezone) === formatDay(event.endsAt, event.timezone)
      ? formatDay(event.startsAt, event.timezone)
      : `${formatDay(event.startsAt, event.timezone)} – ${formatDay(event.endsAt, event.timezone)}`;
  return (
    <article className="card">
      <EventCover image={event.coverImage} />
      <h2 className="card-title">
        <Link href={`/events/${event.id}`}>{event.title}</Link>
      </h2>
      <p className="meta">
        {days}
        {event.venue ? ` · ${event.venue}` : ''}
      </p>
      <p className="meta">
        {event.goingCount} going{event.capacity ? ` of ${event.capacity}` : ''}
        {event.status === 'draft' ? ' · Draft' : ''}
        {event.status === 'live' ? ' · Live now' : ''}
      </p>
    </article>
  );
}
