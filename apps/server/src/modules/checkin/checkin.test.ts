import { randomUUID } from 'node:crypto';
import {
  type CheckinBatchResult,
  type CheckinKeys,
  type CheckinResult,
  type DoorStats,
  decodeTicketCode,
  encodeTicketCode,
  entities,
  scopes,
  type Ticket,
  type TicketSearchResult,
} from '@muster/protocol';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildEvent, call, grantRole } from '../../../test/factories/events.ts';
import { scopeChanges } from '../../../test/factories/messaging.ts';
import { issueTestTickets } from '../../../test/factories/tickets.ts';
import { injectAs, registerUser, type TestUser } from '../../../test/factories.ts';
import { useTestServer } from '../../../test/harness.ts';
import { withTx } from '../../platform/db/unit-of-work.ts';
import { eventSigningKey, signTicketCode } from '../tickets/index.ts';

const server = useTestServer();
const inject = injectAs(server);
let organiser: TestUser;
let staff: TestUser;
let volunteer: TestUser;
let attendee: TestUser;
let outsider: TestUser;
beforeAll(async () => {
  const users = await Promise.all(
    ['Organiser', 'Staff', 'Volunteer', 'Attendee', 'Outsider'].map((name) => registerUser(server, { name })),
  );
  [organiser, staff, volunteer, attendee, outsider] = users as [
    TestUser,
    TestUser,
    TestUser,
    TestUser,
    TestUser,
  ];
});

async function ticketedEvent(count: number) {
  const event = await buildEvent(server, organiser);
  await grantRole(server, event.id, organiser, staff, 'staff');
  await grantRole(server, event.id, organiser, volunteer, 'volunteer');
  const tickets = await issueTestTickets(server, event.id, attendee, count);
  return { event, tickets };
}

const scan = (by: TestUser, eventId: string, body: object) =>
  call<CheckinResult>(server, 'POST', `/api/v1/events/${eventId}/checkins`, by, body);
const scanOf = (ticket: Ticket, extra: object = {}) => ({
  qr: ticket.qr,
  scanId: randomUUID(),
  scannedAt: new Date().toISOString(),
  ...extra,
});
const batch = (by: TestUser, eventId: string, scans: unknown[]) =>
  call<CheckinBatchResult>(server, 'POST', `/api/v1/events/${eventId}/checkins/batch`, by, { scans });

