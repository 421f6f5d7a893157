import type { RecommendationList } from '@muster/protocol';
import { useEffect, useState } from 'react';
import { client } from '../../client.ts';
import { describeError } from '../../lib/errors.ts';
import { ConnectButton } from './connect-button.tsx';

/** People at the event worth meeting, with why (shared interests, sessions on both schedules). */
export function Recommendations({ eventId }: { eventId: string }) {
  const [list, setList] = useState<RecommendationList | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    client.api.networking
      .recommendations(eventId)
      .then(setList, (caught: unknown) => setError(describeError(caught)));
  }, [eventId]);
  if (error || !list?.items.length) return null;
  return (
    <section className="panel" aria-labelledby="recommended-title">
      <h2 id="recommended-title">People you may want to meet</h2>
      <ul className="people">
        {list.items.slice(0, 5).map(({ person, sharedInterests, sharedSessions }) => (
          <li key={person.userId} className="person">
            <span className="person-name">{person.name}</span>
            <span className="meta">
              {[
                sharedInterests.length ? `Both into ${sharedInterests.slice(0, 3).join(', ')}` : null,
                sharedSessions
                  ? `${sharedSessions} session${sharedSessions === 1 ? '' : 's'} in common`
                  : null,
              ]
                .filter(Boolean)
                .join(' · ')}
            </span>
            <ConnectButton userId={person.userId} eventId={eventId} />
          </li>
        ))}
      </ul>
    </section>
  );
}
