import ICAL from 'ical.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildEvent } from '../../../test/factories/events.ts';
import { registerUser, type TestUser } from '../../../test/factories.ts';
import { useTestServer } from '../../../test/harness.ts';

const server = useTestServer({ env: { PUBLIC_URL: 'https://muster.example' } });
let organiser: TestUser;
beforeAll(async () => {
  organiser = await registerUser(server);
});

function parse(ics: string) {
  const calendar = new ICAL.Component(ICAL.parse(ics));
  for (const zone of calendar.getAllSubcomponents('vtimezone')) ICAL.TimezoneService.register(zone);
  return { calendar, event: new ICAL.Event(calendar.getFirstSubcomponent('vevent')!) };
}

describe('calendar export', () => {
  it('keeps the event’s own time zone and the exact instant', async () => {
    const event = await buildEvent(server, organiser, {
      title: 'Sommerfest, Berlin',
      description: 'Bring friends;\nand snacks',
      venue: 'Tempelhofer Feld',
      startsAt: '2031-07-10T17:00:00.000Z',
      endsAt: '2031-07-10T21:30:00.000Z',
      timezone: 'Europe/Berlin',
    });
    const res = await server.app.inject({ method: 'GET', url: `/api/v1/events/${event.id}/calendar.ics` });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/calendar/);
    expect(res.body).toContain('DTSTART;TZID=Europe/Berlin:20310710T190000');
    const { calendar, event: vevent } = parse(res.body);
    expect(calendar.getFirstSubcomponent('vtimezone')?.getFirstPropertyValue('tzid')).toBe('Europe/Berlin');
    expect(vevent.startDate.zone.tzid).toBe('Europe/Berlin');
    expect([vevent.startDate.hour, vevent.startDate.minute]).toEqual([19, 0]);
    expect(vevent.startDate.toJSDate().toISOString()).toBe(event.startsAt);
    expect(vevent.endDate.toJSDate().toISOString()).toBe(event.endsAt);
    expect(vevent.summary).toBe('Sommerfest, Berlin');
    expect(vevent.description).toBe('Bring friends;\nand snacks');
    expect(vevent.location).toBe('Tempelhofer Feld');
    expect(vevent.uid).toBe(event.id);
    expect(vevent.component.getFirstPropertyValue('url')).toBe(`https://muster.example/events/${event.id}`);
  });

  it('handles half-hour offsets and zone links (DTSTART names the VTIMEZONE it ships)', async () => {
    for (const timezone of ['Asia/Kolkata', 'asia/calcutta']) {
      const event = await buildEvent(server, organiser, {
        startsAt: '2031-01-15T04:00:00.000Z',
        endsAt: '2031-01-15T06:00:00.000Z',
        timezone,
      });
      expect(event.timezone.toLowerCase()).toBe(timezone.toLowerCase());
      const url = `/api/v1/events/${event.id}/calendar.ics`;
      const res = await server.app.inject({ method: 'GET', url, headers: organiser.headers });
      const { calendar, event: vevent } = parse(res.body);
      const tzid = calendar.getFirstSubcomponent('vtimezone')?.getFirstPropertyValue('tzid');
      expect(vevent.startDate.zone.tzid).toBe(tzid);
      expect([vevent.startDate.hour, vevent.startDate.minute]).toEqual([9, 30]);
      expect(vevent.startDate.toJSDate().toISOString()).toBe(event.startsAt);
    }
  });

  it('gives the first and the second 02:30 of the repeated autumn DST hour different instants', async () => {
    // Europe/Berlin, 2026-10-25: 02:00–03:00 happens twice (CEST, then CET).
    const first = await buildEvent(server, organiser, {
      startsAt: '2026-10-25T00:30:00.000Z', // 02:30 CEST
      endsAt: '2026-10-25T03:00:00.000Z',
      timezone: 'Europe/Berlin',
    });
    const second = await buildEvent(server, organiser, {
      startsAt: '2026-10-25T01:30:00.000Z', // 02:30 CET
      endsAt: '2026-10-25T03:00:00.000Z',
      timezone: 'Europe/Berlin',
    });
    for (const event of [first, second]) {
      const res = await server.app.inject({ method: 'GET', url: `/api/v1/events/${event.id}/calendar.ics` });
      const { event: vevent } = parse(res.body);
      expect(vevent.startDate.toJSDate().toISOString()).toBe(event.startsAt);
      expect(vevent.endDate.toJSDate().toISOString()).toBe(event.endsAt);
    }
  });

  it('writes UTC times for UTC events', async () => {
    const event = await buildEvent(server, organiser, { timezone: 'utc' });
    expect(event.timezone).toBe('UTC');
    const res = await server.app.inject({ method: 'GET', url: `/api/v1/events/${event.id}/calendar.ics` });
    const { event: vevent } = parse(res.body);
    expect(res.body).toContain('DTSTART:20310601T070000Z');
    expect(vevent.startDate.toJSDate().toISOString()).toBe(event.startsAt);
  });
});
