import type { Change, ChangeEntity } from '@muster/protocol';
import type { Tx } from '../db/client.ts';
import type { BatchOutcome, Jobs, LeasedJob } from '../jobs/jobs.ts';

/**
 * A module's reaction to other modules' committed changes (points for a check-in, a vote, a
 * question). The writer's transaction enqueues one job per matching change on this queue, so a
 * reaction exists exactly when the change does, survives a crash, and runs after the commit: the
 * writing module never calls the reacting one. Jobs may be received more than once and in any
 * order across scopes: reactions must be idempotent and read state, not trust arrival order.
 */
export interface ChangeReactor {
  /** Queue name, `<module>.<verb>` (e.g. `engagement.react`). */
  name: string;
  /** The catalogue entities this reactor receives (`entities.checkin.checkinRecorded`, …). */
  entities: readonly ChangeEntity[];
  /** Changes handled per batch (default 20). */
  batchSize?: number;
  maxReceives?: number;
  /** One outcome per change, in order; an Error retries that change alone. */
  react(changes: LeasedJob<Change>[]): Promise<BatchOutcome[]>;
}

export function defineReactor(jobs: Jobs, reactor: ChangeReactor): void {
  jobs.define<Change>({
    name: reactor.name,
    batchSize: reactor.batchSize ?? 20,
    ...(reactor.maxReceives ? { maxReceives: reactor.maxReceives } : {}),
    handleBatch: (leased) => reactor.react(leased),
  });
  jobs.reactTo(reactor.name, reactor.entities);
}

/** In the writer's transaction, after its appends: one job per (reacting queue, change). */
export async function enqueueReactions(jobs: Jobs, tx: Tx, appended: readonly Change[]): Promise<void> {
  const byQueue = new Map<string, Change[]>();
  for (const change of appended)
    for (const queue of jobs.reactorsOf(change.entity))
      byQueue.set(queue, [...(byQueue.get(queue) ?? []), change]);
  for (const [queue, changes] of byQueue) await jobs.enqueueMany(tx, queue, changes);
}
