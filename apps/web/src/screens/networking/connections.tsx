import type { Connection } from '@muster/protocol';
import { useEffect, useState } from 'react';
import { Link } from 'wouter';
import { client } from '../../client.ts';
import { FormError } from '../../components/field.tsx';
import { MessageButton } from '../../components/message-button.tsx';
import { Page } from '../../components/page.tsx';
import { useSelect } from '../../hooks/store.ts';
import { describeError } from '../../lib/errors.ts';
import { saveContact } from './cards.ts';
import './networking.css';

/**
 * People I connected with (they stay after the event), requests to me, and mine still waiting.
 * Read once when opened, then kept live by the connection records on my own scope.
 */
export function ConnectionsScreen() {
  const live = useSelect((t) => Object.values(t.connections), []);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    client.api.networking.mine().then(
      (list) =>
        client.store.load((draft) => {
          const table = draft.write('connections');
          for (const key of Object.keys(table)) delete table[key];
          for (const item of list.items) table[item.id] = item;
        }),
      (caught: unknown) => setError(describeError(caught)),
    );
  }, []);
  const act = (run: () => Promise<unknown>) => () =>
    void run().catch((e: unknown) => setError(describeError(e)));
  const incoming = live.filter((c) => c.status === 'pending' && c.direction === 'incoming');
  const connected = live.filter((c) => c.status === 'accepted').sort((a, b) => a.name.localeCompare(b.name));
  const waiting = live.filter((c) => c.status === 'pending' && c.direction === 'outgoing');
  return (
    <Page
      title="Connections"
      back={{ href: '/profile', label: 'Profile' }}
      actions={
        <Link href="/card" className="button">
          My card
        </Link>
      }
    >
      <FormError error={error} />
      {incoming.length ? (
        <section aria-labelledby="incoming-title">
          <h2 id="incoming-title">Asking to connect</h2>
          <ul className="people">
            {incoming.map((c) => (
              <li key={c.id} className="person" data-testid="incoming">
                <Who connection={c} />
                <div className="connection-actions">
                  <button
                    type="button"
                    className="button primary"
                    onClick={act(() => client.api.networking.accept(c.id))}
                  >
                    Accept
                  </button>
                  <button
                    type="button"
                    className="button"
                    onClick={act(() => client.api.networking.decline(c.id))}
                  >
                    Decline
                  </button>
                </div>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <section aria-labelledby="connected-title">
        <h2 id="connected-title">Connected</h2>
        {connected.length === 0 ? (
          <p className="muted">Nobody yet. Show your card, or connect from an event’s People page.</p>
        ) : null}
        <ul className="people">
          {connected.map((c) => (
            <li key={c.id} className="person" data-testid="connection">
              <Who connection={c} />
              <div className="connection-actions">
                <MessageButton userId={c.userId} name={c.name} />
                <button type="button" className="button" onClick={act(() => saveContact(c))}>
                  Save contact
                </button>
                <button
                  type="button"
                  className="link-button"
                  onClick={act(() => client.api.networking.remove(c.id))}
                >
                  Remove
                </button>
              </div>
            </li>
          ))}
        </ul>
      </section>
      {waiting.length ? (
        <section aria-labelledby="waiting-title">
          <h2 id="waiting-title">Waiting for an answer</h2>
          <ul className="people">
            {waiting.map((c) => (
              <li key={c.id} className="person">
                <Who connection={c} />
                <button
                  type="button"
                  className="link-button"
                  onClick={act(() => client.api.networking.remove(c.id))}
                >
                  Withdraw
                </button>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </Page>
  );
}

function Who({ connection }: { connection: Connection }) {
  return (
    <>
      <span className="person-name">{connection.name}</span>
      <span className="meta">{[connection.headline, connection.company].filter(Boolean).join(' · ')}</span>
    </>
  );
}
