import type { Change, Schedule, ScheduleItem } from '@muster/protocol';
import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { at, buildSession } from '../../../test/factories/agenda.ts';
import { addMember, buildEvent } from '../../../test/factories/events.ts';
import { injectAs, registerUser, type TestUser } from '../../../test/factories.ts';
import { useTestServer } from '../../../test/harness.ts';
import { communityMembers } from '../communities/index.ts';

const server = useTestServer();
let organiser: TestUser;
beforeAll(async () => {
  organiser = await registerUser(server, { name: 'Organiser' });
});

const inject = injectAs(server);

const bookmark = async (user: TestUser, sessionId: string) => {
  const res = await inject('PUT', `/api/v1/sessions/${sessionId}/bookmark`, user);
  expect(res.statusCode).toBe(200);
  return res.json<ScheduleItem>();
};

async function userChanges(user: TestUser): Promise<Change[]> {
  const res = await inject('GET', `/api/v1/sync?scopes=user:${user.id}@0`, user);
  return res.json().scopes[`user:${user.id}`].changes;
}

describe('bookmarks and schedule', () => {
  it('detects overlaps across events, not back-to-back sessions, and drops cancelled ones', async () => {
    const attendee = await registerUser(server);
    const e1 = await buildEvent(server, organiser);
    const e2 = await buildEvent(server, organiser, { timezone: 'America/New_York' });
    const nine = await buildSession(server, organiser, e1.id, { startsAt: at(9), endsAt: at(10) });
    const ten = await buildSession(server, organiser, e1.id, { startsAt: at(10), endsAt: at(11) });
    const nineThirty = await buildSession(server, organiser, e2.id, {
      startsAt: at(9, 30),
      endsAt: at(10, 30),
    });
    const noon = await buildSession(server, organiser, e2.id, { startsAt: at(12), endsAt: at(13) });

    expect((await bookmark(attendee, nine.id)).conflictsWith).toEqual([]);
    expect((await bookmark(attendee, ten.id)).conflictsWith).toEqual([]); // back-to-back
    const warned = await bookmark(attendee, nineThirty.id);
    expect(warned.session.id).toBe(nineThirty.id);
    expect(warned.conflictsWith).toEqual([nine.id, ten.id]);
    await bookmark(attendee, noon.id);
    await bookmark(attendee, noon.id); // idempotent

    let schedule = (await inject('GET', '/api/v1/me/schedule', attendee)).json<Schedule>();
    expect(schedule.items.map((i) => i.session.id)).toEqual([nine.id, nineThirty.id, ten.id, noon.id]);
    // 9:00–10:00 and 10:00–11:00 do not overlap each other, but both overlap 9:30–10:30: one group.
    expect(schedule.conflictGroups).toEqual([
      { sessionIds: [nine.id, nineThirty.id, ten.id], startsAt: at(9), endsAt: at(11) },
    ]);
    expect(schedule.items.find((i) => i.session.id === nineThirty.id)).toMatchObject({
      conflictGroup: 0,
      overlaps: 2,
    });
    expect(schedule.items.find((i) => i.session.id === nine.id)).toMatchObject({
      conflictGroup: 0,
      overlaps: 1,
    });
    expect(schedule.items.find((i) => i.session.id === noon.id)).toMatchObject({
      conflictGroup: null,
      overlaps: 0,
    });

    await server.app.inject({
      method: 'DELETE',
      url: `/api/v1/sessions/${nineThirty.id}`,
      headers: organiser.headers,
    });
    schedule = (await inject('GET', '/api/v1/me/schedule', attendee)).json<Schedule>();
    expect(schedule.items.map((i) => i.session.id)).toEqual([nine.id, ten.id, noon.id]);
    expect(schedule.conflictGroups).toEqual([]);
    expect((await inject('PUT', `/api/v1/sessions/${nineThirty.id}/bookmark`, attendee)).statusCode).toBe(
      409,
    );
    expect((await bookmark(attendee, nine.id)).conflictsWith).toEqual([]);

    expect((await inject('DELETE', `/api/v1/sessions/${ten.id}/bookmark`, attendee)).statusCode).toBe(200);
    expect((await inject('DELETE', `/api/v1/sessions/${ten.id}/bookmark`, attendee)).statusCode).toBe(200);
    // The cancellation also reaches this scope as a "what changed for you" record, from a job
    // whose timing is its own; the bookmark records keep their order around it.
    const changes = (await userChanges(attendee)).filter((c) => c.entity.startsWith('agenda.bookmark'));
    expect(changes.map((c) => [c.entity, c.op, c.id])).toEqual([
      ['agenda.bookmarkAdded', 'upsert', nine.id],
      ['agenda.bookmarkAdded', 'upsert', ten.id],
      ['agenda.bookmarkAdded', 'upsert', nineThirty.id],
      ['agenda.bookmarkAdded', 'upsert', noon.id],
      ['agenda.bookmarkRemoved', 'delete', ten.id],
    ]);
    expect(changes.map((c) => c.seq)).toEqual([...changes.map((c) => c.seq)].sort((a, b) => a - b));
    expect(changes[0]?.data).toMatchObject({ sessionId: nine.id, eventId: e1.id });
    expect(changes[4]?.data).toBeNull();
  });

  it('hides sessions of events the user can no longer see', async () => {
    const member = await registerUser(server);
    const event = await buildEvent(server, organiser, { visibility: 'private' });
    await addMember(server, event.communityId, organiser, member);
    const s = await buildSession(server, organiser, event.id);
    await bookmark(member, s.id);
    expect((await inject('GET', '/api/v1/me/schedule', member)).json<Schedule>().items).toHaveLength(1);
    await server.platform.db.delete(communityMembers).where(eq(communityMembers.userId, member.id));
    expect((await inject('GET', '/api/v1/me/schedule', member)).json<Schedule>().items).toHaveLength(0);
    expect((await inject('PUT', `/api/v1/sessions/${s.id}/bookmark`, member)).statusCode).toBe(404);
    // Removing what one bookmarked still works and reveals nothing.
    expect((await inject('DELETE', `/api/v1/sessions/${s.id}/bookmark`, member)).statusCode).toBe(200);
  });

  it('needs a signed-in viewer of the event', async () => {
    const stranger = await registerUser(server);
    const hidden = await buildEvent(server, organiser, { visibility: 'private' });
    const s = await buildSession(server, organiser, hidden.id);
    expect((await inject('PUT', `/api/v1/sessions/${s.id}/bookmark`)).statusCode).toBe(401);
    expect((await inject('GET', '/api/v1/me/schedule')).statusCode).toBe(401);
    expect((await inject('PUT', `/api/v1/sessions/${s.id}/bookmark`, stranger)).statusCode).toBe(404);
    expect((await inject('DELETE', `/api/v1/sessions/${s.id}/bookmark`, stranger)).statusCode).toBe(404);
  });
});

