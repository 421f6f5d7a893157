import type { Poll } from '@muster/protocol';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildSession } from '../../../test/factories/agenda.ts';
import { buildEvent, call, quickUsers } from '../../../test/factories/events.ts';
import { registerUser, type TestUser } from '../../../test/factories.ts';
import { useTestServer } from '../../../test/harness.ts';
import { MAX_POLLS_PER_SESSION } from './polls.service.ts';

const server = useTestServer();
let organiser: TestUser;
let voter: TestUser;
/** Fresh callers: the vote route's own rate limit (20 per 10 s per caller) would refuse a long list. */
let pool: TestUser[];
let calls = 0;
let sessionId: string;
let single: Poll;
let multiple: Poll;
let rating: Poll;
let cloud: Poll;

const createBody = (kind: string, extra: object = {}) => ({
  question: 'Q?',
  kind,
  resultsVisibility: 'live',
  ...(kind === 'single' || kind === 'multiple' ? { options: ['a', 'b', 'c'] } : {}),
  ...extra,
});
async function open(kind: string, extra: object = {}) {
  const poll = await call<Poll>(
    server,
    'POST',
    `/api/v1/sessions/${sessionId}/polls`,
    organiser,
    createBody(kind, extra),
  );
  return call<Poll>(server, 'POST', `/api/v1/polls/${poll.id}/open`, organiser);
}

beforeAll(async () => {
  organiser = await registerUser(server);
  const event = await buildEvent(server, organiser);
  sessionId = (await buildSession(server, organiser, event.id)).id;
  pool = await quickUsers(server, 5);
  voter = pool[4]!;
  single = await open('single');
  multiple = await open('multiple');
  rating = await open('rating', { scale: 5 });
  cloud = await open('wordcloud', { maxWords: 2 });
});

async function expectStatus(
  user: TestUser,
  method: 'PUT' | 'POST',
  url: string,
  payload: unknown,
  status: number,
) {
  const res = await server.app.inject({
    method,
    url,
    headers: { ...user.headers, 'content-type': 'application/json' },
    payload: JSON.stringify(payload),
  });
  expect(res.statusCode, `${url} ${JSON.stringify(payload).slice(0, 80)} → ${res.body.slice(0, 200)}`).toBe(
    status,
  );
  return res;
}
const vote400 = (poll: Poll, payload: unknown) =>
  expectStatus(pool[Math.floor(calls++ / 15)]!, 'PUT', `/api/v1/polls/${poll.id}/vote`, payload, 400);

