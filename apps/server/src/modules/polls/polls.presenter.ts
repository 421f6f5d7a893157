import type { Ballot, Poll, PollKind, PollResults, PollStatus, ResultsVisibility } from '@muster/protocol';
import type { BallotRow, DerivedCounts, PollRow } from './polls.repository.ts';

export function presentPoll(row: PollRow): Poll {
  return {
    id: row.id,
    sessionId: row.sessionId,
    eventId: row.eventId,
    question: row.question,
    kind: row.kind as PollKind,
    options: row.options,
    scale: row.scale,
    maxWords: row.maxWords,
    resultsVisibility: row.resultsVisibility as ResultsVisibility,
    anonymous: row.anonymous,
    status: row.status as PollStatus,
    openedAt: row.openedAt?.toISOString() ?? null,
    closedAt: row.closedAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
  };
}

export function presentBallot(row: BallotRow, sessionId: string): Ballot {
  return {
    pollId: row.pollId,
    sessionId,
    optionIds: row.optionIds,
    rating: row.rating,
    words: row.words,
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** Every option (or every point of the scale) is listed, with 0 when nobody chose it. */
export function presentResults(poll: PollRow, counts: DerivedCounts, at: Date): PollResults {
  const keys =
    poll.kind === 'rating'
      ? Array.from({ length: poll.scale ?? 0 }, (_, i) => String(i + 1))
      : poll.options.map((o) => o.id);
  const full: Record<string, number> = {};
  for (const key of keys) full[key] = 0;
  return {
    pollId: poll.id,
    counts: Object.assign(full, counts.counts),
    total: counts.total,
    ...(poll.kind === 'rating' ? { average: counts.average } : {}),
    ...(poll.kind === 'wordcloud' ? { words: counts.words } : {}),
    at: at.toISOString(),
  };
}
