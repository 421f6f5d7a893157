import type { Event, Rsvp, RsvpEntry } from '@muster/protocol';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  addMember,
  buildCommunity,
  buildEvent,
  call,
  quickUsers,
  rsvp,
} from '../../../test/factories/events.ts';
import { registerUser, type TestUser } from '../../../test/factories.ts';
import { useTestServer } from '../../../test/harness.ts';
import { readChanges } from '../../platform/changes/change-log.ts';

/**
 * RSVPs that arrive together are committed together (one transaction per batch). These fire
 * requests at once and check that each caller still gets exactly its own answer and authorisation.
 */
const server = useTestServer();
let organiser: TestUser;
beforeAll(async () => {
  organiser = await registerUser(server, { name: 'Organiser' });
});

const put = (user: TestUser, eventId: string, status: string) =>
  server.app.inject({
    method: 'PUT',
    url: `/api/v1/events/${eventId}/rsvp`,
    headers: user.headers,
    payload: { status },
  });
const withdraw = (user: TestUser, eventId: string) =>
  server.app.inject({ method: 'DELETE', url: `/api/v1/events/${eventId}/rsvp`, headers: user.headers });
const getEvent = (id: string) => call<Event>(server, 'GET', `/api/v1/events/${id}`, organiser);
const entries = async (id: string) =>
  (await call<{ items: RsvpEntry[] }>(server, 'GET', `/api/v1/events/${id}/rsvps?limit=200`, organiser))
    .items;

/** The stored counters agree with the stored rows. */
async function expectCountsMatchRows(eventId: string) {
  const rows = await entries(eventId);
  expect(await getEvent(eventId)).toMatchObject({
    goingCount: rows.filter((r) => r.status === 'going').length,
    waitlistCount: rows.filter((r) => r.status === 'waitlisted').length,
  });
}

describe('RSVP group commit', () => {
  it('refuses only the callers who may not RSVP; the rest of the batch goes through', async () => {
    const community = await buildCommunity(server, organiser);
    const event = await buildEvent(server, organiser, {
      communityId: community.id,
      visibility: 'private',
      capacity: 3,
    });
    const members = await quickUsers(server, 5, 'Member');
    for (const m of members) await addMember(server, community.id, organiser, m);
    const outsiders = await quickUsers(server, 3, 'Outsider');
    const callers = [
      members[0]!,
      outsiders[0]!,
      members[1]!,
      outsiders[1]!,
      ...members.slice(2),
      outsiders[2]!,
    ];
    const answers = await Promise.all(callers.map((u) => put(u, event.id, 'going')));

    callers.forEach((u, i) => {
      const expected = outsiders.includes(u) ? 404 : 200;
      expect(answers[i]!.statusCode, `caller ${i}`).toBe(expected);
    });
    expect(answers.filter((a) => a.statusCode === 404).every((a) => a.json().code === 'not_found')).toBe(
      true,
    );
    const statuses = answers.filter((a) => a.statusCode === 200).map((a) => a.json<Rsvp>().status);
    expect(statuses.sort()).toEqual(['going', 'going', 'going', 'waitlisted', 'waitlisted']);
    const stored = await entries(event.id);
    expect(stored.map((r) => r.userId).sort()).toEqual(members.map((m) => m.id).sort());
    await expectCountsMatchRows(event.id);
  });

  it('answers 409 once RSVPs are closed and 404 for a draft the caller cannot see', async () => {
    const ended = await buildEvent(server, organiser, { status: 'ended' });
    const draft = await buildEvent(server, organiser, { status: 'draft' });
    const [viewer] = await quickUsers(server, 1);
    const [closed, hidden, own, withdrawn] = await Promise.all([
      put(viewer!, ended.id, 'going'),
      put(viewer!, draft.id, 'going'),
      put(organiser, draft.id, 'going'),
      withdraw(viewer!, ended.id),
    ]);
    expect([closed!.statusCode, closed!.json().code]).toEqual([409, 'invalid_transition']);
    expect([hidden!.statusCode, hidden!.json().code]).toEqual([404, 'not_found']);
    expect([own!.statusCode, own!.json().code]).toEqual([409, 'invalid_transition']);
    expect(withdrawn!.statusCode).toBe(409);
    const missing = await put(viewer!, '01900000-0000-7000-8000-00000000dead', 'going');
    expect(missing.statusCode).toBe(404);
  });

  it('a seat freed inside a batch goes to the waitlist before newcomers of the same batch', async () => {
    const event = await buildEvent(server, organiser, { capacity: 2 });
    const [a, b, c, d, e] = await quickUsers(server, 5);
    for (const u of [a, b, c]) await rsvp(server, u!, event.id, 'going');
    const [declined, dAnswer, eAnswer] = await Promise.all([
      put(a!, event.id, 'declined'),
      put(d!, event.id, 'going'),
      put(e!, event.id, 'going'),
    ]);
    expect(declined!.json<Rsvp>().status).toBe('declined');
    expect([dAnswer!.json<Rsvp>().status, eAnswer!.json<Rsvp>().status]).toEqual([
      'waitlisted',
      'waitlisted',
    ]);
    const byUser = new Map((await entries(event.id)).map((r) => [r.userId, r]));
    expect(byUser.get(c!.id)?.status).toBe('going');
    expect(byUser.get(b!.id)?.status).toBe('going');
    expect([byUser.get(d!.id)?.waitlistPosition, byUser.get(e!.id)?.waitlistPosition].sort()).toEqual([1, 2]);
    // The promoted person hears of it on their own scope.
    const promoted = await readChanges(server.platform.db, `user:${c!.id}`, 0, 100);
    if ('reset' in promoted) throw new Error('unexpected reset');
    const rsvpChanges = promoted.changes.filter((ch) => ch.entity === 'events.rsvpChanged');
    expect(rsvpChanges.at(-1)?.data).toMatchObject({ status: 'going' });
    await expectCountsMatchRows(event.id);
  });

  it('applies one person’s simultaneous requests one after another; their log ends in the stored state', async () => {
    const event = await buildEvent(server, organiser, { capacity: 1 });
    const [seated, twice, other] = await quickUsers(server, 3);
    await rsvp(server, seated!, event.id, 'going');
    const answers = await Promise.all([
      put(twice!, event.id, 'going'),
      withdraw(seated!, event.id),
      put(twice!, event.id, 'interested'),
      put(other!, event.id, 'going'),
      put(twice!, event.id, 'going'),
    ]);
    expect(answers.map((a) => a.statusCode)).toEqual([200, 204, 200, 200, 200]);
    const log = await readChanges(server.platform.db, `user:${twice!.id}`, 0, 100);
    if ('reset' in log) throw new Error('unexpected reset');
    const mine = log.changes.filter((c) => c.entity === 'events.rsvpChanged');
    const stored = (await entries(event.id)).find((r) => r.userId === twice!.id);
    // Every status change of theirs, a promotion included, is on their scope: the last one is stored.
    expect((mine.at(-1)?.data as Rsvp | undefined)?.status).toBe(stored?.status);
    await expectCountsMatchRows(event.id);
    expect((await getEvent(event.id)).goingCount).toBe(1);
  });
});
