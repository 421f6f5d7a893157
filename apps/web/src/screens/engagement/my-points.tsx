import type { MyPoints, PointAction } from '@muster/protocol';
import { useEffect, useState } from 'react';
import { useParams } from 'wouter';
import { client } from '../../client.ts';
import { FormError } from '../../components/field.tsx';
import { Page } from '../../components/page.tsx';
import { useEvent } from '../../hooks/event.ts';
import { useSelect } from '../../hooks/store.ts';
import { describeError } from '../../lib/errors.ts';
import { formatDateTime } from '../../lib/time.ts';
import './engagement.css';

const reasons: Record<PointAction, string> = {
  checkin: 'Checked in at the door',
  question_asked: 'Asked a question',
  poll_voted: 'Voted in a poll',
  feedback_given: 'Rated a session',
  session_attended: 'Attended a session',
  connection_made: 'Made a connection',
  referral_verified: 'Brought someone along',
  checkpoint_found: 'Found a hunt checkpoint',
  hint_taken: 'Took a hunt hint',
  challenge_completed: 'Completed a team challenge',
};

/** My points at an event and every line behind them, withdrawn ones struck through. */
export function MyPointsScreen() {
  const { id = '' } = useParams<{ id: string }>();
  const { event } = useEvent(id);
  const live = useSelect((t) => t.points[id]?.points ?? null, [id]);
  const [mine, setMine] = useState<MyPoints | null>(null);
  const [error, setError] = useState<string | null>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: my live total moving is when to read again
  useEffect(() => {
    client.api.engagement.myPoints(id).then(setMine, (caught: unknown) => setError(describeError(caught)));
  }, [id, live]);
  const zone = event?.timezone ?? 'UTC';
  return (
    <Page title="My points" back={{ href: `/events/${id}/leaderboard`, label: 'Leaderboard' }}>
      <FormError error={error} />
      {mine ? (
        <>
          <p className="points-chip" data-testid="my-points">
            ⭐ {(live ?? mine.points).toLocaleString()} points
            {mine.rank ? <span className="pill">#{mine.rank}</span> : null}
          </p>
          {mine.items.length === 0 ? (
            <p className="muted">Nothing yet: every check-in, question and find counts.</p>
          ) : null}
          <ul className="people">
            {mine.items.map((item) => (
              <li key={item.id} className="person">
                <span style={item.withdrawnAt ? { textDecoration: 'line-through' } : undefined}>
                  {reasons[item.action]} · {item.points > 0 ? '+' : ''}
                  {item.points}
                </span>
                <span className="meta"> {formatDateTime(item.awardedAt, zone)}</span>
                {item.withdrawnAt ? <span className="meta"> · withdrawn</span> : null}
              </li>
            ))}
          </ul>
        </>
      ) : error ? null : (
        <p role="status">Loading…</p>
      )}
    </Page>
  );
}
