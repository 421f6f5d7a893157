import type { Agenda, Schedule, Session } from '@muster/protocol';
import { uuidv7 } from 'uuidv7';
import { beforeAll, describe, expect, it } from 'vitest';
import { at, buildSession } from '../../../test/factories/agenda.ts';
import { buildEvent } from '../../../test/factories/events.ts';
import { injectAs, registerUser, type TestUser } from '../../../test/factories.ts';
import { useTestServer } from '../../../test/harness.ts';
import { sessions } from './agenda.tables.ts';

/** What one user can make the server do with their own data stays bounded (issue 11, item 4). */
const server = useTestServer();
const inject = injectAs(server);
let organiser: TestUser;
beforeAll(async () => {
  organiser = await registerUser(server, { name: 'Organiser' });
});

/** `count` sessions of one event that all overlap (each starts a minute after the previous one). */
async function overlappingSessions(eventId: string, count: number): Promise<string[]> {
  const now = new Date();
  const rows = Array.from({ length: count }, (_, i) => ({
    id: uuidv7(),
    eventId,
    title: `Parallel ${i}`,
    startsAt: new Date(Date.parse(at(9)) + i * 60_000),
    endsAt: new Date(Date.parse(at(9)) + (count + i) * 60_000),
    createdAt: now,
    updatedAt: now,
  }));
  await server.platform.db.insert(sessions).values(rows);
  return rows.map((r) => r.id);
}

describe('bookmark and schedule limits', () => {
  it('refuses bookmarks past 200 per event with 409 limit_reached: 1,000 overlapping sessions cannot all be bookmarked', async () => {
    const attendee = await registerUser(server);
    const event = await buildEvent(server, organiser);
    const ids = await overlappingSessions(event.id, 1000);
    const statuses: number[] = [];
    let refusal: { code?: string; detail?: string } | undefined;
    for (const id of ids) {
      const res = await inject('PUT', `/api/v1/sessions/${id}/bookmark`, attendee);
      statuses.push(res.statusCode);
      if (res.statusCode !== 200) refusal ??= res.json();
    }
    expect(statuses.filter((s) => s === 200)).toHaveLength(200);
    expect(statuses.slice(200).every((s) => s === 409)).toBe(true);
    expect(refusal?.code).toBe('limit_reached');
    expect(refusal?.detail).toMatch(/200/);
    const schedule = (await inject('GET', '/api/v1/me/schedule', attendee)).json<Schedule>();
    expect(schedule.items).toHaveLength(200);
    // A bookmark removed makes room again.
    expect((await inject('DELETE', `/api/v1/sessions/${ids[0]}/bookmark`, attendee)).statusCode).toBe(200);
    expect((await inject('PUT', `/api/v1/sessions/${ids[999]}/bookmark`, attendee)).statusCode).toBe(200);
  }, 300_000);

  it('answers conflicts as overlap groups: the schedule grows linearly, not with every pair', async () => {
    const attendee = await registerUser(server);
    const event = await buildEvent(server, organiser);
    const ids = await overlappingSessions(event.id, 150);
    for (const id of ids) await inject('PUT', `/api/v1/sessions/${id}/bookmark`, attendee);
    const lone = await buildSession(server, organiser, event.id, { startsAt: at(20), endsAt: at(21) });
    await inject('PUT', `/api/v1/sessions/${lone.id}/bookmark`, attendee);

    const res = await inject('GET', '/api/v1/me/schedule', attendee);
    const schedule = res.json<Schedule>();
    expect(schedule.items).toHaveLength(151);
    expect(schedule.conflictGroups).toEqual([
      { sessionIds: ids, startsAt: at(9), endsAt: new Date(Date.parse(at(9)) + 299 * 60_000).toISOString() },
    ]);
    const byId = new Map(schedule.items.map((i) => [i.session.id, i]));
    expect(byId.get(ids[0]!)).toMatchObject({ conflictGroup: 0, overlaps: 149 });
    expect(byId.get(lone.id)).toMatchObject({ conflictGroup: null, overlaps: 0 });
    // Every pair listed (11,175 of them) would take several times this: about one session's size each.
    expect(res.body.length).toBeLessThan(schedule.items.length * 1000);
  }, 120_000);
});

describe('agenda paging', () => {
  it('honours limit and cursor, in agenda order, and the pages add up to the whole agenda', async () => {
    const event = await buildEvent(server, organiser);
    const made: Session[] = [];
    for (const hour of [13, 9, 11, 10, 12])
      made.push(
        await buildSession(server, organiser, event.id, { startsAt: at(hour), endsAt: at(hour, 30) }),
      );
    const expected = made.sort((a, b) => a.startsAt.localeCompare(b.startsAt)).map((s) => s.id);

    const pages: Agenda[] = [];
    let cursor: string | null = null;
    do {
      const query: string = `limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const res = await inject('GET', `/api/v1/events/${event.id}/sessions?${query}`, organiser);
      expect(res.statusCode).toBe(200);
      pages.push(res.json<Agenda>());
      cursor = pages.at(-1)!.nextCursor;
    } while (cursor && pages.length < 10);
    expect(pages.map((p) => p.items.length)).toEqual([2, 2, 1]);
    expect(pages.flatMap((p) => p.items.map((s) => s.id))).toEqual(expected);
    expect(new Set(pages.map((p) => p.head)).size).toBe(1);

    const whole = (await inject('GET', `/api/v1/events/${event.id}/sessions`, organiser)).json<Agenda>();
    expect(whole.items.map((s) => s.id)).toEqual(expected);
    expect(whole.nextCursor).toBeNull();

    const bad = await inject('GET', `/api/v1/events/${event.id}/sessions?cursor=${uuidv7()}`, organiser);
    expect(bad.statusCode).toBe(400);
    const tooMany = await inject('GET', `/api/v1/events/${event.id}/sessions?limit=100000`, organiser);
    expect(tooMany.statusCode).toBe(400);
  });
});
