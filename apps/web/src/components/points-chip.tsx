import { Link } from 'wouter';
import { useSelect } from '../hooks/store.ts';

/** My points at the event, live, as the way into its leaderboard and hunt. */
export function PointsChip({ eventId }: { eventId: string }) {
  const points = useSelect((t) => t.points[eventId]?.points ?? 0, [eventId]);
  return (
    <Link href={`/events/${eventId}/leaderboard`} className="button points-chip" data-testid="points-chip">
      ⭐ {points.toLocaleString()} pts · Leaderboard
    </Link>
  );
}
