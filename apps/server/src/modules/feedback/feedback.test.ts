import { randomUUID } from 'node:crypto';
import type { Change, FeedbackDue, FeedbackSummary } from '@muster/protocol';
import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildSession } from '../../../test/factories/agenda.ts';
import { buildEvent, call, grantRole, quickUsers } from '../../../test/factories/events.ts';
import { scopeChanges } from '../../../test/factories/messaging.ts';
import { issueTestTickets } from '../../../test/factories/tickets.ts';
import { injectAs, registerUser, type TestUser } from '../../../test/factories.ts';
import { useTestServer } from '../../../test/harness.ts';
import { sessions } from '../agenda/index.ts';

const server = useTestServer();
const inject = injectAs(server);
let organiser: TestUser;
let speaker: TestUser;
let otherSpeaker: TestUser;
let staff: TestUser;
let attendee: TestUser;
beforeAll(async () => {
  const users = await Promise.all(
    ['Organiser', 'Speaker', 'Other speaker', 'Staff', 'Attendee'].map((name) =>
      registerUser(server, { name }),
    ),
  );
  [organiser, speaker, otherSpeaker, staff, attendee] = users as [
    TestUser,
    TestUser,
    TestUser,
    TestUser,
    TestUser,
  ];
});

/** A session of a published event that ran from `startedMinutesAgo` for an hour (moved in the table). */
async function pastSession(startedMinutesAgo = 90) {
  const event = await buildEvent(server, organiser);
  await grantRole(server, event.id, organiser, speaker, 'speaker');
  await grantRole(server, event.id, organiser, otherSpeaker, 'speaker');
  await grantRole(server, event.id, organiser, staff, 'staff');
  const session = await buildSession(server, organiser, event.id, { speakerIds: [speaker.id] });
  const startsAt = new Date(Date.now() - startedMinutesAgo * 60_000);
  await server.platform.db
    .update(sessions)
    .set({ startsAt, endsAt: new Date(startsAt.getTime() + 3_600_000) })
    .where(eq(sessions.id, session.id));
  return { event, session };
}

const rate = (user: TestUser, sessionId: string, payload: object) =>
  inject('PUT', `/api/v1/sessions/${sessionId}/feedback`, user, payload);

