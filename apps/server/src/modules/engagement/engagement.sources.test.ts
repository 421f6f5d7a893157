import { randomUUID } from 'node:crypto';
import { type CheckinResult, entities, type Session, scopes } from '@muster/protocol';
import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildSession } from '../../../test/factories/agenda.ts';
import { pointsReach } from '../../../test/factories/engagement.ts';
import { buildEvent, call, grantRole, rsvp } from '../../../test/factories/events.ts';
import { askQuestion, moderateQuestion } from '../../../test/factories/questions.ts';
import { issueTestTickets } from '../../../test/factories/tickets.ts';
import { registerUser, type TestUser } from '../../../test/factories.ts';
import { useTestServer } from '../../../test/harness.ts';
import { users } from '../identity/index.ts';

/**
 * Points come from the other modules' committed changes, through the engagement reactor: these
 * tests act only through those modules' public API and watch the points arrive and leave.
 */
const server = useTestServer();
let organiser: TestUser;
let attendee: TestUser;
beforeAll(async () => {
  [organiser, attendee] = await Promise.all([
    registerUser(server, { name: 'Organiser' }),
    registerUser(server, { name: 'Attendee' }),
  ]);
});

const pointsSettle = (user: TestUser, eventId: string, points: number) =>
  pointsReach(server, user, eventId, points);

describe('points from what people do', () => {
  it('scores a check-in at the door once, and undoing the scan withdraws it', async () => {
    const event = await buildEvent(server, organiser);
    const [ticket] = await issueTestTickets(server, event.id, attendee, 1);
    const scan = () =>
      call<CheckinResult>(server, 'POST', `/api/v1/events/${event.id}/checkins`, organiser, {
        qr: ticket!.qr,
        scanId: randomUUID(),
        scannedAt: new Date().toISOString(),
      });
    const admitted = await scan();
    expect(admitted.result).toBe('admitted');
    await scan(); // already checked in: no second award
    const mine = await pointsSettle(attendee, event.id, 50);
    expect(mine.items).toMatchObject([
      { action: 'checkin', subjectId: event.id, points: 50, withdrawnAt: null },
    ]);
    expect(
      server.published.some(
        (c) => c.entity === entities.engagement.pointsChanged && c.scope === scopes.user(attendee.id),
      ),
    ).toBe(true);

    await call(server, 'DELETE', `/api/v1/checkins/${admitted.checkinId}`, organiser);
    const undone = await pointsSettle(attendee, event.id, 0);
    expect(undone.items[0]?.withdrawnAt).not.toBeNull();
    // The event's board was told to move, on the event's scope, without naming anyone.
    const tick = server.published.find(
      (c) => c.entity === entities.engagement.leaderboardChanged && c.scope === scopes.event(event.id),
    );
    expect(Object.keys(tick?.data as object).sort()).toEqual(['changedAt', 'eventId']);
  });

  it('scores an anonymous question once the audience can see it, and withdraws it when hidden', async () => {
    const event = await buildEvent(server, organiser);
    const session = await call<Session>(server, 'POST', `/api/v1/events/${event.id}/sessions`, organiser, {
      title: 'Keynote',
      startsAt: '2031-06-01T08:00:00.000Z',
      endsAt: '2031-06-01T09:00:00.000Z',
    });
    await rsvp(server, attendee, event.id, 'going');
    const question = await askQuestion(server, attendee, session.id, {
      body: 'Will slides be shared?',
      anonymous: true,
    });
    const scored = await pointsSettle(attendee, event.id, 10);
    expect(scored.items).toMatchObject([{ action: 'question_asked', subjectId: question.id }]);
    await moderateQuestion(server, organiser, question.id, 'hidden');
    await pointsSettle(attendee, event.id, 0);
    await moderateQuestion(server, organiser, question.id, 'visible');
    await pointsSettle(attendee, event.id, 10);
  });

  it('gives staff their own ledger but never a place on the individual board', async () => {
    const event = await buildEvent(server, organiser);
    const staffer = await registerUser(server, { name: 'Staffer' });
    await grantRole(server, event.id, organiser, staffer, 'staff');
    const [ticket] = await issueTestTickets(server, event.id, staffer, 1);
    await call(server, 'POST', `/api/v1/events/${event.id}/checkins`, organiser, {
      qr: ticket!.qr,
      scanId: randomUUID(),
      scannedAt: new Date().toISOString(),
    });
    const mine = await pointsSettle(staffer, event.id, 50);
    expect(mine.rank).toBeNull();
  });

  it('scores walking into a session room once, for each person scanned in', async () => {
    const event = await buildEvent(server, organiser);
    const session = await buildSession(server, organiser, event.id);
    const [ticket] = await issueTestTickets(server, event.id, attendee, 1);
    const roomScan = (direction: 'in' | 'out') =>
      call(server, 'POST', `/api/v1/sessions/${session.id}/checkins`, organiser, {
        qr: ticket!.qr,
        scanId: randomUUID(),
        direction,
      });
    await roomScan('in');
    await roomScan('out');
    await roomScan('in');
    const mine = await pointsSettle(attendee, event.id, 20);
    expect(mine.items).toMatchObject([{ action: 'session_attended', subjectId: session.id, points: 20 }]);
  });

  it('scores a referral once it counts, and withdraws it when the referred person stops going', async () => {
    const event = await buildEvent(server, organiser);
    const ambassador = await registerUser(server, { name: 'Ambassador' });
    const friend = await registerUser(server, { name: 'Friend' });
    await rsvp(server, ambassador, event.id, 'going');
    const { code } = await call<{ code: string }>(server, 'POST', '/api/v1/referrals', ambassador, {
      eventId: event.id,
    });
    await server.platform.db
      .update(users)
      .set({ emailVerifiedAt: new Date() })
      .where(eq(users.id, friend.id));
    await rsvp(server, friend, event.id, 'going');
    await call(server, 'POST', '/api/v1/referrals/claim', friend, { code, eventId: event.id });
    const scored = await pointsSettle(ambassador, event.id, 30);
    expect(scored.items).toMatchObject([{ action: 'referral_verified', points: 30 }]);
    await rsvp(server, friend, event.id, 'declined');
    await pointsSettle(ambassador, event.id, 0);
  });
});
