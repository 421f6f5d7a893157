import type { Change, Question } from '@muster/protocol';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildSession } from '../../../test/factories/agenda.ts';
import { buildEvent, grantRole, quickUsers } from '../../../test/factories/events.ts';
import { scopeChanges } from '../../../test/factories/messaging.ts';
import { askQuestion, listQuestions, moderateQuestion } from '../../../test/factories/questions.ts';
import { injectAs, registerUser, type TestUser } from '../../../test/factories.ts';
import { useTestServer } from '../../../test/harness.ts';

const server = useTestServer();
const inject = injectAs(server);
let organiser: TestUser;
let speaker: TestUser;
let alice: TestUser;
let bob: TestUser;
beforeAll(async () => {
  organiser = await registerUser(server, { name: 'Olga Organiser' });
  speaker = await registerUser(server, { name: 'Sam Speaker' });
  alice = await registerUser(server, { name: 'Alice Secretasker' });
  bob = await registerUser(server, { name: 'Bob Audience' });
});

async function liveSession() {
  const event = await buildEvent(server, organiser);
  await grantRole(server, event.id, organiser, speaker, 'speaker');
  const session = await buildSession(server, organiser, event.id, { speakerIds: [speaker.id] });
  return { event, session };
}

const questionRecords = (changes: Change[]) =>
  changes.filter((c) => c.entity === 'questions.questionChanged');

describe('questions: anonymity', () => {
  it('never reveals an anonymous asker to the audience, over REST or the session scope', async () => {
    const { session } = await liveSession();
    const asked = await askQuestion(server, alice, session.id, {
      body: 'Who pays for this?',
      anonymous: true,
    });
    expect(asked.state).toBe('visible');
    const named = await askQuestion(server, bob, session.id, { body: 'Named question' });

    const audience = await listQuestions(server, bob, session.id);
    const anon = audience.find((q) => q.id === asked.id)!;
    expect(anon.asker).toBeNull();
    expect(JSON.stringify(audience)).not.toContain(alice.id);
    expect(JSON.stringify(audience)).not.toContain('Secretasker');
    expect(audience.find((q) => q.id === named.id)!.asker).toMatchObject({
      id: bob.id,
      name: 'Bob Audience',
    });

    // Presenters always see who asked.
    const staffView = await listQuestions(server, speaker, session.id);
    expect(staffView.find((q) => q.id === asked.id)!.asker).toMatchObject({ id: alice.id });

    // Upvotes push the question again (throttled): still without the asker.
    await inject('PUT', `/api/v1/questions/${asked.id}/upvote`, bob);
    await expect
      .poll(async () => questionRecords(await scopeChanges(server, bob, `session:${session.id}`)).length, {
        timeout: 5000,
      })
      .toBeGreaterThanOrEqual(3);
    const records = await scopeChanges(server, bob, `session:${session.id}`);
    expect(JSON.stringify(records)).not.toContain(alice.id);
    expect(JSON.stringify(records)).not.toContain('Secretasker');
    const published = server.published.filter((c) => c.scope === `session:${session.id}`);
    expect(JSON.stringify(published)).not.toContain(alice.id);
  });
});

