import type { Session } from '@muster/protocol';
import { describe, expect, it } from 'vitest';
import { googleCalendarUrl, sessionIcs } from './calendar.ts';

const session = {
  id: 's1',
  eventId: 'e1',
  title: 'Keynote; day, one',
  startsAt: '2026-06-01T09:00:00.000Z',
  endsAt: '2026-06-01T10:00:00.000Z',
  room: 'Main hall',
  track: null,
  speakerIds: [],
  cancelled: false,
  description: 'Line one\nline two',
} as unknown as Session;

describe('sessionIcs', () => {
  it('writes one escaped VEVENT in UTC with CRLF line ends', () => {
    const ics = sessionIcs(session, 'Conf', new Date('2026-05-01T00:00:00Z'));
    expect(ics).toContain('DTSTART:20260601T090000Z\r\n');
    expect(ics).toContain('DTEND:20260601T100000Z\r\n');
    expect(ics).toContain('SUMMARY:Keynote\\; day\\, one\r\n');
    expect(ics).toContain('DESCRIPTION:Conf\\n\\nLine one\\nline two\r\n');
    expect(ics).toContain('UID:session-s1@muster');
    expect(ics.startsWith('BEGIN:VCALENDAR\r\n')).toBe(true);
  });
});

describe('googleCalendarUrl', () => {
  it('pre-fills title, times and place', () => {
    const url = new URL(googleCalendarUrl(session, 'Conf'));
    expect(url.searchParams.get('dates')).toBe('20260601T090000Z/20260601T100000Z');
    expect(url.searchParams.get('text')).toBe('Keynote; day, one');
    expect(url.searchParams.get('location')).toBe('Main hall');
  });
});
