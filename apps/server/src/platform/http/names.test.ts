import { beforeAll, describe, expect, it } from 'vitest';
import { sessionBody } from '../../../test/factories/agenda.ts';
import { buildCommunity, buildEvent } from '../../../test/factories/events.ts';
import { registerUser, type TestUser } from '../../../test/factories.ts';
import { useTestServer } from '../../../test/harness.ts';

/**
 * Names people see next to each other (a person, a community, an event, a session, a channel)
 * must not reorder what follows them or hide characters: a spoofed "admin" or "evil‮gnp.exe".
 */
const server = useTestServer();
let owner: TestUser;
let communityId: string;
let eventId: string;
beforeAll(async () => {
  owner = await registerUser(server);
  communityId = (await buildCommunity(server, owner)).id;
  eventId = (await buildEvent(server, owner, { communityId })).id;
});

const spoofs = [
  'evil\u202egnp.exe',
  '\u202aleft',
  '\u202bright',
  '\u202cpop',
  '\u202doverride',
  'iso\u2066late\u2069',
  '\u2067rtl\u2069',
  '\u2068first\u2069',
  'adm\u200bin',
  'adm\u200din',
  'adm\u200cin',
  'word\u2060joiner',
  '\ufeffbom',
];

/** Every write that sets a name: the request for `name` and the field the 400 must name. */
const writes = (name: string) =>
  [
    {
      method: 'POST',
      url: '/api/v1/auth/register',
      auth: false,
      field: 'body.name',
      payload: { email: `n-${Math.random()}@example.test`, password: 'correct horse battery staple', name },
    },
    { method: 'PATCH', url: '/api/v1/me', auth: true, field: 'body.name', payload: { name } },
    { method: 'POST', url: '/api/v1/communities', auth: true, field: 'body.name', payload: { name } },
    {
      method: 'POST',
      url: '/api/v1/events',
      auth: true,
      field: 'body.title',
      payload: {
        communityId,
        title: name,
        startsAt: '2031-06-01T07:00:00.000Z',
        endsAt: '2031-06-01T10:00:00.000Z',
        timezone: 'Europe/Berlin',
        visibility: 'public',
      },
    },
    {
      method: 'PATCH',
      url: `/api/v1/events/${eventId}`,
      auth: true,
      field: 'body.title',
      payload: { title: name },
    },
    {
      method: 'POST',
      url: `/api/v1/events/${eventId}/sessions`,
      auth: true,
      field: 'body.title',
      payload: sessionBody({ title: name }),
    },
    {
      method: 'POST',
      url: `/api/v1/events/${eventId}/channels`,
      auth: true,
      field: 'body.name',
      payload: { kind: 'topic', name },
    },
  ] as const;

async function send(write: ReturnType<typeof writes>[number]) {
  return server.app.inject({
    method: write.method,
    url: write.url,
    headers: write.auth ? owner.headers : {},
    payload: write.payload,
    remoteAddress: `10.8.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`,
  });
}

describe('names', () => {
  it('refuses bidi overrides and zero-width characters in person, community, event, session and channel names', async () => {
    for (const spoof of spoofs)
      for (const write of writes(spoof)) {
        const res = await send(write);
        expect(res.statusCode, `${write.method} ${write.url} ${JSON.stringify(spoof)} → ${res.body}`).toBe(
          400,
        );
        expect(res.json().errors[0].field).toBe(write.field);
      }
  });

  it('accepts names in every script, emoji sequences and the joiners Persian and Indic names need', async () => {
    const names = [
      'Zoë Ångström',
      'Анна',
      '李小龍',
      'محمد',
      'می\u200cخواهم',
      'क्\u200dष',
      '👩\u200d💻 Dev',
      'Ünïcödé Café',
    ];
    for (const name of names)
      for (const write of writes(name)) {
        const res = await send(write);
        expect(
          res.statusCode,
          `${write.method} ${write.url} ${JSON.stringify(name)} → ${res.body}`,
        ).toBeLessThan(300);
      }
  });
});