describe('questions: states', () => {
  it('pre-moderation keeps a question from the audience until a presenter approves it', async () => {
    const { session } = await liveSession();
    const put = await inject('PUT', `/api/v1/sessions/${session.id}/qna-settings`, speaker, {
      premoderation: true,
    });
    expect(put.json()).toEqual({ premoderation: true });
    const pending = await askQuestion(server, alice, session.id, { body: 'Held back?' });
    expect(pending.state).toBe('pending');
    expect(await listQuestions(server, bob, session.id)).toEqual([]);
    expect(questionRecords(await scopeChanges(server, bob, `session:${session.id}`))).toEqual([]);
    // The asker sees their own question waiting; nobody else in the audience does.
    expect((await listQuestions(server, alice, session.id)).map((q) => [q.id, q.state])).toEqual([
      [pending.id, 'pending'],
    ]);
    expect((await inject('PUT', `/api/v1/questions/${pending.id}/upvote`, bob)).statusCode).toBe(404);
    expect((await listQuestions(server, organiser, session.id)).map((q) => q.id)).toEqual([pending.id]);

    await moderateQuestion(server, speaker, pending.id, 'visible');
    expect((await listQuestions(server, bob, session.id)).map((q) => q.state)).toEqual(['visible']);
    const records = questionRecords(await scopeChanges(server, bob, `session:${session.id}`));
    expect(records.map((r) => [r.op, (r.data as Question).state])).toEqual([['upsert', 'visible']]);
  });

  it('a hidden question disappears: a delete record follows on the session scope', async () => {
    const { session } = await liveSession();
    const q = await askQuestion(server, alice, session.id, { body: 'Something rude' });
    await moderateQuestion(server, organiser, q.id, 'hidden');
    expect(await listQuestions(server, bob, session.id)).toEqual([]);
    const records = questionRecords(await scopeChanges(server, bob, `session:${session.id}`));
    expect(records.map((r) => [r.op, r.id])).toEqual([
      ['upsert', q.id],
      ['delete', q.id],
    ]);
    expect(records[1]!.data).toBeNull();
    // The audience can no longer reach it at all; presenters still see it.
    expect((await inject('DELETE', `/api/v1/questions/${q.id}/upvote`, bob)).statusCode).toBe(404);
    expect((await listQuestions(server, speaker, session.id))[0]!.state).toBe('hidden');
  });

  it('orders pinned first, answered last; answered sets answeredAt and unpins', async () => {
    const { session } = await liveSession();
    const [u1, u2, u3] = await quickUsers(server, 3);
    const a = await askQuestion(server, u1!, session.id, { body: 'A' });
    const b = await askQuestion(server, u2!, session.id, { body: 'B' });
    const c = await askQuestion(server, u3!, session.id, { body: 'C' });
    await inject('PUT', `/api/v1/questions/${b.id}/upvote`, bob);
    await inject('PUT', `/api/v1/questions/${b.id}/upvote`, alice);
    await inject('PUT', `/api/v1/questions/${c.id}/upvote`, bob);
    expect((await listQuestions(server, bob, session.id, 'top')).map((q) => q.body)).toEqual(['B', 'C', 'A']);
    expect((await listQuestions(server, bob, session.id, 'new')).map((q) => q.body)).toEqual(['C', 'B', 'A']);
    await moderateQuestion(server, speaker, a.id, 'pinned');
    const answered = await moderateQuestion(server, speaker, b.id, 'answered');
    expect(answered.answeredAt).not.toBeNull();
    const list = await listQuestions(server, bob, session.id, 'top');
    expect(list.map((q) => [q.body, q.state, q.pinned])).toEqual([
      ['A', 'visible', true],
      ['C', 'visible', false],
      ['B', 'answered', false],
    ]);
    expect(list.find((q) => q.body === 'C')!.upvotedByMe).toBe(true);
    // Answered questions cannot gain votes; pinning needs a visible question.
    expect((await inject('PUT', `/api/v1/questions/${b.id}/upvote`, organiser)).statusCode).toBe(409);
    expect(
      (await inject('PATCH', `/api/v1/questions/${b.id}`, speaker, { state: 'pinned' })).statusCode,
    ).toBe(409);
  });
});

describe('questions: upvotes', () => {
  it('counts exactly one upvote per person under 200 concurrent upvotes, and pushes far fewer records', async () => {
    const { session } = await liveSession();
    const q = await askQuestion(server, alice, session.id, { body: 'Popular?' });
    const voters = await quickUsers(server, 200, 'Voter');
    const before = server.published.length;
    const results = await Promise.all(
      [...voters, ...voters.slice(0, 50)].map((v) => inject('PUT', `/api/v1/questions/${q.id}/upvote`, v)),
    );
    expect(results.every((r) => r.statusCode === 200)).toBe(true);
    expect((await listQuestions(server, bob, session.id))[0]!.upvotes).toBe(200);
    await expect
      .poll(
        async () => {
          const records = questionRecords(await scopeChanges(server, bob, `session:${session.id}`));
          return (records.at(-1)!.data as Question).upvotes;
        },
        { timeout: 5000 },
      )
      .toBe(200);
    const roomRecords = server.published
      .slice(before)
      .filter((c) => c.scope === `session:${session.id}` && c.entity === 'questions.questionChanged');
    expect(roomRecords.length).toBeLessThan(50);
    // Each upvoter's own scope says so once.
    const mine = await scopeChanges(server, voters[0]!, `user:${voters[0]!.id}`);
    expect(mine.filter((c) => c.entity === 'questions.upvoteChanged')).toHaveLength(1);

    await Promise.all(
      voters.slice(0, 80).map((v) => inject('DELETE', `/api/v1/questions/${q.id}/upvote`, v)),
    );
    await Promise.all(
      voters.slice(0, 80).map((v) => inject('DELETE', `/api/v1/questions/${q.id}/upvote`, v)),
    );
    expect((await listQuestions(server, bob, session.id))[0]!.upvotes).toBe(120);
  }, 60_000);

  it('refuses upvoting your own question', async () => {
    const { session } = await liveSession();
    // Each test asks as fresh people where it can: asking is limited to 5 a minute per person.
    const [me] = await quickUsers(server, 1);
    const q = await askQuestion(server, me!, session.id, { body: 'Mine' });
    const res = await inject('PUT', `/api/v1/questions/${q.id}/upvote`, me);
    expect(res.statusCode).toBe(409);
  });
});

