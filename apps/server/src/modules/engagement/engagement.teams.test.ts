import type { Team, TeamList } from '@muster/protocol';
import { beforeAll, describe, expect, it } from 'vitest';
import { applyPoints, board, fact } from '../../../test/factories/engagement.ts';
import { buildEvent, call, quickUsers, rsvp } from '../../../test/factories/events.ts';
import { eventually } from '../../../test/factories/forms.ts';
import { registerUser, type TestUser } from '../../../test/factories.ts';
import { useTestServer } from '../../../test/harness.ts';

const server = useTestServer();
let organiser: TestUser;
beforeAll(async () => {
  organiser = await registerUser(server, { name: 'Organiser' });
});

async function playingEvent(players: number) {
  const event = await buildEvent(server, organiser);
  const people = await quickUsers(server, players, 'Member');
  for (const p of people) await rsvp(server, p, event.id, 'going');
  return { event, people };
}

const createTeam = (as: TestUser, eventId: string, name: string) =>
  call<Team>(server, 'POST', `/api/v1/events/${eventId}/teams`, as, { name });
const joinTeam = (as: TestUser, teamId: string, expected?: number[]) =>
  call<Team>(server, 'POST', `/api/v1/teams/${teamId}/join`, as, undefined, expected);

/** The team board once it shows `points` for the first team (boards are cached up to a second). */
const teamBoardWhen = (as: TestUser, eventId: string, test: (points: number[]) => boolean) =>
  eventually(async () => {
    const b = await board(server, as, eventId, 'team');
    return test(b.items.map((t) => t.points)) ? b : undefined;
  });

describe('teams', () => {
  it('scores a team as the sum of its members now, following joins and leaves', async () => {
    const { event, people } = await playingEvent(3);
    const [ann, bob, cid] = people as [TestUser, TestUser, TestUser];
    const red = await createTeam(ann, event.id, 'Red');
    const blue = await createTeam(cid, event.id, 'Blue');
    await joinTeam(bob, red.id);
    await applyPoints(server, [fact(event.id, ann, 'checkin', event.id)]);
    await applyPoints(server, [fact(event.id, bob, 'question_asked', 'q')]);
    await applyPoints(server, [fact(event.id, cid, 'poll_voted', 'p')]);
    let teams = await teamBoardWhen(ann, event.id, (p) => p[0] === 60);
    expect(teams.kind).toBe('team');
    expect(teams.items.map((t) => [t.name, t.points, t.members])).toEqual([
      ['Red', 60, 2],
      ['Blue', 5, 1],
    ]);
    expect(teams.me).toMatchObject({ id: red.id, rank: 1 });

    // Bob moves to Blue: his points go with him.
    await joinTeam(bob, blue.id);
    teams = await teamBoardWhen(ann, event.id, (p) => p[0] === 50);
    expect(teams.items.map((t) => [t.name, t.points, t.members])).toEqual([
      ['Red', 50, 1],
      ['Blue', 15, 2],
    ]);
    // Ann, the captain, leaves: Red is empty and scores nothing; she is on no team.
    await call(server, 'POST', `/api/v1/teams/${red.id}/leave`, ann);
    teams = await teamBoardWhen(ann, event.id, (p) => p[0] === 15);
    expect(teams.items.map((t) => [t.name, t.points])).toEqual([
      ['Blue', 15],
      ['Red', 0],
    ]);
    expect(teams.me).toBeNull();
    const list = await call<TeamList>(server, 'GET', `/api/v1/events/${event.id}/teams`, ann);
    expect(list.mine).toBeNull();
    expect(list.items.find((t) => t.id === red.id)).toMatchObject({ members: 0, captainId: null });
  });

  it('averages members when the organiser says so', async () => {
    const { event, people } = await playingEvent(3);
    const [ann, bob, cid] = people as [TestUser, TestUser, TestUser];
    const big = await createTeam(ann, event.id, 'Big');
    await joinTeam(bob, big.id);
    await createTeam(cid, event.id, 'Small');
    await applyPoints(server, [fact(event.id, ann, 'checkin', event.id)]);
    await applyPoints(server, [
      fact(event.id, cid, 'question_asked', 'q'),
      fact(event.id, cid, 'feedback_given', 's'),
    ]);
    await call(server, 'PATCH', `/api/v1/events/${event.id}/engagement`, organiser, {
      teamScoring: 'average',
    });
    const teams = await teamBoardWhen(ann, event.id, (p) => p[0] === 25);
    expect(teams.scoring).toBe('average');
    expect(teams.items.map((t) => [t.name, t.points])).toEqual([
      ['Big', 25],
      ['Small', 20],
    ]);
  });

  it('refuses a full team, a taken name and people not taking part', async () => {
    const { event, people } = await playingEvent(3);
    const [ann, bob, cid] = people as [TestUser, TestUser, TestUser];
    await call(server, 'PATCH', `/api/v1/events/${event.id}/engagement`, organiser, { teamSizeCap: 2 });
    const duo = await createTeam(ann, event.id, 'Duo');
    await joinTeam(bob, duo.id);
    await joinTeam(cid, duo.id, [409]);
    await call(server, 'POST', `/api/v1/events/${event.id}/teams`, cid, { name: 'duo' }, [409]);
    const stranger = await registerUser(server, { name: 'Stranger' });
    await joinTeam(stranger, duo.id, [403]);
    await call(server, 'GET', `/api/v1/events/${event.id}/leaderboard`, stranger, undefined, [403]);
    await call(
      server,
      'POST',
      `/api/v1/teams/00000000-0000-7000-8000-000000000000/join`,
      ann,
      undefined,
      [404],
    );
  });

  it('answers hostile input with a clear error and changes nothing', async () => {
    const { event, people } = await playingEvent(1);
    const [ann] = people as [TestUser];
    for (const name of ['', ' ', 'x'.repeat(61), '\u202Egnp.exe', 42])
      await call(server, 'POST', `/api/v1/events/${event.id}/teams`, ann, { name }, [400]);
    await call(server, 'POST', `/api/v1/events/${event.id}/teams`, ann, { name: 'Ok', extra: 1 }, [400]);
    for (const body of [
      { points: { checkin: -5 } },
      { points: { checkin: 1_000_001 } },
      { points: { made_up: 5 } },
      { teamSizeCap: 0 },
      { teamScoring: 'max' },
      {},
    ])
      await call(server, 'PATCH', `/api/v1/events/${event.id}/engagement`, organiser, body, [400]);
    await call(server, 'PATCH', `/api/v1/events/${event.id}/engagement`, ann, { teamSizeCap: 3 }, [403]);
    const list = await call<TeamList>(server, 'GET', `/api/v1/events/${event.id}/teams`, ann);
    expect(list.items).toEqual([]);
  });

  it('locks points per action once the event is live', async () => {
    const event = await buildEvent(server, organiser, { status: 'live' });
    await call(
      server,
      'PATCH',
      `/api/v1/events/${event.id}/engagement`,
      organiser,
      { points: { checkin: 5 } },
      [409],
    );
    const settings = await call<{ pointsLocked: boolean; points: Record<string, number> }>(
      server,
      'PATCH',
      `/api/v1/events/${event.id}/engagement`,
      organiser,
      { teamSizeCap: 4 },
    );
    expect(settings).toMatchObject({ pointsLocked: true, points: { checkin: 50 } });
  });
});
