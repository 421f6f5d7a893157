import { useEffect, useState } from 'react';
import { Link } from 'wouter';
import { client } from '../client.ts';
import { useOnline, useSelect } from '../hooks/store.ts';

/**
 * My points at the event, live, and my place on its board (read again as my points move), as the
 * way into its leaderboard and hunt.
 */
export function PointsChip({ eventId }: { eventId: string }) {
  const points = useSelect((t) => t.points[eventId]?.points ?? 0, [eventId]);
  const online = useOnline();
  const [rank, setRank] = useState<number | null>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: my points moving is when my rank is read again
  useEffect(() => {
    if (!online) return;
    let current = true;
    client.api.engagement.myPoints(eventId).then(
      (mine) => current && setRank(mine.rank),
      () => undefined,
    );
    return () => {
      current = false;
    };
  }, [eventId, points, online]);
  return (
    <Link href={`/events/${eventId}/leaderboard`} className="button points-chip" data-testid="points-chip">
      ⭐ {points.toLocaleString()} pts{rank ? ` · #${rank}` : ''} · Leaderboard
    </Link>
  );
}
