import type { Event } from '@muster/protocol';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildSession, sessionBody } from '../../../test/factories/agenda.ts';
import { buildEvent } from '../../../test/factories/events.ts';
import { registerUser, type TestUser } from '../../../test/factories.ts';
import { useTestServer } from '../../../test/harness.ts';

const server = useTestServer();
let organiser: TestUser;
let event: Event;
let sessionId: string;
beforeAll(async () => {
  organiser = await registerUser(server, { name: 'Organiser' });
  event = await buildEvent(server, organiser);
  sessionId = (await buildSession(server, organiser, event.id)).id;
});

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
const send = (method: Method, url: string, payload?: unknown) =>
  server.app.inject({
    method,
    url,
    headers: organiser.headers,
    ...(payload === undefined ? {} : { payload: payload as object }),
  });

/** Asserts a 400 whose problem document names `field`. */
async function expectField(method: Method, url: string, payload: unknown, field: string) {
  const res = await send(method, url, payload);
  const what = `${method} ${url} ${String(JSON.stringify(payload)).slice(0, 80)}`;
  expect([what, res.statusCode]).toEqual([what, 400]);
  expect(res.json().code).toBe('validation_failed');
  expect(res.json().errors.map((e: { field: string }) => e.field)).toContain(field);
}

describe('hostile input', () => {
  it('names the field for oversized, unknown, mistyped and unstorable values', async () => {
    const create = `/api/v1/events/${event.id}/sessions`;
    const patch = `/api/v1/sessions/${sessionId}`;
    await expectField('POST', create, sessionBody({ title: 'x'.repeat(201) }), 'body.title');
    await expectField('POST', create, sessionBody({ description: 'x'.repeat(20_001) }), 'body.description');
    await expectField('POST', create, sessionBody({ role: 'organiser' }), 'body.role');
    await expectField('POST', create, sessionBody({ id: sessionId }), 'body.id');
    await expectField('POST', create, sessionBody({ cancelled: true }), 'body.cancelled');
    await expectField('POST', create, sessionBody({ startsAt: 'tomorrow' }), 'body.startsAt');
    await expectField('POST', create, sessionBody({ capacity: 'many' }), 'body.capacity');
    await expectField('POST', create, sessionBody({ capacity: 0 }), 'body.capacity');
    await expectField(
      'POST',
      create,
      sessionBody({ tags: Array.from({ length: 21 }, (_, i) => `t${i}`) }),
      'body.tags',
    );
    await expectField('POST', create, sessionBody({ tags: ['a', 'a'] }), 'body.tags');
    await expectField('POST', create, sessionBody({ speakerIds: ['not-a-uuid'] }), 'body.speakerIds.0');
    await expectField('POST', create, sessionBody({ title: '   ' }), 'body.title');
    await expectField('POST', create, sessionBody({ title: 'nul\u0000byte' }), 'body.title');
    await expectField('POST', create, sessionBody({ tags: ['ok', 'bad\u0000'] }), 'body.tags.1');
    await expectField('POST', create, { title: 'no times' }, 'body.startsAt');
    await expectField('PATCH', patch, {}, 'body');
    await expectField('PATCH', patch, { title: null }, 'body.title');
    await expectField('PATCH', patch, { room: 'x'.repeat(121) }, 'body.room');
    await expectField('PATCH', patch, { description: 'a\u0000b' }, 'body.description');
    await expectField('PUT', `${patch}/note`, { body: 'x'.repeat(20_001) }, 'body.body');
    await expectField('PUT', `${patch}/note`, { body: 'x', private: false }, 'body.private');
    await expectField('PUT', `${patch}/note`, { body: '\u0000' }, 'body.body');
    await expectField('PUT', `${patch}/note`, { body: 42 }, 'body.body');
  });

  it('stores or refuses extreme but well-formed times, never 500', async () => {
    const create = `/api/v1/events/${event.id}/sessions`;
    const cases: [string, string][] = [
      ['0000-01-01T00:00:00Z', '0000-01-01T01:00:00Z'],
      ['9999-12-31T22:00:00Z', '9999-12-31T23:59:59Z'],
      ['2031-06-01T09:00:00+14:00', '2031-06-01T09:00:00-12:00'],
      ['2031-12-31T23:59:60Z', '2032-01-01T01:00:00Z'],
    ];
    for (const [startsAt, endsAt] of cases) {
      const res = await send('POST', create, sessionBody({ startsAt, endsAt }));
      expect([startsAt, res.statusCode < 500]).toEqual([startsAt, true]);
      if (res.statusCode === 201) expect(Date.parse(res.json().startsAt)).toBe(Date.parse(startsAt));
      else expect(res.json().errors[0].field).toMatch(/^body\.(startsAt|endsAt)$/);
    }
  });

  it('answers 400 naming params.id for malformed ids in every path', async () => {
    for (const bad of ['nope', '1', "1'%20or%201=1", '00000000-0000-0000-0000-00000000000g']) {
      for (const [method, url] of [
        ['GET', `/api/v1/events/${bad}/sessions`],
        ['POST', `/api/v1/events/${bad}/sessions`],
        ['GET', `/api/v1/sessions/${bad}`],
        ['PATCH', `/api/v1/sessions/${bad}`],
        ['DELETE', `/api/v1/sessions/${bad}`],
        ['GET', `/api/v1/sessions/${bad}/history`],
        ['PUT', `/api/v1/sessions/${bad}/bookmark`],
        ['DELETE', `/api/v1/sessions/${bad}/bookmark`],
        ['GET', `/api/v1/sessions/${bad}/note`],
        ['PUT', `/api/v1/sessions/${bad}/note`],
      ] as const) {
        const payload =
          method === 'POST'
            ? sessionBody()
            : method === 'PATCH'
              ? { room: 'A' }
              : url.endsWith('note') && method === 'PUT'
                ? { body: 'x' }
                : undefined;
        await expectField(method, url, payload, 'params.id');
      }
    }
    const unknown = await send('GET', '/api/v1/sessions/01890000-0000-7000-8000-000000000000');
    expect(unknown.statusCode).toBe(404);
  });

  it('rejects bad query parameters naming them', async () => {
    await expectField('GET', `/api/v1/sessions/${sessionId}/history?limit=0`, undefined, 'querystring.limit');
    await expectField(
      'GET',
      `/api/v1/sessions/${sessionId}/history?limit=abc`,
      undefined,
      'querystring.limit',
    );
    await expectField(
      'GET',
      `/api/v1/sessions/${sessionId}/history?cursor=${'x'.repeat(300)}`,
      undefined,
      'querystring.cursor',
    );
    await expectField(
      'GET',
      `/api/v1/me/schedule.ics?token=${'x'.repeat(300)}`,
      undefined,
      'querystring.token',
    );
  });

  it('never answers 500 to arbitrary JSON on any agenda write (fuzz)', async () => {
    const anything = fc.oneof(
      fc.jsonValue(),
      fc.record(
        {
          title: fc.oneof(fc.string(), fc.jsonValue()),
          startsAt: fc.oneof(
            fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
            fc.string(),
          ),
          endsAt: fc.oneof(
            fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
            fc.string(),
          ),
          room: fc.oneof(fc.string(), fc.constant(null)),
          tags: fc.array(fc.string()),
          capacity: fc.oneof(fc.integer(), fc.double()),
          body: fc.string({ unit: 'binary' }),
        },
        { requiredKeys: [] },
      ),
    );
    const targets: [Method, string][] = [
      ['POST', `/api/v1/events/${event.id}/sessions`],
      ['PATCH', `/api/v1/sessions/${sessionId}`],
      ['PUT', `/api/v1/sessions/${sessionId}/note`],
    ];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...targets), anything, async ([method, url], payload) => {
        const res = await server.app.inject({
          method,
          url,
          headers: { ...organiser.headers, 'content-type': 'application/json' },
          payload: JSON.stringify(payload),
        });
        expect(res.statusCode, res.body).toBeLessThan(500);
      }),
      { numRuns: 150 },
    );
  });
});
