import type { Event } from '@muster/protocol';
import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { Link } from 'wouter';
import { client } from '../client.ts';
import { EventCard } from '../components/event-card.tsx';
import { Page } from '../components/page.tsx';
import { useOnline, useSelect } from '../hooks/store.ts';
import { describeError } from '../lib/errors.ts';

/**
 * Published events, searchable. The list comes from the server; offline, the events this device
 * follows (opened before) are shown instead.
 */
export function DiscoverScreen() {
  const online = useOnline();
  const [query, setQuery] = useState('');
  const [found, setFound] = useState<Event[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const saved = useSelect((t) =>
    Object.values(t.events).sort((a, b) => a.startsAt.localeCompare(b.startsAt)),
  );

  const search = useCallback(async (q: string) => {
    setError(null);
    try {
      const page = await client.api.events.list({ ...(q ? { q } : {}), limit: 50 });
      setFound(page.items);
    } catch (caught) {
      setError(describeError(caught));
    }
  }, []);

  useEffect(() => {
    if (online) void search('');
  }, [online, search]);

  function submit(event: FormEvent) {
    event.preventDefault();
    void search(query.trim());
  }

  const events = online && found ? found : saved;
  return (
    <Page
      title="Events"
      actions={
        <Link href="/events/new" className="button">
          New event
        </Link>
      }
    >
      <search>
        <form className="search" onSubmit={submit}>
          <label htmlFor="event-search" className="visually-hidden">
            Search events
          </label>
          <input
            id="event-search"
            type="search"
            placeholder="Search events"
            value={query}
            maxLength={200}
            onChange={(e) => setQuery(e.target.value)}
          />
          <button type="submit" className="button" disabled={!online}>
            Search
          </button>
        </form>
      </search>
      {!online ? <p className="muted">Offline: showing the events saved on this device.</p> : null}
      {error ? <p role="alert">{error}</p> : null}
      {events.length === 0 ? (
        <p className="muted">{found === null && online ? 'Loading…' : 'No events found.'}</p>
      ) : (
        <ul className="cards">
          {events.map((event) => (
            <li key={event.id}>
              <EventCard event={event} />
            </li>
          ))}
        </ul>
      )}
    </Page>
  );
}
