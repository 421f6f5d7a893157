import ical, { escape as escapeText, ICalEventStatus } from 'ical-generator';
import type { EventRow } from './events.access.ts';
import { calendarTimes, vtimezoneOf } from './events.timezones.ts';

/**
 * The event as an iCalendar document that keeps its own time zone: DTSTART/DTEND carry the wall
 * time with `TZID` plus a VTIMEZONE, so a calendar shows "19:00 Berlin" even after the rules
 * change; see `calendarTimes` for when UTC is written instead (the instant stays right).
 */
export function buildEventCalendar(event: EventRow, publicUrl: string): string {
  const calendar = ical({
    prodId: { company: 'Muster', product: 'Muster', language: 'EN' },
    // ical-generator writes the calendar name unescaped; a newline in a title must not start a new line.
    name: escapeText(event.title, false),
    // No calendar-wide zone (DTSTAMP stays in UTC); the generator adds a VTIMEZONE per event zone.
    timezone: { name: null, generator: (tzid) => vtimezoneOf(tzid)?.block ?? null },
  });
  calendar.createEvent({
    id: event.id,
    // Grows with every edit, so calendar apps replace their copy instead of keeping a stale one.
    sequence: Math.max(0, Math.floor((event.updatedAt.getTime() - event.createdAt.getTime()) / 1000)),
    ...calendarTimes(event.startsAt, event.endsAt, event.timezone),
    summary: event.title,
    description: event.description,
    location: event.venue ?? event.onlineUrl,
    url: `${publicUrl}/events/${event.id}`,
    created: event.createdAt,
    lastModified: event.updatedAt,
    status: ICalEventStatus.CONFIRMED,
  });
  return calendar.toString();
}
