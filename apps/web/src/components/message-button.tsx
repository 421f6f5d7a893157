import { useState } from 'react';
import { useLocation } from 'wouter';
import { client } from '../client.ts';
import { describeError } from '../lib/errors.ts';
import { rememberNames } from '../lib/names.ts';

/**
 * Opens the DM with one person (the server returns the existing one, or opens it when the two may
 * talk: they share a community, or a role or RSVP in an event, and neither blocked the other) and
 * goes to it. Errors come back as a sentence for the screen.
 */
export function useStartDm(): {
  start: (userId: string, name?: string) => Promise<void>;
  error: string | null;
} {
  const [, navigate] = useLocation();
  const [error, setError] = useState<string | null>(null);
  async function start(userId: string, name?: string) {
    setError(null);
    try {
      if (name) rememberNames([{ userId, name }]);
      const channel = await client.api.channels.openDm({ userIds: [userId] });
      await client.openChannel(channel.id);
      navigate(`/channels/${channel.id}`);
    } catch (caught) {
      setError(describeError(caught));
    }
  }
  return { start, error };
}

/**
 * "Message <name>": a button that starts (or reopens) the DM with a person, for attendee lists
 * and speaker pages. Renders nothing for the signed-in user themselves. The error, if any, is
 * announced next to the button.
 */
export function MessageButton({ userId, name }: { userId: string; name: string }) {
  const { start, error } = useStartDm();
  const [busy, setBusy] = useState(false);
  if (userId === client.user?.id) return null;
  async function click() {
    setBusy(true);
    await start(userId, name);
    setBusy(false);
  }
  return (
    <>
      <button type="button" className="button" disabled={busy} onClick={() => void click()}>
        Message<span className="visually-hidden"> {name}</span>
      </button>
      {error ? (
        <span className="form-error" role="alert">
          {error}
        </span>
      ) : null}
    </>
  );
}
