import type { DoorStats } from '@muster/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildEvent, grantRole } from '../../../../apps/server/test/factories/events.ts';
import { issueTestTickets } from '../../../../apps/server/test/factories/tickets.ts';
import { registerUser, type TestUser } from '../../../../apps/server/test/factories.ts';
import { forgedCode } from '../../../../apps/server/test/forged-code.ts';
import { createTestServer, type TestServer } from '../../../../apps/server/test/harness.ts';
import { asUser, clientFor, eventually } from '../../test/helpers.ts';
import { MemoryStorage } from '../storage/memory.ts';

let server: TestServer;
let organiser: TestUser;
let north: TestUser;
let south: TestUser;
let holder: TestUser;

beforeAll(async () => {
  server = await createTestServer({ listen: true });
  [organiser, north, south, holder] = (await Promise.all(
    ['Organiser', 'North volunteer', 'South staff', 'Holder'].map((name) => registerUser(server, { name })),
  )) as [TestUser, TestUser, TestUser, TestUser];
});
afterAll(async () => server?.stop());

async function ticketedEvent(count: number) {
  const event = await buildEvent(server, organiser);
  await grantRole(server, event.id, organiser, north, 'volunteer');
  await grantRole(server, event.id, organiser, south, 'staff');
  return { event, tickets: await issueTestTickets(server, event.id, holder, count) };
}

describe('a door scanner', () => {
  it('keeps deciding with no network, survives a restart, and flags tickets admitted at two offline doors', async () => {
    const { event, tickets } = await ticketedEvent(20);
    const northStorage = new MemoryStorage();
    const a = await clientFor(server, north, { storage: northStorage });
    const b = await clientFor(server, south);
    const doorA = await a.client.door(event.id, { doorId: 'North', retryMs: 200 });
    const doorB = await b.client.door(event.id, { doorId: 'South', retryMs: 200 });
    // Online first: the server decides.
    expect((await doorA.scan(tickets[0]!.qr)).offline).toBe(false);
    a.signals.set({ online: false });
    b.signals.set({ online: false });
    const offlineA = await Promise.all(tickets.slice(1).map((t) => doorA.scan(t.qr)));
    const offlineB = await Promise.all(tickets.slice(1).map((t) => doorB.scan(t.qr)));
    expect(offlineA.every((v) => v.offline && v.result === 'admitted')).toBe(true);
    expect(offlineB.every((v) => v.offline && v.result === 'admitted')).toBe(true);
    // A door that already let a ticket in says so, offline too.
    expect((await doorA.scan(tickets[1]!.qr)).result).toBe('already_checked_in');
    // A forged code is refused offline.
    expect((await doorA.scan(forgedCode(tickets[2]!.qr))).result).toBe('invalid');
    expect(doorA.state().pending).toBe(19);

    // North's tablet restarts, still offline: its queue is still there.
    doorA.close();
    await a.client.close();
    const a2 = await clientFor(server, north, { storage: northStorage });
    a2.signals.set({ online: false });
    const doorA2 = await a2.client.door(event.id, { doorId: 'North', retryMs: 200 });
    expect(doorA2.state().pending).toBe(19);

    a2.signals.set({ online: true });
    await eventually(() => doorA2.state().pending === 0, 'north uploaded');
    b.signals.set({ online: true });
    await eventually(() => doorB.state().pending === 0, 'south uploaded');
    expect(doorB.state().conflicts).toHaveLength(19);
    expect(doorB.state().conflicts[0]!.firstCheckin?.doorId).toBe('North');
    // Uploading South's queue again changes nothing on the server.
    const stats = await asUser<DoorStats>(server, south, 'GET', `/api/v1/events/${event.id}/door`);
    expect(stats.checkedIn).toBe(20);
    expect(stats.conflicts).toHaveLength(19);
    doorA2.close();
    doorB.close();
    await a2.client.close();
    await b.client.close();
  });

  it('refuses a ticket revoked while the door is offline, once the revocation reached it', async () => {
    const { event, tickets } = await ticketedEvent(2);
    const a = await clientFor(server, south);
    const door = await a.client.door(event.id, { doorId: 'North' });
    await asUser(server, organiser, 'POST', `/api/v1/tickets/${tickets[0]!.id}/void`);
    await eventually(
      () => Object.values(a.client.store.getState().revocations).some((r) => r.ticketId === tickets[0]!.id),
      'the revocation reached the scanner',
    );
    a.signals.set({ online: false });
    expect((await door.scan(tickets[0]!.qr)).result).toBe('void');
    expect((await door.scan(tickets[1]!.qr)).result).toBe('admitted');
    door.close();
    await a.client.close();
  });
});
