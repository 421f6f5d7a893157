import type { Poll, Session } from '@muster/protocol';
import { scopes } from '@muster/protocol';
import { useEffect, useState } from 'react';
import { client } from '../../client.ts';
import { useEvent, useIsStaff } from '../../hooks/event.ts';
import { useFollow, useSelect } from '../../hooks/store.ts';
import { describeError } from '../../lib/errors.ts';

/** Speakers of the session and event staff run its live audience (the server decides; this shows controls). */
export function useIsPresenter(session: Session | undefined): boolean {
  const { event } = useEvent(session?.eventId ?? '');
  const staff = useIsStaff(event);
  const userId = client.user?.id;
  return staff || (!!session && !!userId && session.speakerIds.includes(userId));
}

/** The session's live audience scope, followed while the Live tab or the presenter view is open. */
export function useSessionLive(sessionId: string): void {
  useFollow(sessionId ? scopes.session(sessionId) : null);
}

/**
 * Follows a poll's results once the caller may see them: at once for `live` polls and for
 * presenters, after my ballot is confirmed for `afterVote`, after close for `afterClose`. The
 * server refuses the scope before that, which would only be noise.
 */
export function usePollResults(poll: Poll | undefined, presenter: boolean): void {
  const confirmedBallot = useSelect(
    (t) => (poll ? !!t.ballots[poll.id] && !t.ballots[poll.id]?.local : false),
    [poll?.id],
  );
  const mayFollow =
    !!poll &&
    poll.status !== 'draft' &&
    (presenter ||
      poll.resultsVisibility === 'live' ||
      poll.status === 'closed' ||
      (poll.resultsVisibility === 'afterVote' && confirmedBallot));
  useFollow(mayFollow && poll ? scopes.poll(poll.id) : null);
}

/** A REST read for screens that are not in the store (queue settings, audit, feedback summary). */
export function useRead<T>(
  read: () => Promise<T>,
  deps: readonly unknown[],
): {
  data: T | undefined;
  error: string | null;
  reload(): void;
} {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<string | null>(null);
  const [round, setRound] = useState(0);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `read` is a fresh closure each render; `deps` are its inputs
  useEffect(() => {
    let cancelled = false;
    read().then(
      (value) => {
        if (!cancelled) {
          setData(value);
          setError(null);
        }
      },
      (e: unknown) => {
        if (!cancelled) setError(describeError(e));
      },
    );
    return () => {
      cancelled = true;
    };
  }, [...deps, round]);
  return { data, error, reload: () => setRound((n) => n + 1) };
}

/** A percentage of a total, rounded, for bars and their text alternative. */
export const percent = (n: number, total: number) => (total > 0 ? Math.round((n / total) * 100) : 0);