describe('hostile input to polls', () => {
  it('refuses ballots that do not fit the poll', async () => {
    await vote400(single, { optionIds: ['00000000-0000-7000-8000-000000000000'] });
    await vote400(single, { optionIds: [multiple.options[0]!.id] }); // an option of another poll
    await vote400(single, { optionIds: [single.options[0]!.id, single.options[1]!.id] });
    await vote400(single, { optionIds: [] });
    await vote400(single, { optionIds: ['not-a-uuid'] });
    await vote400(single, { rating: 3 });
    await vote400(single, { optionIds: [single.options[0]!.id], words: ['x'] });
    await vote400(single, {});
    await vote400(multiple, { optionIds: [multiple.options[0]!.id, multiple.options[0]!.id] });
    await vote400(rating, { rating: 0 });
    await vote400(rating, { rating: 6 });
    await vote400(rating, { rating: 11 });
    await vote400(rating, { rating: 2.5 });
    await vote400(rating, { rating: '3' });
    await vote400(cloud, { words: ['x'.repeat(10_000)] });
    await vote400(cloud, { words: ['a\u0000b'] });
    await vote400(cloud, { words: ['one', 'two', 'three'] });
    await vote400(cloud, { words: Array.from({ length: 11 }, (_, i) => `w${i}`) });
    await vote400(cloud, { words: ['!!!', '   '] });
    await vote400(cloud, { words: [42] });
    await vote400(cloud, { words: ['ok'], extra: true });
    // Duplicates after normalising count once, so two spellings of one word fit a 2-word cloud.
    const ok = await expectStatus(
      voter,
      'PUT',
      `/api/v1/polls/${cloud.id}/vote`,
      { words: ['Yes', 'YES!', 'no'] },
      200,
    );
    expect(ok.json().words).toEqual(['yes', 'no']);
  });

  it('refuses malformed polls and word visibility changes', async () => {
    const url = `/api/v1/sessions/${sessionId}/polls`;
    const bad = [
      createBody('single', { options: ['only one'] }),
      createBody('single', { options: Array.from({ length: 21 }, (_, i) => `o${i}`) }),
      createBody('single', { options: ['x'.repeat(201), 'b'] }),
      createBody('single', { options: ['   ', 'b'] }),
      createBody('single', { scale: 5 }),
      createBody('rating', { options: ['a', 'b'] }),
      createBody('rating', { scale: 7 }),
      createBody('wordcloud', { maxWords: 11 }),
      createBody('single', { question: 'x'.repeat(501) }),
      createBody('single', { question: '   ' }),
      createBody('quiz'),
      { ...createBody('single'), resultsVisibility: 'never' },
      { ...createBody('single'), sneaky: 1 },
      createBody('single', { question: 'nul \u0000 inside' }),
      createBody('single', { question: 'high \udbff alone' }),
      createBody('single', { options: ['a\u0000', 'b'] }),
    ];
    for (const body of bad) await expectStatus(organiser, 'POST', url, body, 400);
    const words = `/api/v1/polls/${cloud.id}/words`;
    await expectStatus(organiser, 'PUT', words, { word: 'x'.repeat(10_000), hidden: true }, 400);
    await expectStatus(organiser, 'PUT', words, { word: 'a\u0000', hidden: true }, 400);
    await expectStatus(organiser, 'PUT', words, { word: '...', hidden: true }, 400);
    await expectStatus(
      organiser,
      'PUT',
      `/api/v1/polls/${single.id}/words`,
      { word: 'a', hidden: true },
      400,
    );
  });

  it('refuses votes on closed and draft polls with a clear code, and transitions that make no sense', async () => {
    const poll = await open('single');
    await call(server, 'POST', `/api/v1/polls/${poll.id}/close`, organiser);
    const res = await expectStatus(
      voter,
      'PUT',
      `/api/v1/polls/${poll.id}/vote`,
      { optionIds: [poll.options[0]!.id] },
      409,
    );
    expect(res.json()).toMatchObject({
      code: 'conflict',
      errors: [{ field: 'poll.status', message: 'poll_closed' }],
    });
    await expectStatus(organiser, 'POST', `/api/v1/polls/${poll.id}/open`, {}, 409);
    await expectStatus(organiser, 'POST', `/api/v1/polls/${poll.id}/close`, {}, 409);
  });

  it('limits votes per caller and polls per session', async () => {
    const [hasty] = await quickUsers(server, 1);
    const statuses: number[] = [];
    for (let i = 0; i < 25; i++) {
      const res = await server.app.inject({
        method: 'PUT',
        url: `/api/v1/polls/${single.id}/vote`,
        headers: hasty!.headers,
        payload: { optionIds: [single.options[i % 3]!.id] },
      });
      statuses.push(res.statusCode);
    }
    expect(statuses.filter((s) => s === 200).length).toBe(20);
    expect(statuses.at(-1)).toBe(429);

    const event = await buildEvent(server, organiser);
    const full = (await buildSession(server, organiser, event.id)).id;
    await server.platform.db.execute(
      `insert into polls (id, event_id, session_id, question, kind, results_visibility)
       select gen_random_uuid(), '${event.id}', '${full}', 'q', 'rating', 'live'
       from generate_series(1, ${MAX_POLLS_PER_SESSION})` as never,
    );
    const res = await expectStatus(
      organiser,
      'POST',
      `/api/v1/sessions/${full}/polls`,
      createBody('rating'),
      409,
    );
    expect(res.json().code).toBe('limit_reached');
  });
});
