import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildCommunity, buildEvent } from '../../../test/factories/events.ts';
import { registerUser, type TestUser } from '../../../test/factories.ts';
import { useTestServer } from '../../../test/harness.ts';

const server = useTestServer();
let organiser: TestUser;
let communityId: string;
let eventId: string;
beforeAll(async () => {
  organiser = await registerUser(server);
  communityId = (await buildCommunity(server, organiser)).id;
  eventId = (await buildEvent(server, organiser, { communityId })).id;
});

const valid = () => ({
  communityId,
  title: 'Hostile',
  startsAt: '2031-03-01T18:00:00Z',
  endsAt: '2031-03-01T20:00:00Z',
  timezone: 'Europe/Berlin',
  visibility: 'public',
});

async function expect400(
  method: 'POST' | 'PUT' | 'PATCH' | 'GET',
  url: string,
  payload: unknown,
  field: string,
) {
  const res = await server.app.inject({
    method,
    url,
    headers: { ...organiser.headers, 'content-type': 'application/json' },
    ...(payload === undefined ? {} : { payload: JSON.stringify(payload) }),
  });
  expect(res.statusCode, `${url} ${JSON.stringify(payload)?.slice(0, 80)} → ${res.body}`).toBe(400);
  expect(res.json()).toMatchObject({ code: 'validation_failed' });
  expect(res.json().errors.map((e: { field: string }) => e.field)).toContain(field);
}

describe('hostile input', () => {
  it('refuses unknown fields instead of letting a client set status, counts or owners', async () => {
    await expect400('POST', '/api/v1/events', { ...valid(), status: 'published' }, 'body.status');
    await expect400('POST', '/api/v1/events', { ...valid(), goingCount: 5 }, 'body.goingCount');
    await expect400('PATCH', `/api/v1/events/${eventId}`, { communityId }, 'body.communityId');
    await expect400('PATCH', `/api/v1/events/${eventId}`, { waitlistCount: 0 }, 'body.waitlistCount');
    await expect400(
      'PUT',
      `/api/v1/events/${eventId}/rsvp`,
      { status: 'going', waitlistPosition: 1 },
      'body.waitlistPosition',
    );
    await expect400('POST', '/api/v1/communities', { name: 'x', ownerId: organiser.id }, 'body.ownerId');
    await expect400(
      'POST',
      `/api/v1/communities/${communityId}/members`,
      { userId: organiser.id, isAdmin: true },
      'body.isAdmin',
    );
  });

  it('refuses wrong types and values, naming the field', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ title: { $ne: null } }, 'body.title'],
      [{ capacity: 'lots' }, 'body.capacity'],
      [{ capacity: 0 }, 'body.capacity'],
      [{ capacity: 2.5 }, 'body.capacity'],
      [{ capacity: 10_000_000_000 }, 'body.capacity'],
      [{ visibility: 'secret' }, 'body.visibility'],
      [{ startsAt: 'tomorrow' }, 'body.startsAt'],
      [{ endsAt: ['2031-03-01T20:00:00Z'] }, 'body.endsAt'],
      [{ timezone: 'Europe/Berlin; DROP TABLE events' }, 'body.timezone'],
      [{ communityId: 'not-a-uuid' }, 'body.communityId'],
      [{ onlineUrl: 'javascript alert(1)' }, 'body.onlineUrl'],
    ];
    for (const [patch, field] of cases)
      await expect400('POST', '/api/v1/events', { ...valid(), ...patch }, field);
    await expect400('PUT', `/api/v1/events/${eventId}/rsvp`, { status: 'waitlisted' }, 'body.status');
    await expect400('PUT', `/api/v1/events/${eventId}/rsvp`, { status: 'maybe' }, 'body.status');
    await expect400('PUT', `/api/v1/events/${eventId}/rsvp`, {}, 'body.status');
    await expect400('PATCH', `/api/v1/events/${eventId}`, {}, 'body');
    await expect400('PUT', `/api/v1/events/${eventId}/roles/${organiser.id}`, { role: 'god' }, 'body.role');
    await expect400(
      'POST',
      `/api/v1/communities/${communityId}/members`,
      { userId: organiser.id, role: 'root' },
      'body.role',
    );
    await expect400('GET', '/api/v1/events/not-an-id', undefined, 'params.id');
    await expect400('GET', '/api/v1/events?limit=0', undefined, 'querystring.limit');
    await expect400('GET', '/api/v1/events?status=draft', undefined, 'querystring.status');
    await expect400('GET', '/api/v1/events?from=yesterday', undefined, 'querystring.from');
    await expect400('GET', `/api/v1/events/${eventId}/rsvps?status=vip`, undefined, 'querystring.status');
  });

  it('refuses oversized strings', async () => {
    await expect400('POST', '/api/v1/events', { ...valid(), title: 'x'.repeat(201) }, 'body.title');
    await expect400(
      'POST',
      '/api/v1/events',
      { ...valid(), description: 'x'.repeat(20_001) },
      'body.description',
    );
    await expect400('POST', '/api/v1/events', { ...valid(), venue: 'x'.repeat(301) }, 'body.venue');
    await expect400(
      'POST',
      '/api/v1/events',
      { ...valid(), timezone: `A/${'b'.repeat(80)}` },
      'body.timezone',
    );
    await expect400('POST', '/api/v1/communities', { name: 'x'.repeat(121) }, 'body.name');
    await expect400('GET', `/api/v1/events?q=${'x'.repeat(201)}`, undefined, 'querystring.q');
    await expect400('GET', `/api/v1/events?cursor=${'x'.repeat(201)}`, undefined, 'querystring.cursor');
  });

  it('never answers 500, whatever the body', async () => {
    const field = fc.oneof(fc.jsonValue(), fc.string(), fc.constant(undefined));
    const body = fc.oneof(
      fc.jsonValue(),
      fc.record(
        {
          communityId: fc.oneof(fc.constant(communityId), fc.uuid(), field),
          title: field,
          startsAt: fc.oneof(
            fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
            field,
          ),
          endsAt: fc.oneof(
            fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
            field,
          ),
          timezone: fc.oneof(
            fc.constantFrom('Europe/Berlin', 'UTC', 'Etc/GMT+14', 'America/St_Johns'),
            field,
          ),
          capacity: field,
          visibility: fc.oneof(fc.constantFrom('public', 'private'), field),
          status: field,
        },
        { requiredKeys: [] },
      ),
    );
    const target = fc.constantFrom(
      ['POST', '/api/v1/events'],
      ['PATCH', `/api/v1/events/${eventId}`],
      ['PUT', `/api/v1/events/${eventId}/rsvp`],
      ['POST', '/api/v1/communities'],
      ['POST', `/api/v1/communities/${communityId}/members`],
    );
    await fc.assert(
      fc.asyncProperty(target, body, async ([method, url], payload) => {
        const res = await server.app.inject({
          method: method as 'POST',
          url: url!,
          headers: { ...organiser.headers, 'content-type': 'application/json' },
          payload: JSON.stringify(payload) ?? 'null',
        });
        expect(res.statusCode, res.body).toBeLessThan(500);
      }),
      { numRuns: 150 },
    );
  }, 60_000);
});
