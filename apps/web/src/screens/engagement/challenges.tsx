import type { ChallengeList } from '@muster/protocol';
import { useEffect, useState } from 'react';
import { client } from '../../client.ts';
import { useSelect } from '../../hooks/store.ts';

const goalText = {
  team_points: 'team points',
  hunt: 'checkpoints found',
  all_checked_in: 'members in',
} as const;

/** The event's team challenges with my team's progress; read again as my points move. */
export function Challenges({ eventId }: { eventId: string }) {
  const myPoints = useSelect((t) => t.points[eventId]?.points ?? null, [eventId]);
  const tick = useSelect((t) => t.boardTicks[eventId]?.changedAt ?? null, [eventId]);
  const [list, setList] = useState<ChallengeList | null>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: points moving is when to read again
  useEffect(() => {
    client.api.engagement.challenges(eventId).then(setList, () => setList(null));
  }, [eventId, myPoints, tick]);
  if (!list?.items.length) return null;
  return (
    <section className="panel" aria-labelledby="challenges-title">
      <h2 id="challenges-title">Team challenges</h2>
      <ul className="checkpoints">
        {list.items.map((c) => (
          <li
            key={c.id}
            className={c.completedAt ? 'checkpoint found' : 'checkpoint'}
            data-testid="challenge"
          >
            <div className="checkpoint-head">
              <span>
                {c.completedAt ? '🏆 ' : ''}
                {c.title}
              </span>
              <span className="meta">+{c.points} each</span>
            </div>
            {c.progress ? (
              <>
                <progress
                  max={c.progress.of}
                  value={Math.min(c.progress.done, c.progress.of)}
                  aria-label={`${c.title} progress`}
                />
                <span className="meta">
                  {' '}
                  {c.completedAt ? 'Done!' : `${c.progress.done} of ${c.progress.of} ${goalText[c.goal]}`}
                </span>
              </>
            ) : (
              <p className="meta">Join a team to take part.</p>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
