import { entities, scopes } from '@muster/protocol';
import { and, eq, isNull, sql } from 'drizzle-orm';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { applyPoints, board, fact, pointsOf } from '../../../test/factories/engagement.ts';
import { buildEvent, call, quickUsers, rsvp } from '../../../test/factories/events.ts';
import { eventually } from '../../../test/factories/forms.ts';
import { registerUser, type TestUser } from '../../../test/factories.ts';
import { useTestServer } from '../../../test/harness.ts';
import { individualTop } from './engagement.board.ts';
import { pointScores, pointsLedger } from './engagement.tables.ts';

const server = useTestServer();
let organiser: TestUser;
beforeAll(async () => {
  organiser = await registerUser(server, { name: 'Organiser' });
});

const ledgerRows = (eventId: string, userId: string) =>
  server.platform.db
    .select()
    .from(pointsLedger)
    .where(and(eq(pointsLedger.eventId, eventId), eq(pointsLedger.userId, userId)));

describe('points ledger', () => {
  it('gives one ledger row for 1,000 concurrent awards of the same (person, action, subject)', async () => {
    const event = await buildEvent(server, organiser);
    const [player] = await quickUsers(server, 1);
    const same = fact(event.id, player!, 'poll_voted', 'poll-1');
    const results = await Promise.allSettled(Array.from({ length: 1000 }, () => applyPoints(server, [same])));
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    const rows = await ledgerRows(event.id, player!.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      action: 'poll_voted',
      subjectId: 'poll-1',
      points: 5,
      withdrawnAt: null,
    });
    const [score] = await server.platform.db
      .select()
      .from(pointScores)
      .where(and(eq(pointScores.eventId, event.id), eq(pointScores.userId, player!.id)));
    expect(score?.points).toBe(5);
    // One change record for the one award that landed, on the person's own scope. (The relay may
    // publish a record twice on a loaded machine: the same seq, which clients apply once.)
    const told = server.published.filter(
      (c) => c.entity === entities.engagement.pointsChanged && c.scope === scopes.user(player!.id),
    );
    expect([...new Set(told.map((c) => c.seq))]).toHaveLength(1);
    expect(told[0]?.data).toEqual({ eventId: event.id, points: 5 });
  });

  it('withdraws and restores an award, keeping its history in one row', async () => {
    const event = await buildEvent(server, organiser);
    const [player] = await quickUsers(server, 1);
    await applyPoints(server, [fact(event.id, player!, 'checkin', event.id)]);
    await applyPoints(server, [fact(event.id, player!, 'question_asked', 'q1')]);
    await applyPoints(server, [fact(event.id, player!, 'checkin', event.id, false)]);
    let rows = await ledgerRows(event.id, player!.id);
    expect(rows.find((r) => r.action === 'checkin')?.withdrawnAt).not.toBeNull();
    await rsvp(server, player!, event.id, 'going');
    expect((await pointsOf(server, player!, event.id)).points).toBe(10);
    // Withdrawing twice changes nothing more; awarding again brings the same row back.
    await applyPoints(server, [fact(event.id, player!, 'checkin', event.id, false)]);
    await applyPoints(server, [fact(event.id, player!, 'checkin', event.id)]);
    rows = await ledgerRows(event.id, player!.id);
    expect(rows).toHaveLength(2);
    expect(rows.every((r) => r.withdrawnAt === null)).toBe(true);
    const mine = await pointsOf(server, player!, event.id);
    expect(mine.points).toBe(60);
    expect(mine.items.map((i) => i.action).sort()).toEqual(['checkin', 'question_asked']);
  });

  it('keeps the individual board equal to a recomputation from the ledger, for any awards and withdrawals', async () => {
    const event = await buildEvent(server, organiser);
    const players = await quickUsers(server, 6, 'Player');
    const actions = ['checkin', 'question_asked', 'poll_voted', 'feedback_given'] as const;
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            player: fc.integer({ min: 0, max: players.length - 1 }),
            action: fc.constantFrom(...actions),
            subject: fc.integer({ min: 0, max: 2 }),
            holds: fc.boolean(),
          }),
          { minLength: 1, maxLength: 30 },
        ),
        async (steps) => {
          // Concurrently, in chunks: the lock per person must serialise their recomputations.
          for (let i = 0; i < steps.length; i += 5)
            await Promise.all(
              steps
                .slice(i, i + 5)
                .map((s) =>
                  applyPoints(server, [
                    fact(event.id, players[s.player]!, s.action, `s${s.subject}`, s.holds),
                  ]),
                ),
            );
          // The recomputation: straight from the ledger's live rows (timestamps compared in the
          // database, whose microseconds a JavaScript Date would round away).
          const expected = (
            await server.platform.db
              .select({
                id: pointsLedger.userId,
                points: sql<number>`sum(${pointsLedger.points})::int`,
              })
              .from(pointsLedger)
              .where(and(eq(pointsLedger.eventId, event.id), isNull(pointsLedger.withdrawnAt)))
              .groupBy(pointsLedger.userId)
              .having(sql`sum(${pointsLedger.points}) > 0`)
              .orderBy(
                sql`sum(${pointsLedger.points}) desc, max(${pointsLedger.awardedAt}) asc, ${pointsLedger.userId} asc`,
              )
          ).map((row, i) => ({ rank: i + 1, ...row }));
          const actual = await individualTop(server.platform.db, event.id, 100);
          expect(actual.map(({ rank, id, points }) => ({ rank, id, points }))).toEqual(expected);
        },
      ),
      { numRuns: 15 },
    );
  });

  it('stops the board moving at the freeze time while my own points still count, and catches up when unfrozen', async () => {
    const event = await buildEvent(server, organiser);
    const [ann, bob] = await quickUsers(server, 2, 'Frozen');
    for (const p of [ann!, bob!]) await rsvp(server, p, event.id, 'going');
    await applyPoints(server, [fact(event.id, ann!, 'checkin', event.id)]);
    await applyPoints(server, [fact(event.id, bob!, 'poll_voted', 'p1')]);
    const past = new Date(Date.now() - 1000).toISOString();
    await call(server, 'PATCH', `/api/v1/events/${event.id}/engagement`, organiser, { freezeAt: past });
    await applyPoints(server, [fact(event.id, bob!, 'checkin', event.id)]);
    const frozen = await eventually(async () => {
      const b = await board(server, bob!, event.id, 'individual');
      return b.frozen ? b : undefined;
    });
    expect(frozen.items.map((s) => [s.name, s.points])).toEqual([
      ['Frozen 1', 50],
      ['Frozen 2', 5],
    ]);
    expect(frozen.me).toMatchObject({ rank: 2, points: 5 });
    expect((await pointsOf(server, bob!, event.id)).points).toBe(55);

    await call(server, 'PATCH', `/api/v1/events/${event.id}/engagement`, organiser, { freezeAt: null });
    const moving = await eventually(async () => {
      const b = await board(server, bob!, event.id, 'individual');
      return b.items[0]?.name === 'Frozen 2' ? b : undefined;
    });
    expect(moving.frozen).toBe(false);
    expect(moving.items.map((s) => s.points)).toEqual([55, 50]);
  });

  it('leaves staff and people who opted out off the individual board, ties going to whoever got there first', async () => {
    const event = await buildEvent(server, organiser);
    const [first, second, shy] = await quickUsers(server, 3, 'Tie');
    for (const p of [first!, second!, shy!]) await rsvp(server, p, event.id, 'going');
    await applyPoints(server, [fact(event.id, first!, 'question_asked', 'q')]);
    await applyPoints(server, [fact(event.id, second!, 'question_asked', 'q')]);
    await applyPoints(server, [fact(event.id, shy!, 'checkin', event.id)]);
    await applyPoints(server, [fact(event.id, organiser, 'checkin', event.id)]);
    await call(server, 'PUT', `/api/v1/events/${event.id}/leaderboard/me`, shy!, { visible: false });
    const shown = await eventually(async () => {
      const b = await board(server, first!, event.id, 'individual');
      return b.items.length === 2 ? b : undefined;
    });
    expect(shown.items.map((s) => [s.rank, s.name])).toEqual([
      [1, 'Tie 1'],
      [2, 'Tie 2'],
    ]);
    const shyView = await board(server, shy!, event.id, 'individual');
    expect(shyView.me).toBeNull();
    expect((await pointsOf(server, shy!, event.id)).rank).toBeNull();
  });
});