describe('session feedback', () => {
  it('summarises average and distribution, keeps one changeable rating per person, and names nobody', async () => {
    const { session } = await pastSession();
    const raters = await quickUsers(server, 6, 'Rater');
    const none = await inject('GET', `/api/v1/sessions/${session.id}/feedback/mine`, raters[0]);
    expect([none.statusCode, none.json()]).toEqual([200, null]);
    const ratings = [5, 5, 4, 3, 1, 4];
    await Promise.all(
      raters.map((r, i) =>
        rate(r, session.id, { rating: ratings[i], comment: i === 0 ? 'Great talk' : undefined }),
      ),
    );
    // Changing one's mind replaces the rating: 1 → 2.
    const changed = await rate(raters[4]!, session.id, { rating: 2, comment: '  ' });
    expect(changed.statusCode).toBe(200);
    expect(changed.json()).toMatchObject({ rating: 2, comment: null });

    const summary = await call<FeedbackSummary>(
      server,
      'GET',
      `/api/v1/sessions/${session.id}/feedback`,
      speaker,
    );
    expect(summary).toMatchObject({
      count: 6,
      average: 3.83,
      distribution: { '1': 0, '2': 1, '3': 1, '4': 2, '5': 2 },
    });
    expect(summary.comments).toEqual([expect.objectContaining({ rating: 5, comment: 'Great talk' })]);
    for (const r of raters) expect(JSON.stringify(summary)).not.toContain(r.id);

    const mine = await call(server, 'GET', `/api/v1/sessions/${session.id}/feedback/mine`, raters[4]!);
    expect(mine).toMatchObject({ rating: 2 });
    const records: Change[] = await scopeChanges(server, raters[4]!, `user:${raters[4]!.id}`);
    expect(records.filter((c) => c.entity === 'feedback.feedbackSaved')).toHaveLength(2);
  });

  it('is read by the session’s speakers and event staff only', async () => {
    const { session } = await pastSession();
    const url = `/api/v1/sessions/${session.id}/feedback`;
    for (const user of [speaker, staff, organiser])
      expect((await inject('GET', url, user)).statusCode).toBe(200);
    expect((await inject('GET', url, otherSpeaker)).statusCode).toBe(403);
    expect((await inject('GET', url, attendee)).statusCode).toBe(403);
    expect((await inject('GET', url, null)).statusCode).toBe(401);
    // A speaker cannot rate their own session; a speaker of another one can.
    expect((await rate(speaker, session.id, { rating: 5 })).statusCode).toBe(403);
    expect((await rate(otherSpeaker, session.id, { rating: 5 })).statusCode).toBe(200);
  });

  it('opens when the session starts, and refuses hostile input', async () => {
    const event = await buildEvent(server, organiser);
    const future = await buildSession(server, organiser, event.id);
    expect((await rate(attendee, future.id, { rating: 5 })).statusCode).toBe(409);
    const { session } = await pastSession();
    for (const payload of [
      { rating: 0 },
      { rating: 6 },
      { rating: 4.5 },
      { rating: '5' },
      { rating: 5, comment: 'x'.repeat(2001) },
      { rating: 5, comment: 'a\u0000b' },
      { rating: 5, userId: attendee.id },
      {},
    ]) {
      expect((await rate(attendee, session.id, payload)).statusCode, JSON.stringify(payload)).toBe(400);
    }
    expect((await rate(attendee, session.id, { rating: 5, comment: 'x'.repeat(2000) })).statusCode).toBe(200);
  });

  it('lists bookmarked sessions that ended in the last day and are not rated yet', async () => {
    const { event, session } = await pastSession(90);
    const [fan] = await quickUsers(server, 1, 'Fan');
    await inject('PUT', `/api/v1/sessions/${session.id}/bookmark`, fan);
    const due = () => call<FeedbackDue>(server, 'GET', `/api/v1/me/feedback-due?eventId=${event.id}`, fan!);
    expect((await due()).items.map((i) => i.sessionId)).toEqual([session.id]);
    await rate(fan!, session.id, { rating: 4 });
    expect((await due()).items).toEqual([]);
    expect((await inject('GET', '/api/v1/me/feedback-due?eventId=nope', fan)).statusCode).toBe(400);
  });

  it('also lists a session the person walked into (their ticket scanned at the room door)', async () => {
    const { event, session } = await pastSession(90);
    const [visitor] = await quickUsers(server, 1, 'Visitor');
    const [ticket] = await issueTestTickets(server, event.id, visitor!, 1);
    await call(server, 'POST', `/api/v1/sessions/${session.id}/checkins`, staff, {
      qr: ticket!.qr,
      scanId: randomUUID(),
    });
    const due = await call<FeedbackDue>(
      server,
      'GET',
      `/api/v1/me/feedback-due?eventId=${event.id}`,
      visitor!,
    );
    expect(due.items.map((i) => i.sessionId)).toEqual([session.id]);
  });

  it('keeps one row under concurrent saves by one person, and limits saves to 20 a minute', async () => {
    const { session } = await pastSession();
    const [rater] = await quickUsers(server, 1, 'Rater');
    const results = await Promise.all(
      [1, 2, 3, 4, 5].map((rating) => rate(rater!, session.id, { rating, comment: `r${rating}` })),
    );
    expect(results.map((r) => r.statusCode)).toEqual([200, 200, 200, 200, 200]);
    const summary = await call<FeedbackSummary>(
      server,
      'GET',
      `/api/v1/sessions/${session.id}/feedback`,
      speaker,
    );
    expect(summary.count).toBe(1);
    expect(summary.comments).toHaveLength(1);
    for (let i = 0; i < 15; i++) expect((await rate(rater!, session.id, { rating: 3 })).statusCode).toBe(200);
    expect((await rate(rater!, session.id, { rating: 3 })).statusCode).toBe(429);
  });
});