describe('scanning at the door', () => {
  it('admits a valid ticket once; a second scan says it is inside; exit and re-entry work', async () => {
    const { event, tickets } = await ticketedEvent(1);
    const first = await scan(volunteer, event.id, scanOf(tickets[0]!, { doorId: 'North' }));
    expect(first).toMatchObject({
      result: 'admitted',
      conflict: false,
      ticket: { holderName: 'Test Holder' },
    });
    const again = await scan(volunteer, event.id, scanOf(tickets[0]!, { doorId: 'South' }));
    expect(again).toMatchObject({ result: 'already_checked_in', firstCheckin: { doorId: 'North' } });
    expect((await scan(volunteer, event.id, scanOf(tickets[0]!, { direction: 'out' }))).result).toBe(
      'exited',
    );
    expect((await scan(volunteer, event.id, scanOf(tickets[0]!))).result).toBe('admitted');
  });

  it('refuses forged, altered, other-event and revoked codes', async () => {
    const { event, tickets } = await ticketedEvent(2);
    const other = await ticketedEvent(1);
    const code = decodeTicketCode(tickets[0]!.qr)!;
    const altered = new Uint8Array(code.signature);
    altered[10]! ^= 1;
    const forgedKey = await withTx(server.platform, (work) => eventSigningKey(work.tx, other.event.id));
    const forged = signTicketCode(forgedKey, { eventId: event.id, ticketId: tickets[0]!.id });
    for (const qr of [encodeTicketCode(code.message, altered), forged, other.tickets[0]!.qr, 'MT1.garbage'])
      expect(
        (await scan(staff, event.id, { qr, scanId: randomUUID(), scannedAt: new Date().toISOString() }))
          .result,
      ).toBe('invalid');
    await server.platform.db.execute(
      (await import('drizzle-orm')).sql`update tickets set status = 'void' where id = ${tickets[1]!.id}`,
    );
    expect((await scan(staff, event.id, scanOf(tickets[1]!))).result).toBe('void');
  });

  it('decides two doors scanning one ticket at the same instant one after the other', async () => {
    const { event, tickets } = await ticketedEvent(1);
    const results = await Promise.all(
      ['North', 'South', 'East', 'West'].map((doorId) =>
        scan(volunteer, event.id, scanOf(tickets[0]!, { doorId })),
      ),
    );
    expect(results.filter((r) => r.result === 'admitted')).toHaveLength(1);
    expect(results.filter((r) => r.result === 'already_checked_in')).toHaveLength(3);
  });

  it('flags every ticket admitted at two offline doors, and applies each scan once when batches repeat', async () => {
    const { event, tickets } = await ticketedEvent(20);
    const t0 = Date.now() - 60_000;
    const doorScans = (doorId: string, offsetMs: number) =>
      tickets.map((t, i) => ({
        qr: t.qr,
        doorId,
        scanId: randomUUID(),
        scannedAt: new Date(t0 + i * 1000 + offsetMs).toISOString(),
        offlineVerdict: 'admitted',
      }));
    const north = doorScans('North', 0);
    const south = doorScans('South', 300);
    const firstUpload = await batch(volunteer, event.id, north);
    expect(firstUpload.results.every((r) => r.result === 'admitted' && !r.conflict)).toBe(true);
    const southUpload = await batch(staff, event.id, south);
    expect(southUpload.results.every((r) => r.result === 'admitted' && r.conflict)).toBe(true);
    expect(southUpload.results[0]!.firstCheckin?.doorId).toBe('North');
    // Both queues uploaded again (a lost answer): same answers, nothing recorded twice.
    const repeats = [await batch(volunteer, event.id, north), await batch(staff, event.id, south)];
    expect(repeats[1]!.results.map((r) => r.checkinId)).toEqual(southUpload.results.map((r) => r.checkinId));
    expect(repeats[0]!.results.every((r) => r.result === 'admitted')).toBe(true);
    const stats = await call<DoorStats>(server, 'GET', `/api/v1/events/${event.id}/door`, staff);
    expect(stats.conflicts).toHaveLength(20);
    expect(stats.conflicts.every((c) => c.checkins.length === 2)).toBe(true);
    expect(stats.checkedIn).toBe(20);
    expect(stats.expected).toBe(20);
    expect(stats.perDoor).toEqual([
      { doorId: 'North', count: 20, perMinute: expect.any(Number) },
      { doorId: 'South', count: 20, perMinute: expect.any(Number) },
    ]);
    const door = await scopeChanges(server, staff, scopes.door(event.id));
    const recorded = door.filter((c) => c.entity === entities.checkin.checkinRecorded);
    // 40 scans, and the 20 first admissions re-sent once each when they became conflicts.
    expect(new Set(recorded.map((c) => c.id)).size).toBe(40);
    expect(recorded).toHaveLength(60);
  });

  it('applies the good scans of a batch with malformed ones, and refuses an oversized batch', async () => {
    const { event, tickets } = await ticketedEvent(2);
    const result = await batch(volunteer, event.id, [
      scanOf(tickets[0]!),
      { qr: 42 },
      null,
      { ...scanOf(tickets[1]!), scannedAt: 'yesterday' },
      { ticketId: tickets[1]!.id, scanId: randomUUID(), scannedAt: new Date().toISOString() },
      scanOf(tickets[1]!),
    ]);
    expect(result.results.map((r) => r.result)).toEqual([
      'admitted',
      'rejected',
      'rejected',
      'rejected',
      'rejected',
      'admitted',
    ]);
    expect(result.results[4]!.error).toMatch(/staff/);
    const tooMany = await inject('POST', `/api/v1/events/${event.id}/checkins/batch`, volunteer, {
      scans: Array.from({ length: 501 }, () => scanOf(tickets[0]!)),
    });
    expect(tooMany.statusCode).toBe(400);
  });

  it('lets staff undo and search, not volunteers; refuses attendees and outsiders', async () => {
    const { event, tickets } = await ticketedEvent(1);
    const admitted = await scan(volunteer, event.id, scanOf(tickets[0]!));
    expect((await inject('DELETE', `/api/v1/checkins/${admitted.checkinId}`, volunteer)).statusCode).toBe(
      403,
    );
    expect((await inject('GET', `/api/v1/events/${event.id}/tickets?q=Holder`, volunteer)).statusCode).toBe(
      403,
    );
    const found = await call<TicketSearchResult>(
      server,
      'GET',
      `/api/v1/events/${event.id}/tickets?q=test%20hol`,
      staff,
    );
    expect(found.items).toEqual([expect.objectContaining({ id: tickets[0]!.id, checkedIn: true })]);
    const wildcard = await call<TicketSearchResult>(
      server,
      'GET',
      `/api/v1/events/${event.id}/tickets?q=%25`,
      staff,
    );
    expect(wildcard.items).toEqual([]);
    await call(server, 'DELETE', `/api/v1/checkins/${admitted.checkinId}`, staff);
    expect((await scan(volunteer, event.id, scanOf(tickets[0]!))).result).toBe('admitted');
    const manual = await inject('POST', `/api/v1/events/${event.id}/checkins`, volunteer, {
      ticketId: tickets[0]!.id,
      scanId: randomUUID(),
      scannedAt: new Date().toISOString(),
    });
    expect(manual.statusCode).toBe(403);
    for (const who of [attendee, outsider]) {
      expect(
        (await inject('POST', `/api/v1/events/${event.id}/checkins`, who, scanOf(tickets[0]!))).statusCode,
      ).toBe(403);
      expect((await inject('GET', `/api/v1/events/${event.id}/checkin/keys`, who)).statusCode).toBe(403);
      expect((await inject('GET', `/api/v1/events/${event.id}/door`, who)).statusCode).toBe(403);
    }
    expect((await inject('GET', `/api/v1/events/${event.id}/door`, null)).statusCode).toBe(401);
  });

  it('gives scanners the keys and revocation list, and the door scope its records', async () => {
    const { event, tickets } = await ticketedEvent(2);
    await server.platform.db.execute(
      (await import('drizzle-orm')).sql`update tickets set status = 'void' where id = ${tickets[1]!.id}`,
    );
    const keys = await call<CheckinKeys>(server, 'GET', `/api/v1/events/${event.id}/checkin/keys`, volunteer);
    expect(keys.keys).toHaveLength(1);
    expect(keys.revoked).toEqual([tickets[1]!.id]);
    await scan(volunteer, event.id, scanOf(tickets[0]!));
    await new Promise((resolve) => setTimeout(resolve, 700));
    const door = await scopeChanges(server, volunteer, scopes.door(event.id));
    expect(door.some((c) => c.entity === entities.checkin.checkinRecorded)).toBe(true);
    const stats = door.filter((c) => c.entity === entities.checkin.doorStatsChanged).at(-1);
    expect(stats?.data).toMatchObject({ checkedIn: 1, expected: 1 });
    const refused = await inject(
      'GET',
      `/api/v1/sync?scopes=${encodeURIComponent(`${scopes.door(event.id)}@0`)}`,
      attendee,
    );
    expect(JSON.stringify(refused.json())).not.toContain(entities.checkin.checkinRecorded);
  });
});
