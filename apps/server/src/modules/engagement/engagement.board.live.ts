import { entities, scopes } from '@muster/protocol';
import { throttledPublisher } from '../../platform/live/throttled-publisher.ts';

/** How often at most an event's boards announce that they moved. */
export const BOARD_TICK_MS = 1000;

/**
 * Touched after each committed award or withdrawal: a tick on `event:<id>` at most once a second
 * however many points move, and the trailing one follows the last award. Clients read the board
 * again on a tick, so the tick carries no standings (and no names).
 */
export const boardTicks = throttledPublisher({
  name: 'engagement.board',
  intervalMs: BOARD_TICK_MS,
  async publish(work, eventId) {
    await work.append({
      scope: scopes.event(eventId),
      entity: entities.engagement.leaderboardChanged,
      op: 'upsert',
      id: eventId,
      data: { eventId, changedAt: new Date().toISOString() },
    });
  },
});
