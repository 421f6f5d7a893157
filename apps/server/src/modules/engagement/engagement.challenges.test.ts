import type { Challenge, ChallengeList, Hunt, Team } from '@muster/protocol';
import { beforeAll, describe, expect, it } from 'vitest';
import { applyPoints, fact, pointsOf, pointsReach } from '../../../test/factories/engagement.ts';
import { buildEvent, call, quickUsers, rsvp } from '../../../test/factories/events.ts';
import { registerUser, type TestUser } from '../../../test/factories.ts';
import { useTestServer } from '../../../test/harness.ts';

const server = useTestServer();
let organiser: TestUser;
beforeAll(async () => {
  organiser = await registerUser(server, { name: 'Organiser' });
});

async function teamEvent() {
  const event = await buildEvent(server, organiser);
  const [ann, bob, cid] = (await quickUsers(server, 3, 'Player')) as [TestUser, TestUser, TestUser];
  for (const p of [ann, bob, cid]) await rsvp(server, p, event.id, 'going');
  const team = await call<Team>(server, 'POST', `/api/v1/events/${event.id}/teams`, ann, { name: 'Blue' });
  await call(server, 'POST', `/api/v1/teams/${team.id}/join`, bob);
  return { event, ann, bob, cid };
}

const challengesOf = async (as: TestUser, eventId: string) =>
  (await call<ChallengeList>(server, 'GET', `/api/v1/events/${eventId}/challenges`, as)).items;

describe('team challenges', () => {
  it('pays every member once when the team reaches its points together', async () => {
    const { event, ann, bob, cid } = await teamEvent();
    const challenge = await call<Challenge>(
      server,
      'POST',
      `/api/v1/events/${event.id}/challenges`,
      organiser,
      {
        title: 'Sixty together',
        goal: 'team_points',
        target: 60,
        points: 40,
      },
    );
    await applyPoints(server, [fact(event.id, ann, 'checkin', event.id)]);
    await applyPoints(server, [fact(event.id, cid, 'checkin', event.id)]); // not in the team
    expect((await challengesOf(ann, event.id))[0]).toMatchObject({
      progress: { done: 50, of: 60 },
      completedAt: null,
    });
    await applyPoints(server, [fact(event.id, bob, 'question_asked', 'q1')]);
    for (const [person, points] of [
      [ann, 90],
      [bob, 50],
    ] as const)
      await pointsReach(server, person, event.id, points);
    const [done] = await challengesOf(bob, event.id);
    expect(done).toMatchObject({ id: challenge.id, completedAt: expect.any(String) });
    expect((await challengesOf(cid, event.id))[0]?.progress).toBeNull();
    // More points later pay nothing more.
    await applyPoints(server, [fact(event.id, bob, 'poll_voted', 'p1')]);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect((await pointsOf(server, ann, event.id)).points).toBe(90);
    expect((await pointsOf(server, cid, event.id)).points).toBe(50);
  });

  it('completes a hunt found between the team’s members', async () => {
    const { event, ann, bob } = await teamEvent();
    const hunt = await call<Hunt>(server, 'POST', `/api/v1/events/${event.id}/hunts`, organiser, {
      title: 'Two stops',
      checkpoints: [
        { name: 'One', points: 10 },
        { name: 'Two', points: 10 },
      ],
    });
    await call(server, 'POST', `/api/v1/events/${event.id}/challenges`, organiser, {
      title: 'The whole trail',
      goal: 'hunt',
      huntId: hunt.id,
      points: 100,
    });
    await call(server, 'POST', '/api/v1/hunts/checkpoints/claim', ann, { code: hunt.checkpoints[0]!.code });
    await call(server, 'POST', '/api/v1/hunts/checkpoints/claim', bob, { code: hunt.checkpoints[1]!.code });
    await pointsReach(server, ann, event.id, 110);
    expect((await challengesOf(ann, event.id))[0]).toMatchObject({ progress: { done: 2, of: 2 } });
  });

  it('completes "everyone in" only once every member has checked in', async () => {
    const { event, ann, bob } = await teamEvent();
    await call(server, 'POST', `/api/v1/events/${event.id}/challenges`, organiser, {
      title: 'Everyone in',
      goal: 'all_checked_in',
      points: 20,
    });
    await applyPoints(server, [fact(event.id, ann, 'checkin', event.id)]);
    expect((await challengesOf(ann, event.id))[0]).toMatchObject({
      progress: { done: 1, of: 2 },
      completedAt: null,
    });
    await applyPoints(server, [fact(event.id, bob, 'checkin', event.id)]);
    await pointsReach(server, bob, event.id, 70);
  });

  it('refuses incomplete goals, other events’ hunts and non-organisers', async () => {
    const { event, ann } = await teamEvent();
    const other = await buildEvent(server, organiser);
    const foreign = await call<Hunt>(server, 'POST', `/api/v1/events/${other.id}/hunts`, organiser, {
      title: 'Elsewhere',
      checkpoints: [{ name: 'There' }],
    });
    const create = (as: TestUser, body: object, expected: number[]) =>
      call(server, 'POST', `/api/v1/events/${event.id}/challenges`, as, body, expected);
    await create(organiser, { title: 'No target', goal: 'team_points' }, [400]);
    await create(organiser, { title: 'No hunt', goal: 'hunt' }, [400]);
    await create(organiser, { title: 'Foreign', goal: 'hunt', huntId: foreign.id }, [400]);
    await create(organiser, { title: 'Odd', goal: 'fastest' }, [400]);
    await create(ann, { title: 'Mine', goal: 'all_checked_in' }, [403]);
    expect(await challengesOf(ann, event.id)).toEqual([]);
  });
});
