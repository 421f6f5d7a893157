import type { Ballot, Poll, PollResults, PollView } from '@muster/protocol';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildSession } from '../../../test/factories/agenda.ts';
import { buildEvent, call, quickUsers } from '../../../test/factories/events.ts';
import { registerUser, type TestUser } from '../../../test/factories.ts';
import { useTestServer } from '../../../test/harness.ts';
import { readChanges } from '../../platform/changes/change-log.ts';

const server = useTestServer();
let organiser: TestUser;
let sessionId: string;
beforeAll(async () => {
  organiser = await registerUser(server, { name: 'Organiser' });
  const event = await buildEvent(server, organiser);
  sessionId = (await buildSession(server, organiser, event.id)).id;
});

async function openPoll(body: Record<string, unknown>): Promise<Poll> {
  const poll = await call<Poll>(server, 'POST', `/api/v1/sessions/${sessionId}/polls`, organiser, {
    question: 'Which?',
    resultsVisibility: 'live',
    ...body,
  });
  return call<Poll>(server, 'POST', `/api/v1/polls/${poll.id}/open`, organiser);
}
const vote = (user: TestUser, pollId: string, payload: object) =>
  server.app.inject({ method: 'PUT', url: `/api/v1/polls/${pollId}/vote`, headers: user.headers, payload });
const view = (user: TestUser, pollId: string) =>
  call<PollView>(server, 'GET', `/api/v1/polls/${pollId}`, user);
const resultRecords = async (pollId: string) =>
  (await readChanges(server.platform.db, `poll:${pollId}`, 0, 10_000)) as { changes?: { data: unknown }[] };
const follows = async (user: TestUser, scope: string) => {
  const res = await server.app.inject({
    method: 'GET',
    url: `/api/v1/sync?scopes=${scope}@0`,
    headers: user.headers,
  });
  return 'changes' in (res.json().scopes?.[scope] ?? {});
};