describe('questions: hostile input and limits', () => {
  it('refuses blank, oversized, NUL, unknown fields and unknown states', async () => {
    const { session } = await liveSession();
    const url = `/api/v1/sessions/${session.id}/questions`;
    for (const payload of [
      { body: '   ' },
      { body: 'x'.repeat(501) },
      { body: 'a\u0000b' },
      { body: 'ok', askerId: bob.id },
      { body: 42 },
      {},
    ]) {
      const res = await inject('POST', url, bob, payload);
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
    }
    // Lengths count code points, and the body is stored trimmed.
    const ok = await askQuestion(server, bob, session.id, { body: '😀'.repeat(500) });
    expect(ok.body).toBe('😀'.repeat(500));
    expect((await askQuestion(server, bob, session.id, { body: '  padded  ' })).body).toBe('padded');
    for (const payload of [
      { state: 'deleted' },
      { state: 'visible', extra: 1 },
      { state: 'hidden', reason: 'x'.repeat(501) },
    ]) {
      expect((await inject('PATCH', `/api/v1/questions/${ok.id}`, organiser, payload)).statusCode).toBe(400);
    }
    expect((await inject('PATCH', `/api/v1/questions/${ok.id}`, bob, { state: 'hidden' })).statusCode).toBe(
      403,
    );
    expect((await inject('PUT', '/api/v1/questions/not-a-uuid/upvote', bob)).statusCode).toBe(400);
    expect(
      (
        await inject('PUT', `/api/v1/sessions/${session.id}/qna-settings`, organiser, {
          premoderation: 'yes',
        })
      ).statusCode,
    ).toBe(400);
  });

  it('limits asking to 5 a minute per person', async () => {
    const { session } = await liveSession();
    const [asker] = await quickUsers(server, 1);
    for (let i = 0; i < 5; i++) await askQuestion(server, asker!, session.id, { body: `Q${i}` });
    const res = await inject('POST', `/api/v1/sessions/${session.id}/questions`, asker, { body: 'One more' });
    expect(res.statusCode).toBe(429);
  });

  it('limits upvote changes to 120 a minute per person', async () => {
    const { session } = await liveSession();
    const [asker, toggler] = await quickUsers(server, 2);
    const q = await askQuestion(server, asker!, session.id, { body: 'Toggle me' });
    for (let i = 0; i < 120; i++) {
      const res = await inject(i % 2 ? 'DELETE' : 'PUT', `/api/v1/questions/${q.id}/upvote`, toggler);
      expect(res.statusCode).toBe(200);
    }
    expect((await inject('PUT', `/api/v1/questions/${q.id}/upvote`, toggler)).statusCode).toBe(429);
    expect((await listQuestions(server, bob, session.id))[0]!.upvotes).toBe(0);
  }, 60_000);

  it('caps a session at 1,000 questions with a clear error', async () => {
    const { event, session } = await liveSession();
    const { questions } = await import('./questions.tables.ts');
    const { uuidv7 } = await import('uuidv7');
    await server.platform.db.insert(questions).values(
      Array.from({ length: 1000 }, (_, i) => ({
        id: uuidv7(),
        eventId: event.id,
        sessionId: session.id,
        askerId: alice.id,
        body: `Filler ${i}`,
        state: 'visible',
      })),
    );
    const res = await inject('POST', `/api/v1/sessions/${session.id}/questions`, bob, { body: 'Too many?' });
    expect(res.statusCode).toBe(409);
    expect(res.json().code).toBe('limit_reached');
    expect(res.json().detail ?? res.json().title).toMatch(/1000 questions/);
  });
});
