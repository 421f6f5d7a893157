import type { Event } from '@muster/protocol';
import { type FormEvent, useState } from 'react';
import { Link } from 'wouter';
import { client } from '../../client.ts';
import { FormError, TextArea } from '../../components/field.tsx';
import { describeError } from '../../lib/errors.ts';

/** What organisers (and, for announcements and attendees, staff) can do from the event page. */
export function OrganiserPanel({ event, manager }: { event: Event; manager: boolean }) {
  const [error, setError] = useState<string | null>(null);
  async function publish() {
    setError(null);
    try {
      const published = await client.api.events.transition(event.id, 'publish');
      client.store.load((draft) => {
        draft.write('events')[published.id] = published;
      });
    } catch (caught) {
      setError(describeError(caught));
    }
  }
  return (
    <section className="panel" aria-labelledby="organiser-title">
      <h2 id="organiser-title">Organiser</h2>
      <div className="link-row">
        {manager ? (
          <>
            <Link href={`/events/${event.id}/edit`} className="button">
              Edit event
            </Link>
            <Link href={`/events/${event.id}/sessions/new`} className="button">
              Add session
            </Link>
            <Link href={`/events/${event.id}/hunts/new`} className="button">
              New hunt
            </Link>
          </>
        ) : null}
        <Link href={`/events/${event.id}/attendees`} className="button">
          Attendees
        </Link>
        <Link href={`/events/${event.id}/moderation`} className="button">
          Moderation
        </Link>
        <Link href={`/events/${event.id}/hunts/codes`} className="button">
          Hunts and challenges
        </Link>
        {manager && event.status === 'draft' ? (
          <button type="button" className="button primary" onClick={() => void publish()}>
            Publish
          </button>
        ) : null}
      </div>
      <FormError error={error} />
      <Announce event={event} />
    </section>
  );
}

/** Posts to the event's announcements channel, creating it on first use. */
function Announce({ event }: { event: Event }) {
  const [body, setBody] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [sent, setSent] = useState(false);

  async function channelId(): Promise<string> {
    const existing = Object.values(client.store.getState().channels).find(
      (c) => c.eventId === event.id && c.kind === 'announcements',
    );
    if (existing) return existing.id;
    const created = await client.api.events.createChannel(event.id, {
      name: 'Announcements',
      kind: 'announcements',
    });
    await client.openChannel(created.id);
    return created.id;
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    const text = body.trim();
    if (!text) return;
    setError(null);
    try {
      await client.sendMessage(await channelId(), text);
      setBody('');
      setSent(true);
    } catch (caught) {
      setError(describeError(caught));
    }
  }

  return (
    <form className="stack" onSubmit={submit} aria-labelledby="announce-title">
      <h3 id="announce-title">Post an announcement</h3>
      <TextArea
        label="Announcement"
        value={body}
        maxLength={4000}
        rows={3}
        onChange={(e) => {
          setBody(e.target.value);
          setSent(false);
        }}
      />
      <FormError error={error} />
      {sent ? <p role="status">Announcement posted.</p> : null}
      <button type="submit" className="button primary" disabled={!body.trim()}>
        Post announcement
      </button>
    </form>
  );
}
