import type { AchievementList } from '@muster/protocol';
import { useEffect, useState } from 'react';
import { client } from '../../client.ts';
import { useSelect } from '../../hooks/store.ts';
import './engagement.css';

/**
 * Badges to aim for at this event (or, without an event, every one I unlocked anywhere): unlocked
 * ones in colour, the rest greyed with how to get them. Read again when one unlocks live.
 */
export function Achievements({ eventId }: { eventId?: string }) {
  const unlockedLive = useSelect((t) => Object.keys(t.achievements).length, []);
  const [list, setList] = useState<AchievementList | null>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: a live unlock is when to read again
  useEffect(() => {
    const load = eventId
      ? client.api.engagement.achievements(eventId)
      : client.api.engagement.myAchievements();
    load.then(setList, () => setList(null));
  }, [eventId, unlockedLive]);
  if (!list || (!eventId && list.items.length === 0)) return null;
  return (
    <section className="panel" aria-labelledby="achievements-title">
      <h2 id="achievements-title">Achievements</h2>
      <ul className="achievements">
        {list.items.map((a) => (
          <li
            key={`${a.key}:${a.eventId ?? ''}`}
            className={a.unlockedAt ? 'achievement unlocked' : 'achievement'}
            data-testid="achievement"
          >
            <span className="achievement-icon" aria-hidden="true">
              {a.icon}
            </span>
            <span>
              <strong>{a.title}</strong>
              <span className="meta"> · {a.unlockedAt ? 'unlocked' : a.description}</span>
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}
