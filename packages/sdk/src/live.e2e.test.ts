import type { Poll, PollView, Question, Session } from '@muster/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSession } from '../../../apps/server/test/factories/agenda.ts';
import { buildEvent } from '../../../apps/server/test/factories/events.ts';
import { registerUser, type TestUser } from '../../../apps/server/test/factories.ts';
import { createTestServer, type TestServer } from '../../../apps/server/test/harness.ts';
import { asUser, clientFor, eventually } from '../test/helpers.ts';
import { questionsOf } from './store/selectors.ts';

/** The live audience through the SDK against a real server: followers converge, offline writes land. */
let server: TestServer;
let organiser: TestUser;
let attendee: TestUser;
let session: Session;

beforeAll(async () => {
  server = await createTestServer({ listen: true });
  organiser = await registerUser(server, { name: 'Olga Organiser' });
  attendee = await registerUser(server, { name: 'Ada Attendee' });
  const now = Date.now();
  const event = await buildEvent(server, organiser, {
    startsAt: new Date(now - 3_600_000).toISOString(),
    endsAt: new Date(now + 6 * 3_600_000).toISOString(),
  });
  session = await buildSession(server, organiser, event.id, {
    title: 'On now',
    startsAt: new Date(now - 600_000).toISOString(),
    endsAt: new Date(now + 3_000_000).toISOString(),
    room: 'Live room',
  });
});
afterAll(async () => server?.stop());

describe('the live audience', () => {
  it('takes a hidden question out of a follower’s store', async () => {
    const asker = await registerUser(server, { name: 'Quinn Asker' });
    const follower = await clientFor(server, attendee);
    await follower.client.openSessionLive(session.id);
    const question = await asUser<Question>(
      server,
      asker,
      'POST',
      `/api/v1/sessions/${session.id}/questions`,
      {
        body: 'Will this be recorded?',
      },
    );
    await eventually(() => question.id in follower.client.store.getState().questions, 'the question arrives');
    expect(questionsOf(follower.client.store.getState(), session.id).open.map((q) => q.body)).toEqual([
      'Will this be recorded?',
    ]);
    await asUser(server, organiser, 'PATCH', `/api/v1/questions/${question.id}`, { state: 'hidden' });
    await eventually(
      () => !(question.id in follower.client.store.getState().questions),
      'the question leaves',
    );
    await follower.client.close();
  });

  it('sends a vote made offline on reconnect, the later of two offline votes winning', async () => {
    const poll = await asUser<Poll>(server, organiser, 'POST', `/api/v1/sessions/${session.id}/polls`, {
      question: 'Tea or coffee?',
      kind: 'single',
      options: ['Tea', 'Coffee'],
      resultsVisibility: 'afterVote',
    });
    await asUser(server, organiser, 'POST', `/api/v1/polls/${poll.id}/open`);
    const voter = await registerUser(server, { name: 'Vera Voter' });
    const { client, signals } = await clientFor(server, voter);
    await client.openSessionLive(session.id);
    await eventually(() => client.store.getState().polls[poll.id]?.status === 'open', 'the poll is open');
    signals.set({ online: false });
    const [tea, coffee] = poll.options;
    await client.vote(poll.id, session.id, { optionIds: [tea!.id] });
    await client.vote(poll.id, session.id, { optionIds: [coffee!.id] });
    // One queued write per poll, shown at once.
    expect(client.pending()).toHaveLength(1);
    expect(client.store.getState().ballots[poll.id]).toMatchObject({
      optionIds: [coffee!.id],
      local: 'sending',
    });
    signals.set({ online: true });
    await client.idle();
    const view = await asUser<PollView>(server, voter, 'GET', `/api/v1/polls/${poll.id}`);
    expect(view.myBallot?.optionIds).toEqual([coffee!.id]);
    expect(view.results?.total).toBe(1);
    // After the vote the results scope may be followed; they arrive in the store.
    await client.openPollResults(poll.id);
    await eventually(() => client.store.getState().pollResults[poll.id]?.total === 1, 'the results arrive');
    expect(client.store.getState().pollResults[poll.id]?.counts[coffee!.id]).toBe(1);
    await client.close();
  });

  it('keeps feedback given offline and saves it once back online', async () => {
    const rater = await registerUser(server, { name: 'Rita Rater' });
    const { client, signals } = await clientFor(server, rater);
    signals.set({ online: false });
    await client.saveFeedback(session.id, 4, 'Clear and useful');
    expect(client.store.getState().feedback[session.id]).toMatchObject({ rating: 4 });
    signals.set({ online: true });
    await client.idle();
    const mine = await asUser<{ rating: number; comment: string | null }>(
      server,
      rater,
      'GET',
      `/api/v1/sessions/${session.id}/feedback/mine`,
    );
    expect(mine).toMatchObject({ rating: 4, comment: 'Clear and useful' });
    await client.close();
  });
});
