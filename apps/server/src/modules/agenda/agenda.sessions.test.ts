import type { Agenda, AgendaChange, Change, Session } from '@muster/protocol';
import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { at, buildSession, sessionBody } from '../../../test/factories/agenda.ts';
import { buildEvent, grantRole } from '../../../test/factories/events.ts';
import { injectAs, registerUser, type TestUser } from '../../../test/factories.ts';
import { useTestServer } from '../../../test/harness.ts';
import { untypedChange } from '../../../test/untyped-change.ts';
import { withTx } from '../../platform/db/unit-of-work.ts';
import { events } from '../events/index.ts';

const server = useTestServer();
let organiser: TestUser;
beforeAll(async () => {
  organiser = await registerUser(server, { name: 'Organiser' });
});

const inject = injectAs(server);

async function readScope(user: TestUser, scope: string, after = 0): Promise<Change[]> {
  const res = await inject('GET', `/api/v1/sync?scopes=${scope}@${after}`, user);
  expect(res.statusCode).toBe(200);
  return res.json().scopes[scope].changes;
}

/** The scope's head now: events append their own changes (created, published) before any session. */
async function headOf(user: TestUser, scope: string): Promise<number> {
  const res = await inject('GET', `/api/v1/sync?scopes=${scope}@0&limit=1`, user);
  return res.json().scopes[scope].head;
}

