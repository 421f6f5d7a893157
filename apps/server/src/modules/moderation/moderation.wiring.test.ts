import type { AuditPage, Ballot, ModerationQueue, Poll, PollView, Question } from '@muster/protocol';
import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildSession } from '../../../test/factories/agenda.ts';
import { buildEvent, call, grantRole, quickUsers } from '../../../test/factories/events.ts';
import { scopeChanges } from '../../../test/factories/messaging.ts';
import { askQuestion, listQuestions } from '../../../test/factories/questions.ts';
import { registerUser, type TestUser } from '../../../test/factories.ts';
import { useTestServer } from '../../../test/harness.ts';
import { withTx } from '../../platform/db/unit-of-work.ts';
import { sessions } from '../agenda/index.ts';
import { screenText } from './index.ts';

/** Moderation as wired into questions, polls (word clouds) and feedback. */
const server = useTestServer();
let organiser: TestUser;
let moderator: TestUser;
beforeAll(async () => {
  organiser = await registerUser(server, { name: 'Organiser' });
  moderator = (await quickUsers(server, 1, 'Moderator'))[0]!;
});

/** A fresh event (its own settings, queue and audit) with a session that started an hour ago. */
async function liveEvent() {
  const event = await buildEvent(server, organiser);
  await grantRole(server, event.id, organiser, moderator, 'staff');
  const session = await buildSession(server, organiser, event.id);
  const startsAt = new Date(Date.now() - 3_600_000);
  await server.platform.db
    .update(sessions)
    .set({ startsAt, endsAt: new Date(startsAt.getTime() + 7_200_000) })
    .where(eq(sessions.id, session.id));
  return { eventId: event.id, sessionId: session.id };
}

const act = (body: object, expected = [200]) =>
  call(server, 'POST', '/api/v1/moderation/actions', moderator, body, expected);
const queue = (eventId: string) =>
  call<ModerationQueue>(server, 'GET', `/api/v1/events/${eventId}/moderation/queue`, moderator);
const audit = (eventId: string) =>
  call<AuditPage>(server, 'GET', `/api/v1/events/${eventId}/moderation/audit`, organiser);
const ask = (user: TestUser, sessionId: string, body: string, expected = [201]) =>
  call<Question>(server, 'POST', `/api/v1/sessions/${sessionId}/questions`, user, { body }, expected);

