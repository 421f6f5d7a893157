import type { Queryable } from '../../platform/db/client.ts';
import type { Module } from '../../platform/module.ts';
import { findPoll } from './polls.repository.ts';
import { pollRoutes } from './polls.routes.ts';
// Registers the 'word' moderation target (import for its effect).
import './polls.moderation.target.ts';

export { pollFollowersAmong } from './polls.followers.ts';
export { acceptBallotWords, normaliseWord } from './polls.input.ts';
export { setWordHidden } from './polls.service.ts';
export { pollBallots, pollHiddenWords, polls } from './polls.tables.ts';

/** The event a poll belongs to (for moderation's authorisation), or null when there is no such poll. */
export async function pollEventId(q: Queryable, pollId: string): Promise<string | null> {
  return (await findPoll(q, pollId))?.eventId ?? null;
}

export const pollsModule: Module = { name: 'polls', routes: pollRoutes };
