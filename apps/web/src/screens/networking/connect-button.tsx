import { useState } from 'react';
import { client } from '../../client.ts';
import { useSelect } from '../../hooks/store.ts';
import { describeError } from '../../lib/errors.ts';

/** Asks to connect with someone met at an event; shows where the two stand once asked. */
export function ConnectButton({ userId, eventId }: { userId: string; eventId: string }) {
  const existing = useSelect((t) => Object.values(t.connections).find((c) => c.userId === userId), [userId]);
  const [error, setError] = useState<string | null>(null);
  if (existing?.status === 'accepted') return <span className="pill">Connected</span>;
  if (existing)
    return <span className="pill">{existing.direction === 'outgoing' ? 'Asked' : 'Asked you'}</span>;
  return (
    <>
      <button
        type="button"
        className="button"
        onClick={() =>
          void client.api.networking.connect({ userId, eventId }).then(
            (connection) =>
              client.store.load((draft) => {
                draft.write('connections')[connection.id] = connection;
              }),
            (caught: unknown) => setError(describeError(caught)),
          )
        }
      >
        Connect
      </button>
      {error ? <span className="form-error">{error}</span> : null}
    </>
  );
}
