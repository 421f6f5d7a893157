import type { RsvpEntry } from '@muster/protocol';
import { useEffect, useState } from 'react';
import { useParams } from 'wouter';
import { client } from '../../client.ts';
import { FormError } from '../../components/field.tsx';
import { MessageButton } from '../../components/message-button.tsx';
import { Page } from '../../components/page.tsx';
import { describeError } from '../../lib/errors.ts';
import { rememberNames } from '../../lib/names.ts';

const statusLabel: Record<RsvpEntry['status'], string> = {
  going: 'Going',
  waitlisted: 'Waitlisted',
  interested: 'Interested',
  declined: 'Not going',
};

/** Organisers and staff: who answered, waitlist order, and a direct message to any of them. */
export function Attendees() {
  const { id = '' } = useParams<{ id: string }>();
  const [entries, setEntries] = useState<RsvpEntry[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    client.api.events.rsvps(id, { limit: 500 }).then(
      (page) => {
        rememberNames(page.items);
        setEntries(page.items);
      },
      (caught: unknown) => setError(describeError(caught)),
    );
  }, [id]);

  return (
    <Page title="Attendees" back={{ href: `/events/${id}`, label: 'Event' }}>
      <FormError error={error} />
      {entries === null && !error ? <p role="status">Loading…</p> : null}
      {entries?.length === 0 ? <p className="muted">No RSVPs yet.</p> : null}
      <ul className="people">
        {entries?.map((entry) => (
          <li key={entry.userId} className="person">
            <span className="person-name">{entry.name}</span>
            <span className="meta">
              {statusLabel[entry.status]}
              {entry.waitlistPosition ? ` #${entry.waitlistPosition}` : ''}
            </span>
            <MessageButton userId={entry.userId} name={entry.name} />
          </li>
        ))}
      </ul>
    </Page>
  );
}
