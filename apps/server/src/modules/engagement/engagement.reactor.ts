import type { Change } from '@muster/protocol';
import type { ChangeReactor } from '../../platform/changes/reactors.ts';
import type { Platform } from '../../platform/context.ts';
import { withTx } from '../../platform/db/unit-of-work.ts';
import type { BatchOutcome } from '../../platform/jobs/jobs.ts';
import { boardTicks } from './engagement.board.live.ts';
import { applyFacts, lockScores } from './engagement.ledger.ts';
import { factsOf, SOURCE_ENTITIES } from './engagement.sources.ts';

export const REACT_TO_ACTIONS = 'engagement.react';

/**
 * Points from other modules' committed changes (a check-in, a vote, a question): each change in
 * its own short transaction, so one that keeps failing is retried alone. The facts are read, the
 * people's score rows locked, and the facts read again under the lock (see `lockScores`).
 */
export function engagementReactor(platform: Platform): ChangeReactor {
  return {
    name: REACT_TO_ACTIONS,
    entities: SOURCE_ENTITIES,
    batchSize: 20,
    maxReceives: 10,
    async react(leased) {
      const outcomes: BatchOutcome[] = [];
      for (const job of leased) outcomes.push(await reactTo(platform, job.data));
      return outcomes;
    },
  };
}

async function reactTo(platform: Platform, change: Change): Promise<BatchOutcome> {
  try {
    const moved = await withTx(platform, async (work) => {
      await lockScores(work.tx, await factsOf(work.tx, change));
      return applyFacts(work, await factsOf(work.tx, change));
    });
    for (const eventId of moved) boardTicks(platform).touch(eventId);
    return moved.size ? 'done' : 'skipped';
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}
