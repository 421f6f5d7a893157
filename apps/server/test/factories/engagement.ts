import type { Leaderboard, LeaderboardKind, MyPoints, PointAction } from '@muster/protocol';
import { applyFacts, lockScores, type PointsFact } from '../../src/modules/engagement/engagement.ledger.ts';
import { withTx } from '../../src/platform/db/unit-of-work.ts';
import type { TestUser } from '../factories.ts';
import type { TestServer } from '../harness.ts';
import { call } from './events.ts';
import { eventually } from './forms.ts';

/** Awards (or withdraws) straight through the ledger, as the reactor does after reading a source. */
export function applyPoints(server: TestServer, facts: PointsFact[]): Promise<Set<string>> {
  return withTx(server.platform, async (work) => {
    await lockScores(work.tx, facts);
    return applyFacts(work, facts);
  });
}

export const fact = (
  eventId: string,
  user: TestUser | string,
  action: PointAction,
  subjectId: string,
  holds = true,
): PointsFact => ({ eventId, userId: typeof user === 'string' ? user : user.id, action, subjectId, holds });

export const board = (
  server: TestServer,
  as: TestUser,
  eventId: string,
  kind: LeaderboardKind,
  limit = 100,
) =>
  call<Leaderboard>(server, 'GET', `/api/v1/events/${eventId}/leaderboard?kind=${kind}&limit=${limit}`, as);

export const pointsOf = (server: TestServer, as: TestUser, eventId: string) =>
  call<MyPoints>(server, 'GET', `/api/v1/me/points?eventId=${eventId}`, as);

/**
 * My points once they reach `points` (reactions run as jobs). Polls every 400 ms for up to 30 s:
 * 75 reads, inside the 120 a minute a person may make, so a slow machine waits instead of hitting
 * the read limit.
 */
export const pointsReach = (server: TestServer, as: TestUser, eventId: string, points: number) =>
  eventually(
    async () => {
      const mine = await pointsOf(server, as, eventId);
      return mine.points === points ? mine : undefined;
    },
    30_000,
    400,
  );
