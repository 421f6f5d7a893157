import { randomUUID } from 'node:crypto';
import { entities, type SessionAttendance, type SessionCheckinResult, scopes } from '@muster/protocol';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildSession } from '../../../test/factories/agenda.ts';
import { buildEvent, call, grantRole } from '../../../test/factories/events.ts';
import { scopeChanges } from '../../../test/factories/messaging.ts';
import { issueTestTickets } from '../../../test/factories/tickets.ts';
import { injectAs, registerUser, type TestUser } from '../../../test/factories.ts';
import { useTestServer } from '../../../test/harness.ts';

const server = useTestServer();
const inject = injectAs(server);
let organiser: TestUser;
let volunteer: TestUser;
let holder: TestUser;
beforeAll(async () => {
  [organiser, volunteer, holder] = (await Promise.all(
    ['Organiser', 'Volunteer', 'Holder'].map((name) => registerUser(server, { name })),
  )) as [TestUser, TestUser, TestUser];
});

describe('room attendance', () => {
  it('counts who is in the room, refuses an entry into a full room, and frees a place on exit', async () => {
    const event = await buildEvent(server, organiser);
    await grantRole(server, event.id, organiser, volunteer, 'volunteer');
    const session = await buildSession(server, organiser, event.id, { capacity: 2 });
    const tickets = await issueTestTickets(server, event.id, holder, 3);
    const other = await issueTestTickets(server, (await buildEvent(server, organiser)).id, holder, 1);
    const scan = (qr: string, direction: 'in' | 'out' = 'in', scanId = randomUUID()) =>
      call<SessionCheckinResult>(server, 'POST', `/api/v1/sessions/${session.id}/checkins`, volunteer, {
        qr,
        scanId,
        direction,
      });

    expect((await scan(tickets[0]!.qr)).result).toBe('admitted');
    const repeatId = randomUUID();
    expect((await scan(tickets[1]!.qr, 'in', repeatId)).attendance).toMatchObject({
      present: 2,
      attended: 2,
      full: true,
    });
    // The same scan sent again is the same entry.
    expect((await scan(tickets[1]!.qr, 'in', repeatId)).attendance.present).toBe(2);
    expect((await scan(tickets[0]!.qr)).result).toBe('already_checked_in');
    expect((await scan(tickets[2]!.qr)).result).toBe('full');
    expect((await scan(other[0]!.qr)).result).toBe('invalid');
    expect((await scan(tickets[0]!.qr, 'out')).attendance).toMatchObject({
      present: 1,
      attended: 2,
      full: false,
    });
    expect((await scan(tickets[2]!.qr)).attendance).toMatchObject({ present: 2, attended: 3 });
    const read = await call<SessionAttendance>(
      server,
      'GET',
      `/api/v1/sessions/${session.id}/attendance`,
      holder,
    );
    expect(read).toMatchObject({ present: 2, attended: 3, capacity: 2, full: true });
    const live = await scopeChanges(server, holder, scopes.session(session.id));
    expect(live.filter((c) => c.entity === entities.checkin.attendanceChanged).at(-1)?.data).toMatchObject({
      present: 2,
    });
    // Holders and outsiders do not scan.
    const refused = await inject('POST', `/api/v1/sessions/${session.id}/checkins`, holder, {
      qr: tickets[0]!.qr,
      scanId: randomUUID(),
    });
    expect(refused.statusCode).toBe(403);
  });
});
