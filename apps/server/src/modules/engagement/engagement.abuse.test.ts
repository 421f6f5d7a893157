import { type AuditPage, type MyPoints, POINT_CAPS_PER_HOUR } from '@muster/protocol';
import { beforeAll, describe, expect, it } from 'vitest';
import { applyPoints, fact, pointsOf } from '../../../test/factories/engagement.ts';
import { buildEvent, call, grantRole, quickUsers, rsvp } from '../../../test/factories/events.ts';
import { registerUser, type TestUser } from '../../../test/factories.ts';
import { useTestServer } from '../../../test/harness.ts';

/** Anti-abuse (I5): caps per action and hour, and moderators voiding points with an audit entry. */
const server = useTestServer();
let organiser: TestUser;
beforeAll(async () => {
  organiser = await registerUser(server, { name: 'Organiser' });
});

describe('anti-abuse', () => {
  it('counts actions past the hourly cap without scoring them', async () => {
    const event = await buildEvent(server, organiser);
    const [asker] = await quickUsers(server, 1, 'Asker');
    await rsvp(server, asker!, event.id, 'going');
    const cap = POINT_CAPS_PER_HOUR.question_asked!;
    for (let i = 0; i < cap + 3; i++)
      await applyPoints(server, [fact(event.id, asker!, 'question_asked', `q${i}`)]);
    const mine = await pointsOf(server, asker!, event.id);
    expect(mine.points).toBe(cap * 10);
    expect(mine.items.filter((i) => i.points === 0)).toHaveLength(3);
  });

  it('lets event staff void a line for good, with the reason in the moderation audit', async () => {
    const event = await buildEvent(server, organiser);
    const [cheat, bystander] = await quickUsers(server, 2, 'Player');
    const moderator = await registerUser(server, { name: 'Moderator' });
    await grantRole(server, event.id, organiser, moderator, 'staff');
    for (const p of [cheat!, bystander!]) await rsvp(server, p, event.id, 'going');
    await applyPoints(server, [fact(event.id, cheat!, 'checkin', event.id)]);
    await applyPoints(server, [fact(event.id, cheat!, 'poll_voted', 'p1')]);
    const ledger = await call<MyPoints>(
      server,
      'GET',
      `/api/v1/events/${event.id}/points/${cheat!.id}`,
      moderator,
    );
    const line = ledger.items.find((i) => i.action === 'checkin')!;
    await call(server, 'GET', `/api/v1/events/${event.id}/points/${cheat!.id}`, bystander!, undefined, [403]);

    for (const reason of ['', 'x'.repeat(301)])
      await call(server, 'POST', `/api/v1/points/${line.id}/void`, moderator, { reason }, [400]);
    await call(server, 'POST', `/api/v1/points/${line.id}/void`, bystander!, { reason: 'mine now' }, [403]);
    await call(server, 'POST', `/api/v1/points/${line.id}/void`, moderator, {
      reason: 'Scanned a photo of a ticket',
    });
    await call(server, 'POST', `/api/v1/points/${line.id}/void`, moderator, { reason: 'again' });
    const after = await pointsOf(server, cheat!, event.id);
    expect(after.points).toBe(5);
    expect(after.items.find((i) => i.id === line.id)).toMatchObject({
      voided: true,
      voidReason: 'Scanned a photo of a ticket',
    });
    // The check-in still stands at the door, but its reaction cannot bring the points back.
    await applyPoints(server, [fact(event.id, cheat!, 'checkin', event.id)]);
    expect((await pointsOf(server, cheat!, event.id)).points).toBe(5);
    const audit = await call<AuditPage>(
      server,
      'GET',
      `/api/v1/events/${event.id}/moderation/audit`,
      moderator,
    );
    expect(audit.items.filter((e) => e.action === 'void_points')).toMatchObject([
      {
        targetType: 'points',
        targetId: line.id,
        reason: 'Scanned a photo of a ticket',
        actor: { id: moderator.id },
      },
    ]);
    await call(
      server,
      'POST',
      '/api/v1/points/00000000-0000-7000-8000-000000000000/void',
      moderator,
      { reason: 'x' },
      [404],
    );
  });
});
