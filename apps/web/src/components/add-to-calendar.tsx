import type { Session } from '@muster/protocol';
import { useMemo } from 'react';
import { googleCalendarUrl, sessionIcs } from '../lib/calendar.ts';

/** "Add to calendar": an .ics download (Apple, Outlook, any calendar app) and a Google Calendar link. */
export function AddToCalendar({ session, eventTitle }: { session: Session; eventTitle?: string }) {
  const href = useMemo(
    () => `data:text/calendar;charset=utf-8,${encodeURIComponent(sessionIcs(session, eventTitle))}`,
    [session, eventTitle],
  );
  const filename = `${
    session.title
      .replace(/[^\p{L}\p{N}]+/gu, '-')
      .replace(/^-|-$/g, '')
      .slice(0, 60) || 'session'
  }.ics`;
  return (
    <p className="link-row">
      <a className="button" href={href} download={filename} data-testid="add-ics">
        Add to calendar (.ics)
      </a>
      <a
        className="button"
        href={googleCalendarUrl(session, eventTitle)}
        target="_blank"
        rel="noopener noreferrer"
      >
        Google Calendar<span className="visually-hidden"> (opens in a new tab)</span>
      </a>
    </p>
  );
}
