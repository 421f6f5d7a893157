import type { DirectoryEntry } from '@muster/protocol';
import { type FormEvent, useEffect, useState } from 'react';
import { Link, useParams } from 'wouter';
import { client } from '../client.ts';
import { FormError } from '../components/field.tsx';
import { MessageButton } from '../components/message-button.tsx';
import { Page } from '../components/page.tsx';
import { useEvent } from '../hooks/event.ts';
import { useUser } from '../hooks/session.ts';
import { describeError } from '../lib/errors.ts';
import { rememberNames } from '../lib/names.ts';
import { ConnectButton } from './networking/connect-button.tsx';
import { Recommendations } from './networking/recommendations.tsx';

type Listing = { items: DirectoryEntry[]; nextCursor: string | null };

/**
 * The event's attendee directory: people taking part who chose to be listed, searchable, each with
 * a button to message them. Taking part (an RSVP or a role) is what lets one see it.
 */
export function PeopleScreen() {
  const { id = '' } = useParams<{ id: string }>();
  const { event } = useEvent(id);
  const user = useUser();
  const [query, setQuery] = useState('');
  const [listing, setListing] = useState<Listing | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function load(q: string, cursor?: string) {
    setError(null);
    try {
      const page = await client.api.events.directory(id, {
        ...(q ? { q } : {}),
        ...(cursor ? { cursor } : {}),
      });
      rememberNames(page.items);
      setListing((before) =>
        cursor && before ? { items: [...before.items, ...page.items], nextCursor: page.nextCursor } : page,
      );
    } catch (caught) {
      setError(describeError(caught));
    }
  }
  // biome-ignore lint/correctness/useExhaustiveDependencies: loads once per event; searches load on submit
  useEffect(() => void load(''), [id]);

  function search(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    void load(query.trim());
  }

  return (
    <Page
      title={event ? `People · ${event.title}` : 'People'}
      back={{ href: `/events/${id}`, label: 'Event' }}
    >
      <p className="link-row">
        <Link href={`/card?event=${id}`} className="button primary">
          My card · scan to connect
        </Link>
        <Link href="/connections" className="button">
          Connections
        </Link>
      </p>
      <Recommendations eventId={id} />
      <form className="search-row" aria-label="Search people" onSubmit={search}>
        <label htmlFor="people-search" className="visually-hidden">
          Search people
        </label>
        <input
          id="people-search"
          type="search"
          placeholder="Name, company or headline"
          maxLength={100}
          value={query}
          onChange={(e) => setQuery(e.currentTarget.value)}
        />
        <button type="submit" className="button">
          Search
        </button>
      </form>
      <FormError error={error} />
      {listing === null && !error ? <p role="status">Loading…</p> : null}
      {listing?.items.length === 0 ? (
        <p className="muted">
          Nobody is listed yet{query ? ' for this search' : ''}. People appear here when they choose to in
          their profile.
        </p>
      ) : null}
      <ul className="people">
        {listing?.items.map((person) => (
          <li key={person.userId} className="person">
            <span className="person-name">{person.name}</span>
            <span className="meta">{[person.headline, person.company].filter(Boolean).join(' · ')}</span>
            <div className="connection-actions">
              <MessageButton userId={person.userId} name={person.name} />
              {person.userId !== user?.id ? <ConnectButton userId={person.userId} eventId={id} /> : null}
            </div>
          </li>
        ))}
      </ul>
      {listing?.nextCursor ? (
        <button type="button" className="button" onClick={() => void load(query.trim(), listing.nextCursor!)}>
          Show more
        </button>
      ) : null}
      {user && !user.directoryVisible ? (
        <p className="hint">
          You are not listed. <Link href="/profile">Choose in your profile</Link> to let others here find you.
        </p>
      ) : null}
    </Page>
  );
}
