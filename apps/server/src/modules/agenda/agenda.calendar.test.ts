import ICAL from 'ical.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { at, buildSession } from '../../../test/factories/agenda.ts';
import { buildEvent } from '../../../test/factories/events.ts';
import { registerUser, type TestUser } from '../../../test/factories.ts';
import { useTestServer } from '../../../test/harness.ts';

const server = useTestServer({ env: { PUBLIC_URL: 'https://muster.example' } });
let organiser: TestUser;
beforeAll(async () => {
  organiser = await registerUser(server, { name: 'Organiser' });
});

async function issueToken(user: TestUser) {
  const res = await server.app.inject({
    method: 'POST',
    url: '/api/v1/me/calendar-token',
    headers: user.headers,
  });
  expect(res.statusCode).toBe(200);
  return res.json<{ token: string; url: string }>();
}

/** Calendar apps fetch the URL as given; only its path and query matter to the server. */
const fetchFeed = (url: string) =>
  server.app.inject({ method: 'GET', url: url.replace('https://muster.example', '') });

describe('schedule.ics', () => {
  it("contains exactly my non-cancelled bookmarks, in their events' time zones, and parses with ical.js", async () => {
    const me = await registerUser(server);
    const other = await registerUser(server);
    const event = await buildEvent(server, organiser, { timezone: 'Europe/Lisbon', title: 'Conf' });
    const abroad = await buildEvent(server, organiser, { timezone: 'America/New_York', title: 'Meetup' });
    const keep = await buildSession(server, organiser, event.id, {
      title: 'Kept, with; commas',
      description: 'Line one\nLine two',
      tags: ['rust'],
    });
    const overseas = await buildSession(server, organiser, abroad.id, {
      startsAt: at(18),
      endsAt: at(19, 30),
    });
    const dropped = await buildSession(server, organiser, event.id, { startsAt: at(11), endsAt: at(12) });
    const notMine = await buildSession(server, organiser, event.id, { startsAt: at(13), endsAt: at(14) });
    for (const id of [keep.id, overseas.id, dropped.id])
      await server.app.inject({ method: 'PUT', url: `/api/v1/sessions/${id}/bookmark`, headers: me.headers });
    await server.app.inject({
      method: 'PUT',
      url: `/api/v1/sessions/${notMine.id}/bookmark`,
      headers: other.headers,
    });
    await server.app.inject({
      method: 'DELETE',
      url: `/api/v1/sessions/${dropped.id}`,
      headers: organiser.headers,
    });

    const { url, token } = await issueToken(me);
    expect(url).toBe(`https://muster.example/api/v1/me/schedule.ics?token=${token}`);
    const res = await fetchFeed(url);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/calendar');

    const calendar = new ICAL.Component(ICAL.parse(res.body));
    const zones = calendar.getAllSubcomponents('vtimezone');
    expect(zones.map((z) => z.getFirstPropertyValue('tzid')).sort()).toEqual([
      'America/New_York',
      'Europe/Lisbon',
    ]);
    for (const zone of zones) ICAL.TimezoneService.register(zone);
    const events = calendar.getAllSubcomponents('vevent').map((v) => new ICAL.Event(v));
    expect(events.map((e) => e.uid).sort()).toEqual([`${keep.id}@muster`, `${overseas.id}@muster`].sort());
    const byUid = new Map(events.map((e) => [e.uid, e]));
    const kept = byUid.get(`${keep.id}@muster`)!;
    expect(kept.summary).toBe('Kept, with; commas');
    expect(kept.description).toBe('Conf\n\nLine one\nLine two');
    expect(kept.location).toBe('Main hall');
    expect(kept.component.getFirstProperty('dtstart')?.getParameter('tzid')).toBe('Europe/Lisbon');
    expect(kept.startDate.hour).toBe(10); // 09:00 UTC is 10:00 in Lisbon in June
    expect(kept.startDate.toJSDate().toISOString()).toBe(keep.startsAt);
    expect(kept.endDate.toJSDate().toISOString()).toBe(keep.endsAt);
    const far = byUid.get(`${overseas.id}@muster`)!;
    expect(far.component.getFirstProperty('dtstart')?.getParameter('tzid')).toBe('America/New_York');
    expect(far.startDate.hour).toBe(14);
    expect(far.startDate.toJSDate().toISOString()).toBe(overseas.startsAt);
    expect(far.endDate.toJSDate().toISOString()).toBe(overseas.endsAt);
  });

  it('gives two sessions in the repeated autumn DST hour (02:30 CEST and 02:30 CET) different instants', async () => {
    const me = await registerUser(server);
    const event = await buildEvent(server, organiser, {
      timezone: 'Europe/Berlin',
      startsAt: '2026-10-24T08:00:00.000Z',
      endsAt: '2026-10-25T12:00:00.000Z',
    });
    // Europe/Berlin, 2026-10-25: 02:00–03:00 happens twice.
    const early = await buildSession(server, organiser, event.id, {
      startsAt: '2026-10-25T00:30:00.000Z',
      endsAt: '2026-10-25T00:50:00.000Z',
    });
    const late = await buildSession(server, organiser, event.id, {
      startsAt: '2026-10-25T01:30:00.000Z',
      endsAt: '2026-10-25T01:50:00.000Z',
    });
    for (const id of [early.id, late.id])
      await server.app.inject({ method: 'PUT', url: `/api/v1/sessions/${id}/bookmark`, headers: me.headers });
    const res = await fetchFeed((await issueToken(me)).url);
    const calendar = new ICAL.Component(ICAL.parse(res.body));
    for (const zone of calendar.getAllSubcomponents('vtimezone')) ICAL.TimezoneService.register(zone);
    const byUid = new Map(
      calendar.getAllSubcomponents('vevent').map((v) => {
        const e = new ICAL.Event(v);
        return [e.uid, e] as const;
      }),
    );
    for (const session of [early, late]) {
      const vevent = byUid.get(`${session.id}@muster`)!;
      expect(vevent.startDate.toJSDate().toISOString()).toBe(session.startsAt);
      expect(vevent.endDate.toJSDate().toISOString()).toBe(session.endsAt);
    }
  });

  it('stops serving the old URL once the token is rotated, and needs no bearer', async () => {
    const me = await registerUser(server);
    const first = await issueToken(me);
    expect((await fetchFeed(first.url)).statusCode).toBe(200);
    const second = await issueToken(me);
    expect(second.token).not.toBe(first.token);
    expect((await fetchFeed(first.url)).statusCode).toBe(404);
    expect((await fetchFeed(second.url)).statusCode).toBe(200);
    expect((await fetchFeed('/api/v1/me/schedule.ics?token=guess')).statusCode).toBe(404);
    expect((await fetchFeed('/api/v1/me/schedule.ics')).statusCode).toBe(400);
    const anonymous = await server.app.inject({ method: 'POST', url: '/api/v1/me/calendar-token' });
    expect(anonymous.statusCode).toBe(401);
  });
});
