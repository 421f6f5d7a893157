import { agendaOf } from '@muster/sdk';
import { useMemo, useState } from 'react';
import { useParams } from 'wouter';
import { Page } from '../components/page.tsx';
import { SessionRow } from '../components/session-row.tsx';
import { useEvent } from '../hooks/event.ts';
import { useTables } from '../hooks/store.ts';
import { dayKey, formatDay } from '../lib/time.ts';

type GroupBy = 'time' | 'room' | 'track';

/**
 * The agenda, one day at a time, by time or grouped by room or track. It is the local store's copy,
 * so it updates live (a moved session shows its new room with a "changed" marker) and opens offline.
 */
export function AgendaScreen() {
  const { id = '' } = useParams<{ id: string }>();
  const { event, missing } = useEvent(id);
  const tables = useTables();
  const sessions = useMemo(() => agendaOf(tables, id), [tables, id]);
  const timeZone = event?.timezone ?? 'UTC';
  const days = useMemo(() => groupBy(sessions, (s) => dayKey(s.startsAt, timeZone)), [sessions, timeZone]);
  const [day, setDay] = useState<string | null>(null);
  const [by, setBy] = useState<GroupBy>('time');
  const current = day && days.has(day) ? day : ([...days.keys()][0] ?? null);
  const daySessions = current ? (days.get(current) ?? []) : [];
  const groups =
    by === 'time'
      ? new Map([['', daySessions]])
      : groupBy(daySessions, (s) => s[by] ?? (by === 'room' ? 'No room' : 'No track'));

  return (
    <Page
      title={event ? `Agenda · ${event.title}` : 'Agenda'}
      back={{ href: `/events/${id}`, label: 'Event' }}
    >
      {missing ? <p>This event does not exist or is not visible to you.</p> : null}
      {days.size > 1 ? (
        <fieldset className="tabs">
          <legend className="visually-hidden">Day</legend>
          {[...days.keys()].map((key) => (
            <button
              key={key}
              type="button"
              className="tab"
              aria-pressed={key === current}
              onClick={() => setDay(key)}
            >
              {formatDay(days.get(key)![0]!.startsAt, timeZone)}
            </button>
          ))}
        </fieldset>
      ) : null}
      <div className="field inline">
        <label htmlFor="group-by">Group by</label>
        <select id="group-by" value={by} onChange={(e) => setBy(e.target.value as GroupBy)}>
          <option value="time">Time</option>
          <option value="room">Room</option>
          <option value="track">Track</option>
        </select>
      </div>
      {sessions.length === 0 ? <p className="muted">{event ? 'No sessions yet.' : 'Loading…'}</p> : null}
      {current ? <h2 className="day-title">{formatDay(daySessions[0]!.startsAt, timeZone)}</h2> : null}
      {[...groups.entries()].map(([name, list]) => (
        <section key={name || 'all'} aria-label={name || undefined} className="group">
          {name ? <h3 className="group-title">{name}</h3> : null}
          <ul className="sessions">
            {list.map((session) => (
              <li key={session.id}>
                <SessionRow
                  session={session}
                  timeZone={timeZone}
                  mark={tables.sessionMarks[session.id]}
                  bookmarked={session.id in tables.bookmarks}
                  level={name ? 4 : 3}
                />
              </li>
            ))}
          </ul>
        </section>
      ))}
    </Page>
  );
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = groups.get(k);
    if (list) list.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}
