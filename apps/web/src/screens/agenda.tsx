import { agendaOf } from '@muster/sdk';
import { type ReactNode, useMemo, useState } from 'react';
import { Link, Redirect, useParams } from 'wouter';
import { Page } from '../components/page.tsx';
import { Segmented } from '../components/segmented.tsx';
import { SessionList } from '../components/session-list.tsx';
import { SessionPane } from '../components/session-pane.tsx';
import { useEvent } from '../hooks/event.ts';
import { useSpeakers } from '../hooks/speakers.ts';
import { useTables } from '../hooks/store.ts';
import { useDesktop } from '../hooks/wide.ts';
import { searchSessions } from '../lib/agenda-search.ts';
import { useNames } from '../lib/names.ts';
import { dayKey, formatDay } from '../lib/time.ts';

type GroupBy = 'time' | 'room' | 'track';

const groupings: { value: GroupBy; label: string }[] = [
  { value: 'time', label: 'By time' },
  { value: 'room', label: 'By room' },
  { value: 'track', label: 'By track' },
];

/**
 * The agenda, one day at a time, by time or grouped by room or track. It is the local store's copy,
 * so it updates live (a moved session shows its new room with a "changed" marker) and opens offline.
 * On a desktop-wide window the selected session opens beside the list, at /events/:id/agenda/:session
 * (one route, so the search, day and grouping stay as they are); on a phone that address is the
 * session screen.
 */
export function AgendaScreen() {
  const { id = '', sessionId } = useParams<{ id: string; sessionId?: string }>();
  const desktop = useDesktop();
  if (sessionId && !desktop) return <Redirect to={`/sessions/${sessionId}`} replace />;
  return <Agenda id={id} selected={desktop ? (sessionId ?? null) : undefined} />;
}

/** `selected`: undefined on a phone (no detail pane), null on a desktop with nothing open yet. */
function Agenda({ id, selected }: { id: string; selected: string | null | undefined }) {
  const { event, missing } = useEvent(id);
  const tables = useTables();
  const sessions = useMemo(() => agendaOf(tables, id), [tables, id]);
  const timeZone = event?.timezone ?? 'UTC';
  const days = useMemo(() => groupBy(sessions, (s) => dayKey(s.startsAt, timeZone)), [sessions, timeZone]);
  const [day, setDay] = useState<string | null>(null);
  const [by, setBy] = useState<GroupBy>('time');
  const [query, setQuery] = useState('');
  const names = useNames();
  const speakers = useSpeakers(id);
  const current = day && days.has(day) ? day : ([...days.keys()][0] ?? null);
  const searching = query.trim() !== '';
  // A search looks across every day; otherwise one day at a time.
  const daySessions = searching
    ? searchSessions(sessions, query, names)
    : current
      ? (days.get(current) ?? [])
      : [];
  const groups =
    by === 'time'
      ? new Map([['', daySessions]])
      : groupBy(daySessions, (s) => s[by] ?? (by === 'room' ? 'No room' : 'No track'));

  const list = (
    <>
      {missing ? <p>This event does not exist or is not visible to you.</p> : null}
      <p className="link-row">
        <Link href={`/events/${id}/now`} className="button">
          Now / Next
        </Link>
        <Link href={`/events/${id}/speakers`} className="button">
          Speakers
        </Link>
      </p>
      <div className="field search">
        <label htmlFor="agenda-search">Search the agenda</label>
        <input
          id="agenda-search"
          type="search"
          value={query}
          placeholder="Title, room, track or speaker"
          onInput={(e) => setQuery((e.target as HTMLInputElement).value)}
        />
      </div>
      {days.size > 1 && !searching ? (
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
      <Segmented<GroupBy> legend="Group by" name="group-by" options={groupings} value={by} onChange={setBy} />
      {sessions.length === 0 ? <p className="muted">{event ? 'No sessions yet.' : 'Loading…'}</p> : null}
      {searching ? (
        <h2 className="day-title" role="status">
          {daySessions.length === 1 ? '1 session found' : `${daySessions.length} sessions found`}
        </h2>
      ) : current && daySessions[0] ? (
        <h2 className="day-title">{formatDay(daySessions[0].startsAt, timeZone)}</h2>
      ) : null}
      {[...groups.entries()].map(([name, list]) => (
        <section key={name || 'all'} aria-label={name || undefined} className="group">
          {name ? <h3 className="group-title">{name}</h3> : null}
          <SessionList
            sessions={list}
            tables={tables}
            timeZoneOf={() => timeZone}
            level={name ? 4 : 3}
            hrefOf={selected === undefined ? undefined : (session) => `/events/${id}/agenda/${session.id}`}
            selected={selected}
            speakers={speakers}
          />
        </section>
      ))}
    </>
  );
  return (
    <Page
      title={event ? `Agenda · ${event.title}` : 'Agenda'}
      back={{ href: `/events/${id}`, label: 'Event' }}
    >
      {selected === undefined ? list : <TwoPanes list={list} selected={selected} />}
    </Page>
  );
}

function TwoPanes({ list, selected }: { list: ReactNode; selected: string | null }) {
  return (
    <div className="split agenda-split">
      <div>{list}</div>
      {selected ? (
        <SessionPane key={selected} sessionId={selected} />
      ) : (
        <p className="split-detail muted">Choose a session to see its details here.</p>
      )}
    </div>
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
