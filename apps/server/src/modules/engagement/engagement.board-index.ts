import { type Change, entities, parseScope } from '@muster/protocol';
import type { ChangeReactor } from '../../platform/changes/reactors.ts';
import type { Platform } from '../../platform/context.ts';
import type { BatchOutcome } from '../../platform/jobs/jobs.ts';
import { syncPerson, syncTeams } from './engagement.board.redis.ts';

/**
 * Keeps the Redis boards (engagement.board.redis.ts) current, as a durable reaction: after a
 * person's points change (or their opt-out: it re-announces their total), their role at the event
 * changes (staff leave the board), or a team changes (members in or out).
 */
export function boardIndexReactor(platform: Platform): ChangeReactor {
  return {
    name: 'engagement.board-index',
    entities: [
      entities.engagement.pointsChanged,
      entities.engagement.teamChanged,
      entities.events.roleChanged,
    ],
    batchSize: 20,
    maxReceives: 10,
    async react(leased) {
      const outcomes: BatchOutcome[] = [];
      for (const job of leased) outcomes.push(await index(platform, job.data).catch(asError));
      return outcomes;
    },
  };
}

async function index(platform: Platform, change: Change): Promise<BatchOutcome> {
  const redis = platform.redis;
  if (!redis) return 'skipped';
  if (change.entity === entities.engagement.teamChanged) {
    const eventId = (change.data as { eventId: string }).eventId;
    await syncTeams(platform, redis, eventId);
    return 'done';
  }
  const userId = parseScope(change.scope, ['user'])?.id;
  if (!userId) return 'skipped';
  await syncPerson(platform, redis, change.id, userId);
  return 'done';
}

const asError = (error: unknown) => (error instanceof Error ? error : new Error(String(error)));