describe('sessions', () => {
  it('create, update and cancel append consecutive changes to event:<id> and record history', async () => {
    const event = await buildEvent(server, organiser);
    const base = await headOf(organiser, `event:${event.id}`);
    const speaker = await registerUser(server, { name: 'Speaker' });
    const created = await buildSession(server, organiser, event.id, {
      title: '  Keynote  ',
      tags: ['ai', 'web'],
      speakerIds: [speaker.id],
      capacity: 300,
    });
    expect(created).toMatchObject({
      title: 'Keynote',
      cancelled: false,
      speakerIds: [speaker.id],
      room: 'Main hall',
    });

    const moved = await inject('PATCH', `/api/v1/sessions/${created.id}`, organiser, {
      room: 'Hall B',
      startsAt: at(8),
    });
    expect(moved.statusCode).toBe(200);
    expect(moved.json()).toMatchObject({ room: 'Hall B', startsAt: at(8), endsAt: at(10) });

    const cancelled = await inject('DELETE', `/api/v1/sessions/${created.id}`, organiser);
    expect(cancelled.statusCode).toBe(200);
    expect(cancelled.json()).toMatchObject({ id: created.id, cancelled: true });
    const again = await inject('DELETE', `/api/v1/sessions/${created.id}`, organiser);
    expect(again.json()).toEqual(cancelled.json());

    const changes = await readScope(organiser, `event:${event.id}`, base);
    expect(changes.map((c) => [c.seq, c.entity, c.op, c.id])).toEqual([
      [base + 1, 'agenda.sessionCreated', 'upsert', created.id],
      [base + 2, 'agenda.sessionUpdated', 'upsert', created.id],
      [base + 3, 'agenda.sessionCancelled', 'upsert', created.id],
    ]);
    expect(changes[1]?.data).toMatchObject({ room: 'Hall B', changed: ['startsAt', 'room'] });
    expect(changes[2]?.data).toMatchObject({ cancelled: true, room: 'Hall B' });
    const pushed = server.published.filter(
      (c) => c.scope === `event:${event.id}` && c.entity.startsWith('agenda.'),
    );
    expect(pushed.map((c) => c.seq)).toEqual([base + 1, base + 2, base + 3]);

    const history = await inject('GET', `/api/v1/sessions/${created.id}/history`, organiser);
    expect(history.statusCode).toBe(200);
    const items = history.json().items as AgendaChange[];
    expect(items.map((h) => h.kind)).toEqual(['created', 'updated', 'cancelled']);
    for (const item of items) {
      expect(item.actorId).toBe(organiser.id);
      expect(Number.isNaN(Date.parse(item.at))).toBe(false);
    }
    expect(items[0]).toMatchObject({
      before: null,
      after: { title: 'Keynote', capacity: 300, tags: ['ai', 'web'] },
    });
    expect(items[1]).toMatchObject({
      before: { startsAt: at(9), room: 'Main hall' },
      after: { startsAt: at(8), room: 'Hall B' },
    });
    expect(Object.keys(items[1]?.after ?? {}).sort()).toEqual(['room', 'startsAt']);
    expect(items[2]).toMatchObject({ before: { cancelled: false }, after: { cancelled: true } });
  });

  it('keeps cancelled sessions in the agenda as tombstones, ordered by start then room', async () => {
    const event = await buildEvent(server, organiser);
    const base = await headOf(organiser, `event:${event.id}`);
    const late = await buildSession(server, organiser, event.id, {
      startsAt: at(11),
      endsAt: at(12),
      room: 'A',
    });
    const earlyB = await buildSession(server, organiser, event.id, { room: 'B' });
    const earlyA = await buildSession(server, organiser, event.id, { room: 'A' });
    await inject('DELETE', `/api/v1/sessions/${earlyB.id}`, organiser);
    const res = await inject('GET', `/api/v1/events/${event.id}/sessions`);
    expect(res.statusCode).toBe(200);
    const agenda = res.json<Agenda>();
    expect(agenda.items.map((s) => [s.id, s.cancelled])).toEqual([
      [earlyA.id, false],
      [earlyB.id, true],
      [late.id, false],
    ]);
    expect(agenda.head).toBe(base + 4);
    expect(agenda.nextCursor).toBeNull();
  });

  it('does no-op updates without history or seq, and refuses edits of a cancelled session', async () => {
    const event = await buildEvent(server, organiser);
    const s = await buildSession(server, organiser, event.id);
    const head = await headOf(organiser, `event:${event.id}`);
    const same = await inject('PATCH', `/api/v1/sessions/${s.id}`, organiser, {
      room: s.room,
      title: s.title,
    });
    expect(same.statusCode).toBe(200);
    expect(same.json()).toEqual(s);
    expect(await headOf(organiser, `event:${event.id}`)).toBe(head);
    await inject('DELETE', `/api/v1/sessions/${s.id}`, organiser);
    const edit = await inject('PATCH', `/api/v1/sessions/${s.id}`, organiser, { room: 'C' });
    expect(edit.statusCode).toBe(409);
  });

  it('validates times and speakers, naming the field', async () => {
    const event = await buildEvent(server, organiser);
    const backwards = await inject('POST', `/api/v1/events/${event.id}/sessions`, organiser, {
      ...sessionBody(),
      endsAt: at(9),
    });
    expect(backwards.statusCode).toBe(400);
    expect(backwards.json().errors[0].field).toBe('body.endsAt');
    const ghost = await inject('POST', `/api/v1/events/${event.id}/sessions`, organiser, {
      ...sessionBody(),
      speakerIds: [organiser.id, '01890000-0000-7000-8000-000000000000'],
    });
    expect(ghost.statusCode).toBe(400);
    expect(ghost.json().errors[0].field).toBe('body.speakerIds.1');
    const s = await buildSession(server, organiser, event.id);
    const patch = await inject('PATCH', `/api/v1/sessions/${s.id}`, organiser, { startsAt: at(10, 30) });
    expect(patch.statusCode).toBe(400);
    expect(patch.json().errors[0].field).toBe('body.startsAt');
  });

  it('lets only managers write and only staff read history; hides private events with 404', async () => {
    const event = await buildEvent(server, organiser);
    const s = await buildSession(server, organiser, event.id);
    const attendee = await registerUser(server);
    const staff = await registerUser(server);
    await grantRole(server, event.id, organiser, staff, 'staff');
    expect(
      (await inject('POST', `/api/v1/events/${event.id}/sessions`, attendee, sessionBody())).statusCode,
    ).toBe(403);
    expect((await inject('PATCH', `/api/v1/sessions/${s.id}`, attendee, { room: 'X' })).statusCode).toBe(403);
    expect((await inject('DELETE', `/api/v1/sessions/${s.id}`, staff)).statusCode).toBe(403);
    expect((await inject('GET', `/api/v1/sessions/${s.id}/history`, attendee)).statusCode).toBe(403);
    expect((await inject('GET', `/api/v1/sessions/${s.id}/history`, staff)).statusCode).toBe(200);
    expect(
      (await inject('POST', `/api/v1/events/${event.id}/sessions`, undefined, sessionBody())).statusCode,
    ).toBe(401);

    const hidden = await buildEvent(server, organiser, { visibility: 'private' });
    const secret = await buildSession(server, organiser, hidden.id);
    for (const [method, url] of [
      ['GET', `/api/v1/events/${hidden.id}/sessions`],
      ['GET', `/api/v1/sessions/${secret.id}`],
      ['PATCH', `/api/v1/sessions/${secret.id}`],
      ['DELETE', `/api/v1/sessions/${secret.id}`],
      ['GET', `/api/v1/sessions/${secret.id}/history`],
      ['POST', `/api/v1/events/${hidden.id}/sessions`],
    ] as const) {
      const res = await inject(
        method,
        url,
        attendee,
        method === 'GET' || method === 'DELETE' ? undefined : sessionBody(),
      );
      expect([url, res.statusCode]).toEqual([url, 404]);
      // A session URL must not reveal that the session exists in an event one cannot see.
      if (url.startsWith('/api/v1/sessions/')) expect(res.json().detail).toBe('Session not found');
    }
    const draft = await buildEvent(server, organiser, { status: 'draft' });
    expect((await inject('GET', `/api/v1/events/${draft.id}/sessions`, attendee)).statusCode).toBe(404);
    expect((await inject('GET', `/api/v1/events/${draft.id}/sessions`, organiser)).statusCode).toBe(200);
  });

  it('pages history with limit and cursor', async () => {
    const event = await buildEvent(server, organiser);
    const s = await buildSession(server, organiser, event.id);
    for (const room of ['R1', 'R2', 'R3', 'R4'])
      await inject('PATCH', `/api/v1/sessions/${s.id}`, organiser, { room });
    const seen: AgendaChange[] = [];
    let cursor: string | null = null;
    do {
      const url: string = `/api/v1/sessions/${s.id}/history?limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const page = (await inject('GET', url, organiser)).json();
      seen.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen.map((h) => h.after?.room)).toEqual(['Main hall', 'R1', 'R2', 'R3', 'R4']);
    const bad = await inject('GET', `/api/v1/sessions/${s.id}/history?cursor=nope`, organiser);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].field).toBe('querystring.cursor');
  });
});

describe('agenda ETag', () => {
  it('answers 304 to a matching If-None-Match and a new ETag after a change', async () => {
    const event = await buildEvent(server, organiser);
    const s = await buildSession(server, organiser, event.id);
    const url = `/api/v1/events/${event.id}/sessions`;
    const first = await inject('GET', url);
    const etag = first.headers.etag as string;
    expect(etag).toMatch(/^".+"$/);
    expect(first.headers['cache-control']).toContain('private');
    const second = await server.app.inject({ method: 'GET', url, headers: { 'if-none-match': etag } });
    expect(second.statusCode).toBe(304);
    expect(second.body).toBe('');
    const weak = await server.app.inject({
      method: 'GET',
      url,
      headers: { 'if-none-match': `"x", W/${etag}` },
    });
    expect(weak.statusCode).toBe(304);

    await inject('PATCH', `/api/v1/sessions/${s.id}`, organiser, { title: 'Renamed' });
    const third = await server.app.inject({ method: 'GET', url, headers: { 'if-none-match': etag } });
    expect(third.statusCode).toBe(200);
    expect(third.headers.etag).not.toBe(etag);
    expect(third.json<Agenda>().items[0]?.title).toBe('Renamed');
    const fourth = await server.app.inject({
      method: 'GET',
      url,
      headers: { 'if-none-match': third.headers.etag },
    });
    expect(fourth.statusCode).toBe(304);
  });

  it('never answers 304 to someone who may not see the event', async () => {
    const event = await buildEvent(server, organiser, { visibility: 'private' });
    const url = `/api/v1/events/${event.id}/sessions`;
    const ok = await inject('GET', url, organiser);
    const res = await server.app.inject({
      method: 'GET',
      url,
      headers: { 'if-none-match': ok.headers.etag },
    });
    expect(res.statusCode).toBe(404);
  });

  it('stops serving a public agenda from memory once the event turns private', async () => {
    const event = await buildEvent(server, organiser);
    await buildSession(server, organiser, event.id);
    const url = `/api/v1/events/${event.id}/sessions`;
    expect((await inject('GET', url)).statusCode).toBe(200);
    // What the events module does on PATCH visibility: update the row and append to the event scope.
    await withTx(server.platform, async ({ tx, append }) => {
      await tx.update(events).set({ visibility: 'private' }).where(eq(events.id, event.id));
      // Only the scope matters to the read model; the data is not the event's.
      await append(
        untypedChange({
          scope: `event:${event.id}`,
          entity: 'events.eventUpdated',
          op: 'upsert',
          id: event.id,
          data: {},
        }),
      );
    });
    expect((await inject('GET', url)).statusCode).toBe(404);
    expect((await inject('GET', url, organiser)).statusCode).toBe(200);
  });

  it('serves the same agenda body as the single-session route', async () => {
    const event = await buildEvent(server, organiser);
    const s = await buildSession(server, organiser, event.id);
    const one = (await inject('GET', `/api/v1/sessions/${s.id}`)).json<Session>();
    const agenda = (await inject('GET', `/api/v1/events/${event.id}/sessions`)).json<Agenda>();
    expect(agenda.items).toEqual([one]);
  });
});
