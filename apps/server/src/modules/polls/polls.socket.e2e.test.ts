import type { Change, Poll, PollResults } from '@muster/protocol';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSession } from '../../../test/factories/agenda.ts';
import { buildEvent, call, quickUsers } from '../../../test/factories/events.ts';
import { registerUser, type TestUser } from '../../../test/factories.ts';
import { useTestServer } from '../../../test/harness.ts';
import { connectSocket } from '../../../test/realtime-client.ts';

const server = useTestServer({ listen: true });
let organiser: TestUser;
let sessionId: string;
const sockets: Socket[] = [];

beforeAll(async () => {
  organiser = await registerUser(server);
  const event = await buildEvent(server, organiser);
  sessionId = (await buildSession(server, organiser, event.id)).id;
});
afterAll(() => {
  for (const socket of sockets) socket.close();
});

async function openPoll(resultsVisibility: string): Promise<Poll> {
  const poll = await call<Poll>(server, 'POST', `/api/v1/sessions/${sessionId}/polls`, organiser, {
    question: 'Which?',
    kind: 'single',
    options: ['A', 'B'],
    resultsVisibility,
  });
  return call<Poll>(server, 'POST', `/api/v1/polls/${poll.id}/open`, organiser);
}
const subscribe = (socket: Socket, scope: string) =>
  socket.timeout(5000).emitWithAck('subscribe', { scopes: [scope] }) as Promise<Record<string, unknown>>;

/** Resolves with the first pushed results record whose total is `total`. */
const resultsWith = (socket: Socket, total: number) =>
  new Promise<PollResults>((resolve) =>
    socket.on('change', (change: Change) => {
      const data = change.data as PollResults | null;
      if (change.entity === 'polls.resultsChanged' && data?.total === total) resolve(data);
    }),
  );

describe('poll results over the socket', () => {
  it('afterVote: subscribing is refused until the caller voted, then results are pushed', async () => {
    const poll = await openPoll('afterVote');
    const [voter] = (await quickUsers(server, 1)) as [TestUser];
    const socket = await connectSocket(server.url, voter.accessToken, sockets);
    const scope = `poll:${poll.id}`;
    expect(await subscribe(socket, scope)).toMatchObject({ ok: true, refused: { [scope]: 'not_found' } });
    await call(server, 'PUT', `/api/v1/polls/${poll.id}/vote`, voter, { optionIds: [poll.options[0]!.id] });
    expect(await subscribe(socket, scope)).toMatchObject({
      ok: true,
      heads: { [scope]: expect.any(Number) },
    });
    const pushed = resultsWith(socket, 2);
    const [second] = (await quickUsers(server, 1)) as [TestUser];
    await call(server, 'PUT', `/api/v1/polls/${poll.id}/vote`, second, { optionIds: [poll.options[1]!.id] });
    expect((await pushed).counts).toEqual({ [poll.options[0]!.id]: 1, [poll.options[1]!.id]: 1 });
  });

  it('afterClose: subscribing is refused until the poll closes, even after voting', async () => {
    const poll = await openPoll('afterClose');
    const [voter] = (await quickUsers(server, 1)) as [TestUser];
    const socket = await connectSocket(server.url, voter.accessToken, sockets);
    const scope = `poll:${poll.id}`;
    await call(server, 'PUT', `/api/v1/polls/${poll.id}/vote`, voter, { optionIds: [poll.options[0]!.id] });
    expect(await subscribe(socket, scope)).toMatchObject({ refused: { [scope]: 'not_found' } });
    await call(server, 'POST', `/api/v1/polls/${poll.id}/close`, organiser);
    const allowed = await subscribe(socket, scope);
    expect(allowed).toMatchObject({ ok: true, heads: { [scope]: expect.any(Number) } });
    expect((allowed.heads as Record<string, number>)[scope]).toBeGreaterThan(0);
  });
});
