import type { Leaderboard, LeaderboardKind, TeamList } from '@muster/protocol';
import { useCallback, useEffect, useState } from 'react';
import { client } from '../../client.ts';
import { useOnline, useSelect } from '../../hooks/store.ts';
import { describeError } from '../../lib/errors.ts';

/**
 * A board, read when the screen opens and again each time the event's board ticks (a change on
 * `event:<id>`, at most once a second while points move), and kept on screen while offline.
 */
export function useBoard(eventId: string, kind: LeaderboardKind) {
  const tick = useSelect((t) => t.boardTicks[eventId]?.changedAt ?? null, [eventId]);
  const myPoints = useSelect((t) => t.points[eventId]?.points ?? null, [eventId]);
  const online = useOnline();
  const [board, setBoard] = useState<Leaderboard | null>(null);
  const [error, setError] = useState<string | null>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `tick` and my points are when to read again
  useEffect(() => {
    if (!online) return;
    let current = true;
    client.api.engagement.leaderboard(eventId, { kind, limit: 50 }).then(
      (fresh) => {
        if (!current) return;
        setBoard(fresh);
        setError(null);
      },
      (caught: unknown) => current && setError(describeError(caught)),
    );
    return () => {
      current = false;
    };
  }, [eventId, kind, tick, myPoints, online]);
  return { board, error };
}

/** The event's teams and mine; `reload` after joining or leaving. */
export function useTeams(eventId: string) {
  const [teams, setTeams] = useState<TeamList | null>(null);
  const [error, setError] = useState<string | null>(null);
  const live = useSelect((t) => Object.values(t.teams).filter((team) => team.eventId === eventId), [eventId]);
  const reload = useCallback(() => {
    client.api.engagement.teams(eventId).then(setTeams, (caught: unknown) => setError(describeError(caught)));
  }, [eventId]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: a team changing live is when to read again
  useEffect(reload, [reload, live.length]);
  return { teams, error, reload, setError };
}