describe('notes', () => {
  it('are private to their author through every route and through sync', async () => {
    const event = await buildEvent(server, organiser);
    const s = await buildSession(server, organiser, event.id);
    const ann = await registerUser(server);
    const bob = await registerUser(server);

    const empty = await inject('GET', `/api/v1/sessions/${s.id}/note`, ann);
    expect(empty.json()).toEqual({ sessionId: s.id, body: '', updatedAt: null });
    const saved = await inject('PUT', `/api/v1/sessions/${s.id}/note`, ann, { body: 'ask about latency' });
    expect(saved.statusCode).toBe(200);
    expect(saved.json()).toMatchObject({ sessionId: s.id, body: 'ask about latency' });
    expect(Date.parse(saved.json().updatedAt)).not.toBeNaN();
    const second = await inject('PUT', `/api/v1/sessions/${s.id}/note`, ann, { body: 'and cost' });
    expect((await inject('GET', `/api/v1/sessions/${s.id}/note`, ann)).json()).toEqual(second.json());

    expect((await inject('GET', `/api/v1/sessions/${s.id}/note`, bob)).json().body).toBe('');
    expect((await inject('GET', `/api/v1/sessions/${s.id}/note`)).statusCode).toBe(401);
    const spy = await inject('GET', `/api/v1/sync?scopes=user:${ann.id}@0,event:${event.id}@0`, bob);
    expect(spy.json().scopes[`user:${ann.id}`]).toEqual({ refused: true, code: 'forbidden' });
    expect(JSON.stringify(spy.json())).not.toContain('latency');
    expect(JSON.stringify(spy.json())).not.toContain('and cost');
    expect(JSON.stringify(server.published.filter((c) => !c.scope.startsWith('user:')))).not.toContain(
      'latency',
    );

    const mine = await userChanges(ann);
    expect(mine.map((c) => [c.entity, c.id])).toEqual([
      ['agenda.noteSaved', s.id],
      ['agenda.noteSaved', s.id],
    ]);
    expect(mine[1]?.data).toEqual(second.json());
  });
});
