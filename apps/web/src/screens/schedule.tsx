import { scheduleOf } from '@muster/sdk';
import { useMemo } from 'react';
import { Link } from 'wouter';
import { Page } from '../components/page.tsx';
import { SessionList } from '../components/session-list.tsx';
import { useTables } from '../hooks/store.ts';
import { dayKey, formatDay } from '../lib/time.ts';

/** My schedule across events, by day, with overlapping sessions flagged. Works offline. */
export function ScheduleScreen() {
  const tables = useTables();
  const entries = useMemo(() => scheduleOf(tables), [tables]);
  const zoneOf = (eventId: string) => tables.events[eventId]?.timezone ?? 'UTC';
  const days = new Map<string, typeof entries>();
  for (const entry of entries) {
    const key = dayKey(entry.session.startsAt, zoneOf(entry.session.eventId));
    days.set(key, [...(days.get(key) ?? []), entry]);
  }
  const conflicts = entries.filter((e) => e.conflictsWith.length > 0).length;
  return (
    <Page title="My schedule">
      {entries.length === 0 ? (
        <p className="muted">
          Nothing yet. Open an event's agenda and tap ☆ to add sessions. <Link href="/">Find events</Link>
        </p>
      ) : null}
      {conflicts > 0 ? (
        <p className="pill warning" role="note">
          {conflicts} sessions overlap another one in your schedule.
        </p>
      ) : null}
      {[...days.entries()].map(([key, list]) => (
        <section key={key} className="group" aria-labelledby={`day-${key}`}>
          <h2 id={`day-${key}`} className="group-title">
            {formatDay(list[0]!.session.startsAt, zoneOf(list[0]!.session.eventId))}
          </h2>
          <SessionList
            sessions={list.map((entry) => entry.session)}
            tables={tables}
            timeZoneOf={(session) => zoneOf(session.eventId)}
            conflictsOf={(session) => list.find((entry) => entry.session === session)?.conflictsWith ?? []}
          />
        </section>
      ))}
    </Page>
  );
}