describe('questions', () => {
  it('holds a profane question (pending, queued, unseen) until a moderator approves it live; every action is audited', async () => {
    const { eventId, sessionId } = await liveEvent();
    const [asker, audience] = await quickUsers(server, 2);
    const held = await askQuestion(server, asker!, sessionId, { body: 'Why is this so fucking slow?' });
    expect(held.state).toBe('pending');
    const item = (await queue(eventId)).items.find((i) => i.targetId === held.id);
    expect(item).toMatchObject({
      targetType: 'question',
      reason: 'filtered',
      flags: ['profanity'],
      excerpt: 'Why is this so fucking slow?',
      author: { id: asker!.id },
      status: 'open',
    });
    expect((await listQuestions(server, audience!, sessionId)).map((q) => q.id)).not.toContain(held.id);
    const sessionScope = `session:${sessionId}`;
    expect((await scopeChanges(server, audience!, sessionScope)).some((c) => c.id === held.id)).toBe(false);
    const moderation = await scopeChanges(server, moderator, `moderation:${eventId}`);
    expect(moderation.some((c) => c.entity === 'moderation.itemChanged' && c.id === item!.id)).toBe(true);

    // Only event staff act on it: the audience is refused, the asker too.
    for (const who of [audience!, asker!])
      await call(
        server,
        'POST',
        '/api/v1/moderation/actions',
        who,
        {
          targetType: 'question',
          targetId: held.id,
          action: 'approve',
        },
        [403],
      );
    await act({ targetType: 'question', targetId: held.id, action: 'approve' });
    expect((await listQuestions(server, audience!, sessionId)).find((q) => q.id === held.id)?.state).toBe(
      'visible',
    );
    const live = (await scopeChanges(server, audience!, sessionScope)).filter((c) => c.id === held.id);
    expect(live).toMatchObject([
      { entity: 'questions.questionChanged', op: 'upsert', data: { state: 'visible' } },
    ]);
    expect((await queue(eventId)).items.find((i) => i.targetId === held.id)?.status ?? 'resolved').toBe(
      'resolved',
    );

    await act({ targetType: 'question', targetId: held.id, action: 'hide', reason: 'rude' });
    expect((await listQuestions(server, audience!, sessionId)).map((q) => q.id)).not.toContain(held.id);
    await act({ targetType: 'question', targetId: held.id, action: 'restore' });
    await act({ targetType: 'question', targetId: held.id, action: 'delete' });
    await act({ targetType: 'question', targetId: held.id, action: 'dismiss' });
    const entries = (await audit(eventId)).items.filter((e) => e.targetId === held.id);
    expect(entries.map((e) => e.action).reverse()).toEqual([
      'approve',
      'hide',
      'restore',
      'delete',
      'dismiss',
    ]);
    expect(entries.every((e) => e.actor?.id === moderator.id && e.targetType === 'question')).toBe(true);
    expect(
      (await scopeChanges(server, audience!, sessionScope)).filter((c) => c.id === held.id).at(-1),
    ).toMatchObject({ op: 'delete' });
  });

  it('pre-moderation at the event level holds every question (queued live) unless the session says otherwise', async () => {
    const { eventId, sessionId } = await liveEvent();
    await call(server, 'PUT', `/api/v1/events/${eventId}/moderation/settings`, organiser, {
      filters: { profanity: true, links: true, flood: true },
      blockedWords: [],
      qnaPremoderation: true,
    });
    const [asker] = await quickUsers(server, 1);
    const pending = await ask(asker!, sessionId, 'A perfectly polite question');
    expect(pending.state).toBe('pending');
    expect((await queue(eventId)).items.find((i) => i.targetId === pending.id)).toMatchObject({
      reason: 'premoderation',
      flags: [],
    });
    // A presenter approving it themselves resolves its queue item.
    await call(server, 'PATCH', `/api/v1/questions/${pending.id}`, organiser, { state: 'visible' });
    expect((await queue(eventId)).items.find((i) => i.targetId === pending.id)?.status ?? 'resolved').toBe(
      'resolved',
    );
    await call(server, 'PUT', `/api/v1/sessions/${sessionId}/qna-settings`, organiser, {
      premoderation: false,
    });
    expect((await ask(asker!, sessionId, 'And another one')).state).toBe('visible');
  });

  it('flood control mutes an asker after 10 texts in 60 s: the 11th is held, the next refused', async () => {
    const { eventId, sessionId } = await liveEvent();
    const [asker] = await quickUsers(server, 1);
    // Ten texts in the event first (asking itself is rate-limited to 5 a minute).
    await withTx(server.platform, async (work) => {
      for (let i = 0; i < 10; i++)
        expect(
          await screenText(work, { eventId, userId: asker!.id, path: 'question', text: `text ${i}` }),
        ).toEqual({
          verdict: 'allow',
        });
    });
    const eleventh = await ask(asker!, sessionId, 'One more question');
    expect(eleventh.state).toBe('pending');
    expect((await queue(eventId)).items.find((i) => i.targetId === eleventh.id)?.flags).toEqual(['flood']);
    await ask(asker!, sessionId, 'And yet another', [403]);
    expect((await audit(eventId)).items[0]).toMatchObject({
      source: 'automatic',
      action: 'mute',
      targetId: asker!.id,
    });
  });
});

