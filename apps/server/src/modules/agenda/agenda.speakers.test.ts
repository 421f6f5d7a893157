import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { at, buildSession } from '../../../test/factories/agenda.ts';
import { buildEvent } from '../../../test/factories/events.ts';
import { injectAs, registerUser, type TestUser } from '../../../test/factories.ts';
import { useTestServer } from '../../../test/harness.ts';

const server = useTestServer();
const inject = injectAs(server);
let organiser: TestUser;
let priya: TestUser;
let mateo: TestUser;
let outsider: TestUser;
beforeAll(async () => {
  organiser = await registerUser(server, { name: 'Olivia' });
  priya = await registerUser(server, { name: 'Priya' });
  mateo = await registerUser(server, { name: 'Mateo' });
  outsider = await registerUser(server, { name: 'Outsider' });
  await inject('PATCH', '/api/v1/me', priya, {
    headline: 'Systems engineer',
    company: 'Acme',
    bio: 'Likes logs.',
  });
  const photo = await sharp({ create: { width: 400, height: 400, channels: 3, background: '#336' } })
    .png()
    .toBuffer();
  const put = await server.app.inject({
    method: 'PUT',
    url: '/api/v1/me/avatar',
    headers: { ...priya.headers, 'content-type': 'image/png' },
    payload: photo,
  });
  expect(put.statusCode).toBe(200);
});

describe('speakers', () => {
  it('lists the people named on sessions still on (not cancelled ones) with their public profile, photo and sessions, never an e-mail', async () => {
    const event = await buildEvent(server, organiser);
    const late = await buildSession(server, organiser, event.id, {
      title: 'Late',
      startsAt: at(15),
      endsAt: at(16),
      speakerIds: [priya.id],
    });
    const early = await buildSession(server, organiser, event.id, {
      title: 'Early',
      startsAt: at(9),
      endsAt: at(10),
      speakerIds: [priya.id, mateo.id],
    });
    const dropped = await buildSession(server, organiser, event.id, {
      title: 'Dropped',
      speakerIds: [outsider.id],
    });
    expect((await inject('DELETE', `/api/v1/sessions/${dropped.id}`, organiser)).statusCode).toBe(200);

    // Anonymous: a public event's speakers are as readable as its agenda.
    const list = await inject('GET', `/api/v1/events/${event.id}/speakers`);
    expect(list.statusCode, list.body).toBe(200);
    const items = list.json().items;
    expect(items.map((s: { name: string }) => s.name)).toEqual(['Mateo', 'Priya']);
    expect(items[1]).toMatchObject({
      id: priya.id,
      headline: 'Systems engineer',
      company: 'Acme',
      bio: 'Likes logs.',
      sessionIds: [early.id, late.id],
    });
    expect(items[1].avatar).toMatchObject({ width: 400, height: 400 });
    expect(items[0].avatar).toBeNull();
    expect(list.body).not.toContain('@');
    expect(list.body).not.toMatch(/email|passwordHash|isAdmin/i);

    const one = await inject('GET', `/api/v1/events/${event.id}/speakers/${priya.id}`);
    expect(one.statusCode).toBe(200);
    expect(one.json().sessions.map((s: { title: string }) => s.title)).toEqual(['Early', 'Late']);
    expect(one.body).not.toContain(priya.email);
  });

  it('answers 404 for someone who speaks at nothing here and for a private event the caller cannot see', async () => {
    const event = await buildEvent(server, organiser);
    await buildSession(server, organiser, event.id, { speakerIds: [mateo.id] });
    expect((await inject('GET', `/api/v1/events/${event.id}/speakers/${organiser.id}`)).statusCode).toBe(404);
    expect((await inject('GET', `/api/v1/events/${event.id}/speakers/not-a-uuid`)).statusCode).toBe(400);

    const secret = await buildEvent(server, organiser, { visibility: 'private' });
    await buildSession(server, organiser, secret.id, { speakerIds: [mateo.id] });
    const hidden = await inject('GET', `/api/v1/events/${secret.id}/speakers`, outsider);
    const hiddenOne = await inject('GET', `/api/v1/events/${secret.id}/speakers/${mateo.id}`, outsider);
    expect([hidden.statusCode, hiddenOne.statusCode]).toEqual([404, 404]);
    expect(hidden.json().code).toBe('not_found');
    const own = await inject('GET', `/api/v1/events/${secret.id}/speakers`, organiser);
    expect(own.json().items.map((s: { id: string }) => s.id)).toEqual([mateo.id]);
  });
});
