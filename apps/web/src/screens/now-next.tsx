import { agendaOf } from '@muster/sdk';
import { useEffect, useMemo, useState } from 'react';
import { useParams } from 'wouter';
import { FeedbackDueCard } from '../components/feedback-due.tsx';
import { Page } from '../components/page.tsx';
import { SessionList } from '../components/session-list.tsx';
import { useEvent } from '../hooks/event.ts';
import { useTables } from '../hooks/store.ts';
import { nowAndNext } from '../lib/agenda-search.ts';

/** Re-evaluated every 30 s so a session moves from Next to Now without a reload. */
const TICK_MS = 30_000;

/**
 * What is on now and what starts next at an event. Read from the synced store, so an organiser's
 * change (moved, cancelled) shows at once; the clock tick moves sessions along.
 */
export function NowNextScreen() {
  const { id = '' } = useParams<{ id: string }>();
  const { event, missing } = useEvent(id);
  const tables = useTables();
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), TICK_MS);
    return () => window.clearInterval(timer);
  }, []);
  const sessions = useMemo(() => agendaOf(tables, id), [tables, id]);
  const { now: on, next } = useMemo(() => nowAndNext(sessions, now), [sessions, now]);
  const timeZone = event?.timezone ?? 'UTC';
  const list = (items: typeof on, empty: string) =>
    items.length === 0 ? (
      <p className="muted">{empty}</p>
    ) : (
      <SessionList sessions={items} tables={tables} timeZoneOf={() => timeZone} />
    );
  return (
    <Page
      title={event ? `Now / Next · ${event.title}` : 'Now / Next'}
      back={{ href: `/events/${id}/agenda`, label: 'Agenda' }}
    >
      {missing ? <p>This event does not exist or is not visible to you.</p> : null}
      <FeedbackDueCard eventId={id} />
      <div className="now-next split">
        <section aria-labelledby="now-title" data-testid="now">
          <h2 id="now-title">On now</h2>
          {list(on, 'Nothing is on right now.')}
        </section>
        <section aria-labelledby="next-title" data-testid="next">
          <h2 id="next-title">Up next</h2>
          {list(next, 'Nothing else is scheduled.')}
        </section>
      </div>
    </Page>
  );
}