/** Waits until the trailing results record carries `total` (the 250 ms publisher's trailing edge). */
async function lastResults(pollId: string, total: number): Promise<{ last: PollResults; records: number }> {
  for (let i = 0; i < 100; i++) {
    const changes = (await resultRecords(pollId)).changes ?? [];
    const last = changes.at(-1)?.data as PollResults | undefined;
    if (last && last.total === total) return { last, records: changes.length };
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no results record with total ${total}`);
}

describe('polls', () => {
  it('counts 2,000 concurrent ballots exactly, one per user, with few results records', async () => {
    const poll = await openPoll({ kind: 'single', options: ['A', 'B', 'C'] });
    const voters = await quickUsers(server, 2000, 'Voter');
    const choice = (i: number) => poll.options[i % 3]!.id;
    const responses = await Promise.all(voters.map((v, i) => vote(v, poll.id, { optionIds: [choice(i)] })));
    expect(responses.filter((r) => r.statusCode !== 200).map((r) => r.body)).toEqual([]);
    const expected = Object.fromEntries(
      poll.options.map((o, k) => [o.id, voters.filter((_, i) => i % 3 === k).length]),
    );
    const { results } = await view(organiser, poll.id);
    expect(results).toMatchObject({ total: 2000, counts: expected });
    const { last, records } = await lastResults(poll.id, 2000);
    expect(last.counts).toEqual(expected);
    // One record per 250 ms at most: a burst of 2,000 votes costs a handful, never one per vote.
    expect(records).toBeLessThanOrEqual(2000 / 20);
    const rows = await server.platform.db.execute(
      `select count(*)::int as n, count(distinct user_id)::int as d from poll_ballots where poll_id = '${poll.id}'` as never,
    );
    const row = ((rows as { rows?: unknown[] }).rows ?? (rows as unknown[]))[0] as { n: number; d: number };
    expect([Number(row.n), Number(row.d)]).toEqual([2000, 2000]);
  }, 180_000);

  it('a close amid a burst of votes: every accepted ballot is in the final results, no later one is', async () => {
    const poll = await openPoll({ kind: 'single', options: ['A', 'B'] });
    const voters = await quickUsers(server, 400, 'Racer');
    const votes = voters.map((v, i) => vote(v, poll.id, { optionIds: [poll.options[i % 2]!.id] }));
    await new Promise((r) => setTimeout(r, 20));
    await call(server, 'POST', `/api/v1/polls/${poll.id}/close`, organiser);
    const statuses = (await Promise.all(votes)).map((r) => r.statusCode);
    expect(statuses.every((s) => s === 200 || s === 409)).toBe(true);
    const accepted = statuses.filter((s) => s === 200).length;
    const changes = (await resultRecords(poll.id)).changes ?? [];
    const final = changes.at(-1)!.data as PollResults;
    expect(final.total).toBe(accepted);
    expect((await view(organiser, poll.id)).results!.total).toBe(accepted);
  }, 120_000);

  it('moves a changed vote and tells every device of the voter', async () => {
    const poll = await openPoll({ kind: 'multiple', options: ['A', 'B', 'C'] });
    const [alice] = await quickUsers(server, 1);
    const [a, b, c] = poll.options.map((o) => o.id);
    expect((await vote(alice!, poll.id, { optionIds: [a, b] })).statusCode).toBe(200);
    const second = await vote(alice!, poll.id, { optionIds: [c] });
    expect(second.json<Ballot>().optionIds).toEqual([c]);
    const v = await view(alice!, poll.id);
    expect(v.results!.counts).toEqual({ [a!]: 0, [b!]: 0, [c!]: 1 });
    expect(v.results!.total).toBe(1);
    expect(v.myBallot!.optionIds).toEqual([c]);
    const mine = await readChanges(server.platform.db, `user:${alice!.id}`, 0, 100);
    expect(('changes' in mine ? mine.changes : []).map((ch) => ch.entity)).toEqual([
      'polls.ballotSaved',
      'polls.ballotSaved',
    ]);
  });

  it('afterVote: results hidden until the caller voted, over REST and sync', async () => {
    const poll = await openPoll({ kind: 'rating', scale: 5, resultsVisibility: 'afterVote' });
    const [voter, lurker] = await quickUsers(server, 2);
    expect((await view(voter!, poll.id)).results).toBeUndefined();
    expect(await follows(voter!, `poll:${poll.id}`)).toBe(false);
    expect(await follows(organiser, `poll:${poll.id}`)).toBe(true);
    expect((await vote(voter!, poll.id, { rating: 4 })).statusCode).toBe(200);
    expect((await view(voter!, poll.id)).results).toMatchObject({ total: 1, average: 4 });
    expect(await follows(voter!, `poll:${poll.id}`)).toBe(true);
    expect((await view(lurker!, poll.id)).results).toBeUndefined();
    expect(await follows(lurker!, `poll:${poll.id}`)).toBe(false);
  });

  it('afterClose: results hidden until close; close publishes the final counts and stops voting', async () => {
    const poll = await openPoll({ kind: 'wordcloud', maxWords: 3, resultsVisibility: 'afterClose' });
    const [voter, other] = await quickUsers(server, 2);
    const ok = await vote(voter!, poll.id, { words: ['  Hello   World! ', '«ＨＥＬＬＯ world»', 'rust'] });
    expect(ok.json<Ballot>().words).toEqual(['hello world', 'rust']);
    expect((await view(voter!, poll.id)).results).toBeUndefined();
    expect(await follows(voter!, `poll:${poll.id}`)).toBe(false);
    await call(server, 'PUT', `/api/v1/polls/${poll.id}/words`, organiser, { word: 'Rust!', hidden: true });
    await call(server, 'POST', `/api/v1/polls/${poll.id}/close`, organiser);
    const after = await view(voter!, poll.id);
    expect(after.results!.words).toEqual([{ word: 'hello world', n: 1 }]);
    expect(await follows(other!, `poll:${poll.id}`)).toBe(true);
    const late = await vote(other!, poll.id, { words: ['late'] });
    expect(late.statusCode).toBe(409);
    expect(late.json().errors).toEqual([{ field: 'poll.status', message: 'poll_closed' }]);
    const records = (await resultRecords(poll.id)).changes ?? [];
    expect((records.at(-1)!.data as PollResults).total).toBe(1);
    // The session heard of the poll when it opened and when it closed; never of the draft.
    const session = await readChanges(server.platform.db, `session:${sessionId}`, 0, 1000);
    const mine = ('changes' in session ? session.changes : []).filter((ch) => ch.id === poll.id);
    expect(mine.map((ch) => (ch.data as Poll).status)).toEqual(['open', 'closed']);
  });

  it('lists the voters of named polls to presenters only; anonymous polls have no listing', async () => {
    const named = await openPoll({ kind: 'rating', scale: 10 });
    const secret = await openPoll({ kind: 'rating', scale: 10, anonymous: true });
    const [voter] = await quickUsers(server, 1, 'Named');
    await vote(voter!, named.id, { rating: 7 });
    await vote(voter!, secret.id, { rating: 3 });
    const list = await call<{ items: unknown[] }>(
      server,
      'GET',
      `/api/v1/polls/${named.id}/voters`,
      organiser,
    );
    expect(list.items).toEqual([expect.objectContaining({ userId: voter!.id, name: 'Named 1', rating: 7 })]);
    const get = (user: TestUser, id: string) =>
      server.app.inject({ method: 'GET', url: `/api/v1/polls/${id}/voters`, headers: user.headers });
    expect((await get(voter!, named.id)).statusCode).toBe(403);
    expect((await get(organiser, secret.id)).statusCode).toBe(403);
  });

  it('hides drafts from the audience and shows them to presenters', async () => {
    const draft = await call<Poll>(server, 'POST', `/api/v1/sessions/${sessionId}/polls`, organiser, {
      question: 'Draft?',
      kind: 'single',
      options: ['x', 'y'],
      resultsVisibility: 'live',
    });
    const [viewer] = await quickUsers(server, 1);
    const list = await call<{ items: Poll[] }>(server, 'GET', `/api/v1/sessions/${sessionId}/polls`, viewer!);
    expect(list.items.map((p) => p.id)).not.toContain(draft.id);
    const own = await call<{ items: Poll[] }>(
      server,
      'GET',
      `/api/v1/sessions/${sessionId}/polls`,
      organiser,
    );
    expect(own.items.map((p) => p.id)).toContain(draft.id);
    expect(
      (await server.app.inject({ method: 'GET', url: `/api/v1/polls/${draft.id}`, headers: viewer!.headers }))
        .statusCode,
    ).toBe(404);
    expect((await vote(organiser, draft.id, { optionIds: [draft.options[0]!.id] })).json().errors).toEqual([
      { field: 'poll.status', message: 'poll_not_open' },
    ]);
  });
});
