import type { Event } from '@muster/protocol';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildCommunity } from '../../../test/factories/events.ts';
import { injectAs, registerUser, type TestUser } from '../../../test/factories.ts';
import { useTestServer } from '../../../test/harness.ts';

const server = useTestServer();
const inject = injectAs(server);
let organiser: TestUser;
let communityId: string;
beforeAll(async () => {
  organiser = await registerUser(server, { name: 'Historian' });
  communityId = (await buildCommunity(server, organiser)).id;
});

/**
 * JavaScript reads PostgreSQL's `0050-01-01 00:00:00+00` as 1950 and `0001-…` as 2001 (its
 * two-digit-year rule); an event across the year 49/50 boundary then ended before it started.
 */
describe('event years 0001–0099', () => {
  it.each([
    ['0001-01-01T00:00:00.000Z', '0001-01-01T02:00:00.000Z'],
    ['0049-12-31T23:00:00.000Z', '0050-01-01T01:00:00.000Z'],
    ['0099-12-31T22:00:00.000Z', '0100-01-01T00:30:00.000Z'],
  ])('round-trip exactly: %s to %s', async (startsAt, endsAt) => {
    const created = await inject('POST', '/api/v1/events', organiser, {
      communityId,
      title: 'Ancient games',
      startsAt,
      endsAt,
      timezone: 'UTC',
      visibility: 'public',
    });
    expect(created.statusCode).toBe(201);
    expect(created.json<Event>()).toMatchObject({ startsAt, endsAt });
    const id = created.json<Event>().id;
    const read = (await inject('GET', `/api/v1/events/${id}`, organiser)).json<Event>();
    expect({ startsAt: read.startsAt, endsAt: read.endsAt }).toEqual({ startsAt, endsAt });
    expect(Date.parse(read.startsAt)).toBeLessThan(Date.parse(read.endsAt));

    // An update compares the new end with the stored start: a misread start would refuse it.
    const moved = await inject('PATCH', `/api/v1/events/${id}`, organiser, { title: 'Ancient games II' });
    expect(moved.statusCode).toBe(200);
    expect(moved.json<Event>()).toMatchObject({ startsAt, endsAt });
  });

  it('refuses year 0, which PostgreSQL cannot store, naming the field', async () => {
    const res = await inject('POST', '/api/v1/events', organiser, {
      communityId,
      title: 'Before time',
      startsAt: '0000-06-01T00:00:00Z',
      endsAt: '0001-06-01T00:00:00Z',
      timezone: 'UTC',
      visibility: 'public',
    });
    expect(res.statusCode).toBe(400);
    expect(res.json<{ errors: { field: string }[] }>().errors[0]?.field).toBe('body.startsAt');
  });
});