describe('banned people', () => {
  it('cannot ask, upvote, vote or give feedback', async () => {
    const { eventId, sessionId } = await liveEvent();
    const [banned, other] = await quickUsers(server, 2);
    const question = await ask(other!, sessionId, 'Visible question');
    const poll = await call<Poll>(server, 'POST', `/api/v1/sessions/${sessionId}/polls`, organiser, {
      question: 'Which?',
      kind: 'single',
      options: ['A', 'B'],
      resultsVisibility: 'live',
    });
    await call(server, 'POST', `/api/v1/polls/${poll.id}/open`, organiser);
    await act({ targetType: 'user', targetId: banned!.id, eventId, action: 'ban' });

    await ask(banned!, sessionId, 'Let me in', [403]);
    await call(server, 'PUT', `/api/v1/questions/${question.id}/upvote`, banned!, undefined, [403]);
    await call(
      server,
      'PUT',
      `/api/v1/polls/${poll.id}/vote`,
      banned!,
      { optionIds: [poll.options[0]!.id] },
      [403],
    );
    await call(server, 'PUT', `/api/v1/sessions/${sessionId}/feedback`, banned!, { rating: 1 }, [403]);
    // In one vote batch (concurrent votes), the banned voter's ballot fails alone.
    const others = await quickUsers(server, 20);
    const voters = [...others.slice(0, 10), banned!, ...others.slice(10)];
    const responses = await Promise.all(
      voters.map((v) =>
        server.app.inject({
          method: 'PUT',
          url: `/api/v1/polls/${poll.id}/vote`,
          headers: v.headers,
          payload: { optionIds: [poll.options[1]!.id] },
        }),
      ),
    );
    expect(responses.map((r) => r.statusCode)).toEqual(voters.map((v) => (v === banned ? 403 : 200)));
    await call(server, 'PUT', `/api/v1/sessions/${sessionId}/feedback`, other!, { rating: 5 });
  });
});

describe('word clouds and feedback', () => {
  it('hides a profane cloud word from the results and queues it; the ballot still counts; approve shows it', async () => {
    const { eventId, sessionId } = await liveEvent();
    const [voter, other] = await quickUsers(server, 2);
    const created = await call<Poll>(server, 'POST', `/api/v1/sessions/${sessionId}/polls`, organiser, {
      question: 'One word?',
      kind: 'wordcloud',
      maxWords: 3,
      resultsVisibility: 'live',
    });
    const poll = await call<Poll>(server, 'POST', `/api/v1/polls/${created.id}/open`, organiser);
    const ballot = await call<Ballot>(server, 'PUT', `/api/v1/polls/${poll.id}/vote`, voter!, {
      words: ['shit', 'great'],
    });
    expect(ballot.words).toEqual(['shit', 'great']);
    await call(server, 'PUT', `/api/v1/polls/${poll.id}/vote`, other!, { words: ['great', 'Shit!'] });
    const results = (await call<PollView>(server, 'GET', `/api/v1/polls/${poll.id}`, other!)).results!;
    expect(results.total).toBe(2);
    expect(results.words).toEqual([{ word: 'great', n: 2 }]);
    const items = (await queue(eventId)).items.filter((i) => i.targetType === 'word');
    expect(items).toMatchObject([
      { reason: 'filtered', excerpt: 'shit', flags: ['profanity'], author: { id: voter!.id } },
    ]);
    await act({ targetType: 'word', targetId: items[0]!.targetId, action: 'approve' });
    const after = (await call<PollView>(server, 'GET', `/api/v1/polls/${poll.id}`, other!)).results!;
    expect(after.words).toEqual(expect.arrayContaining([{ word: 'shit', n: 2 }]));
  });

  it('refuses a profane feedback comment with content_refused; a clean one (saved again) is kept', async () => {
    const { sessionId } = await liveEvent();
    const [attendee] = await quickUsers(server, 1);
    const url = `/api/v1/sessions/${sessionId}/feedback`;
    const refused = await server.app.inject({
      method: 'PUT',
      url,
      headers: attendee!.headers,
      payload: { rating: 1, comment: 'what a load of shit' },
    });
    expect(refused.statusCode).toBe(422);
    expect(refused.json()).toMatchObject({
      code: 'content_refused',
      errors: [{ field: 'comment', message: 'profanity' }],
    });
    await call(server, 'PUT', url, attendee!, { rating: 4, comment: 'Clear and useful' });
    await call(server, 'PUT', url, attendee!, { rating: 5, comment: 'Clear and useful' });
  });
});
