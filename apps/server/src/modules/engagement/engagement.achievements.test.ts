import {
  type AchievementList,
  type Event,
  entities,
  type Hunt,
  type NotificationPage,
  scopes,
} from '@muster/protocol';
import { beforeAll, describe, expect, it } from 'vitest';
import { applyPoints, fact } from '../../../test/factories/engagement.ts';
import { buildCommunity, buildEvent, call, quickUsers, rsvp } from '../../../test/factories/events.ts';
import { eventually } from '../../../test/factories/forms.ts';
import { registerUser, type TestUser } from '../../../test/factories.ts';
import { useTestServer } from '../../../test/harness.ts';

const server = useTestServer();
let organiser: TestUser;
beforeAll(async () => {
  organiser = await registerUser(server, { name: 'Organiser' });
});

const unlocked = async (as: TestUser, eventId: string) =>
  (await call<AchievementList>(server, 'GET', `/api/v1/events/${eventId}/achievements`, as)).items
    .filter((a) => a.unlockedAt)
    .map((a) => a.key)
    .sort();

describe('achievements', () => {
  it('unlocks thresholds and firsts once, tells the person, and keeps them when points go', async () => {
    const event = await buildEvent(server, organiser);
    const [ann, bob] = await quickUsers(server, 2, 'Achiever');
    for (const p of [ann!, bob!]) await rsvp(server, p, event.id, 'going');
    await applyPoints(server, [fact(event.id, ann!, 'checkin', event.id)]);
    await applyPoints(server, [fact(event.id, bob!, 'checkin', event.id)]);
    expect(await unlocked(ann!, event.id)).toEqual(['first_in', 'first_points']);
    expect(await unlocked(bob!, event.id)).toEqual(['first_points']);
    for (const q of ['q1', 'q2', 'q3', 'q4', 'q5'])
      await applyPoints(server, [fact(event.id, ann!, 'question_asked', q)]);
    expect(await unlocked(ann!, event.id)).toEqual(['century', 'curious', 'first_in', 'first_points']);
    const told = server.published.filter(
      (c) => c.entity === entities.engagement.achievementUnlocked && c.scope === scopes.user(ann!.id),
    );
    expect(told.map((c) => (c.data as { key: string }).key).sort()).toEqual([
      'century',
      'curious',
      'first_in',
      'first_points',
    ]);
    // Withdrawn points do not take an achievement back; awarding again does not unlock it twice.
    await applyPoints(server, [fact(event.id, ann!, 'question_asked', 'q5', false)]);
    await applyPoints(server, [fact(event.id, ann!, 'question_asked', 'q5')]);
    expect(await unlocked(ann!, event.id)).toEqual(['century', 'curious', 'first_in', 'first_points']);
    expect(
      server.published.filter(
        (c) => c.entity === entities.engagement.achievementUnlocked && c.scope === scopes.user(ann!.id),
      ),
    ).toHaveLength(4);
    const inbox = await eventually(async () => {
      const page = await call<NotificationPage>(server, 'GET', '/api/v1/me/notifications', ann!);
      return page.items.some((n) => n.category === 'gamification') ? page : undefined;
    });
    expect(inbox.items.find((n) => n.category === 'gamification')?.url).toBe(
      `/events/${event.id}/leaderboard`,
    );
  });

  it('counts a streak of events in a row in one community, once per community', async () => {
    const community = await buildCommunity(server, organiser);
    const [regular] = await quickUsers(server, 1, 'Regular');
    const at = (day: number) => ({
      communityId: community.id,
      startsAt: `2031-0${day}-01T07:00:00.000Z`,
      endsAt: `2031-0${day}-01T10:00:00.000Z`,
    });
    const series: Event[] = [];
    for (let i = 1; i <= 5; i++) series.push(await buildEvent(server, organiser, at(i)));
    for (const event of series) await rsvp(server, regular!, event.id, 'going');
    const checkIn = (i: number) =>
      applyPoints(server, [fact(series[i]!.id, regular!, 'checkin', series[i]!.id)]);
    // Events 1, 2 and 4: three check-ins, but not in a row.
    for (const i of [0, 1, 3]) await checkIn(i);
    expect(await unlocked(regular!, series[3]!.id)).not.toContain('regular');
    // Event 3 fills the gap: 1-2-3-4 is a streak.
    await checkIn(2);
    expect(await unlocked(regular!, series[2]!.id)).toContain('regular');
    await checkIn(4);
    // Shown as unlocked at every event of the community, unlocked once.
    expect(await unlocked(regular!, series[4]!.id)).toContain('regular');
    const mine = await call<AchievementList>(server, 'GET', '/api/v1/me/achievements', regular!);
    expect(mine.items.filter((a) => a.key === 'regular')).toHaveLength(1);
  });

  it('unlocks the hunter for whoever found every checkpoint of a hunt', async () => {
    const event = await buildEvent(server, organiser);
    const [finder, other] = await quickUsers(server, 2, 'Finder');
    for (const p of [finder!, other!]) await rsvp(server, p, event.id, 'going');
    const hunt = await call<Hunt>(server, 'POST', `/api/v1/events/${event.id}/hunts`, organiser, {
      title: 'One stop',
      checkpoints: [{ name: 'Only' }],
    });
    await call(server, 'POST', `/api/v1/hunts/checkpoints/claim`, finder!, {
      code: hunt.checkpoints[0]!.code,
    });
    expect(await unlocked(finder!, event.id)).toContain('hunter');
    await applyPoints(server, [fact(event.id, other!, 'poll_voted', 'p')]);
    expect(await unlocked(other!, event.id)).not.toContain('hunter');
  });
});
