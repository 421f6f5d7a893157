import type { Leaderboard } from '@muster/protocol';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyPoints } from '../../../test/factories/engagement.ts';
import { buildEvent, call, grantRole, quickUsers, rsvp } from '../../../test/factories/events.ts';
import { eventually } from '../../../test/factories/forms.ts';
import { registerUser, type TestUser } from '../../../test/factories.ts';
import { useTestServer } from '../../../test/harness.ts';
import { decodeScore, encodeScore } from './engagement.board.redis.ts';
import { individualTop, teamStandings } from './engagement.board.ts';

/** Two nodes of one deployment (one PostgreSQL database, one Redis): boards ranked from Redis sorted sets. */
const redisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const nodeA = useTestServer({ env: { REDIS_URL: redisUrl } });
const nodeB = useTestServer(() => ({ env: { REDIS_URL: redisUrl }, databaseUrl: nodeA.databaseUrl! }));
let organiser: TestUser;
let redis: Redis;
beforeAll(async () => {
  organiser = await registerUser(nodeA, { name: 'Organiser' });
  redis = new Redis(redisUrl);
});
afterAll(async () => {
  await redis?.quit();
});

const boardAt = (node: typeof nodeA, as: TestUser, eventId: string, kind: 'team' | 'individual') =>
  call<Leaderboard>(node, 'GET', `/api/v1/events/${eventId}/leaderboard?kind=${kind}&limit=100`, as);
const brief = (b: Leaderboard) => b.items.map((s) => [s.rank, s.id, s.points]);

describe('boards in Redis', () => {
  it('packs points and time into one score, more points first, then whoever got there first', () => {
    const early = encodeScore(120, '2026-12-07T10:00:00.000Z');
    const late = encodeScore(120, '2026-12-07T10:00:05.000Z');
    expect(early).toBeGreaterThan(late);
    expect(encodeScore(121, '2026-12-07T23:00:00.000Z')).toBeGreaterThan(early);
    expect(decodeScore(early)).toEqual({ points: 120, reachedAt: '2026-12-07T10:00:00.000Z' });
    expect(Number.isSafeInteger(encodeScore(1_000_000, '2090-01-01T00:00:00.000Z'))).toBe(true);
  });

  it('ranks the same on both nodes as the database, through awards, withdrawals, teams, opt-outs and roles', async () => {
    const event = await buildEvent(nodeA, organiser);
    const players = await quickUsers(nodeA, 8, 'Ranked');
    for (const p of players) await rsvp(nodeA, p, event.id, 'going');
    const red = await call<{ id: string }>(nodeA, 'POST', `/api/v1/events/${event.id}/teams`, players[0]!, {
      name: 'Red',
    });
    const blue = await call<{ id: string }>(nodeB, 'POST', `/api/v1/events/${event.id}/teams`, players[1]!, {
      name: 'Blue',
    });
    for (const [i, p] of players.entries())
      if (i > 1)
        await call(i % 2 ? nodeB : nodeA, 'POST', `/api/v1/teams/${i % 2 ? blue.id : red.id}/join`, p);
    // Distinct totals (no ties), on either node, some withdrawn again.
    for (const [i, p] of players.entries()) {
      const node = i % 2 ? nodeB : nodeA;
      await applyPoints(node, [
        {
          eventId: event.id,
          userId: p.id,
          action: 'poll_voted',
          subjectId: 'a',
          holds: true,
          points: 7 * i + 3,
        },
      ]);
      await applyPoints(node, [
        {
          eventId: event.id,
          userId: p.id,
          action: 'feedback_given',
          subjectId: 'b',
          holds: true,
          points: 100 + i,
        },
      ]);
    }
    for (const p of players.slice(0, 3))
      await applyPoints(nodeB, [
        { eventId: event.id, userId: p.id, action: 'feedback_given', subjectId: 'b', holds: false },
      ]);
    await call(nodeB, 'PUT', `/api/v1/events/${event.id}/leaderboard/me`, players[7]!, { visible: false });
    await grantRole(nodeA, event.id, organiser, players[6]!, 'staff');

    const expected = async () => ({
      people: (await individualTop(nodeA.platform.db, event.id, 100)).map((s) => [s.rank, s.id, s.points]),
      teams: (await teamStandings(nodeA.platform.db, event.id, 'sum')).map((s) => [s.rank, s.id, s.points]),
    });
    const want = await expected();
    expect(want.people.map((s) => s[1])).not.toContain(players[7]!.id);
    expect(want.people.map((s) => s[1])).not.toContain(players[6]!.id);
    for (const node of [nodeA, nodeB])
      await eventually(async () => {
        const [people, teams] = await Promise.all([
          boardAt(node, players[2]!, event.id, 'individual'),
          boardAt(node, players[2]!, event.id, 'team'),
        ]);
        const same =
          JSON.stringify(brief(people)) === JSON.stringify(want.people) &&
          JSON.stringify(brief(teams)) === JSON.stringify(want.teams);
        return same ? true : undefined;
      });
    // The sets, not the database, answered: they hold exactly the people on the board.
    const members = await redis.zrevrange(`muster:board:${event.id}:people`, 0, -1);
    expect(members).toEqual(want.people.map((s) => s[1]));
  });
});
