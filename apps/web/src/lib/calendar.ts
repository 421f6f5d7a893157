import type { Session } from '@muster/protocol';

/** 20260601T090000Z: the UTC form both iCalendar and Google Calendar accept. */
function utcStamp(iso: string): string {
  return new Date(iso)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

/** RFC 5545 text escaping (backslash, semicolon, comma, newline). */
function escapeText(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/;/g, '\\;').replace(/,/g, '\\,').replace(/\r?\n/g, '\\n');
}

/**
 * One session as an iCalendar file. Built on the device (the server's feeds are per event and per
 * schedule, not per session), so it works offline; the UID is stable, so re-adding updates the entry.
 */
export function sessionIcs(session: Session, eventTitle: string | undefined, now = new Date()): string {
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Muster//Session//EN',
    'CALSCALE:GREGORIAN',
    'BEGIN:VEVENT',
    `UID:session-${session.id}@muster`,
    `DTSTAMP:${utcStamp(now.toISOString())}`,
    `DTSTART:${utcStamp(session.startsAt)}`,
    `DTEND:${utcStamp(session.endsAt)}`,
    `SUMMARY:${escapeText(session.title)}`,
    ...(session.room ? [`LOCATION:${escapeText(session.room)}`] : []),
    ...(session.description || eventTitle
      ? [`DESCRIPTION:${escapeText([eventTitle, session.description].filter(Boolean).join('\n\n'))}`]
      : []),
    ...(session.cancelled ? ['STATUS:CANCELLED'] : []),
    'END:VEVENT',
    'END:VCALENDAR',
  ];
  return `${lines.join('\r\n')}\r\n`;
}

/** A Google Calendar "create event" link pre-filled with the session. */
export function googleCalendarUrl(session: Session, eventTitle: string | undefined): string {
  const params = new URLSearchParams({
    action: 'TEMPLATE',
    text: session.title,
    dates: `${utcStamp(session.startsAt)}/${utcStamp(session.endsAt)}`,
  });
  if (session.room) params.set('location', session.room);
  const details = [eventTitle, session.description].filter(Boolean).join('\n\n');
  if (details) params.set('details', details);
  return `https://calendar.google.com/calendar/render?${params.toString()}`;
}
