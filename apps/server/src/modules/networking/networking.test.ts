import type {
  Connection,
  ConnectionList,
  ContactCard,
  NotificationPage,
  RecommendationList,
} from '@muster/protocol';
import ICAL from 'ical.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildSession } from '../../../test/factories/agenda.ts';
import { pointsReach } from '../../../test/factories/engagement.ts';
import { buildEvent, call, rsvp } from '../../../test/factories/events.ts';
import { eventually } from '../../../test/factories/forms.ts';
import { registerUser, type TestUser } from '../../../test/factories.ts';
import { useTestServer } from '../../../test/harness.ts';
import { WRONG_CARD_LIMIT } from './networking.connections.ts';

const server = useTestServer();
let organiser: TestUser;
beforeAll(async () => {
  organiser = await registerUser(server, { name: 'Organiser' });
});

/** An event with people taking part, listed in its directory with the profiles given. */
async function meetup(
  profiles: { name: string; interests?: string[]; company?: string; listed?: boolean }[],
) {
  const event = await buildEvent(server, organiser);
  const people: TestUser[] = [];
  for (const p of profiles) {
    const user = await registerUser(server, { name: p.name });
    await call(server, 'PATCH', '/api/v1/me', user, {
      directoryVisible: p.listed ?? true,
      interests: p.interests ?? [],
      company: p.company ?? null,
      headline: `${p.name} at work`,
    });
    await rsvp(server, user, event.id, 'going');
    people.push(user);
  }
  return { event, people };
}

const connect = (as: TestUser, body: object, expected?: number[]) =>
  call<Connection>(server, 'POST', '/api/v1/connections', as, body, expected);
const mine = async (as: TestUser) =>
  (await call<ConnectionList>(server, 'GET', '/api/v1/me/connections', as)).items;

describe('connections', () => {
  it('connects two people who scan each other’s card, with a vCard and points for both', async () => {
    const { event, people } = await meetup([
      { name: 'Ana Lima', company: 'Acme; Inc' },
      { name: 'Ben Okafor' },
    ]);
    const [ana, ben] = people as [TestUser, TestUser];
    const anaCard = await call<ContactCard>(server, 'GET', '/api/v1/me/card', ana);
    expect((await call<ContactCard>(server, 'GET', '/api/v1/me/card', ana)).code).toBe(anaCard.code);
    const asked = await connect(ben, { cardCode: anaCard.code.toLowerCase(), eventId: event.id });
    expect(asked).toMatchObject({
      userId: ana.id,
      name: 'Ana Lima',
      status: 'pending',
      direction: 'outgoing',
    });
    expect(await mine(ana)).toMatchObject([{ userId: ben.id, status: 'pending', direction: 'incoming' }]);
    const told = await eventually(async () => {
      const inbox = await call<NotificationPage>(server, 'GET', '/api/v1/me/notifications', ana);
      return inbox.items.find((n) => n.category === 'social');
    });
    expect(told).toMatchObject({ title: 'Ben Okafor wants to connect', url: '/connections' });

    const benCard = await call<ContactCard>(server, 'GET', '/api/v1/me/card', ben);
    const done = await connect(ana, { cardCode: benCard.code, eventId: event.id });
    expect(done).toMatchObject({ id: asked.id, status: 'accepted' });
    expect(await mine(ben)).toMatchObject([{ userId: ana.id, status: 'accepted' }]);

    const res = await server.app.inject({
      method: 'GET',
      url: `/api/v1/connections/${asked.id}/vcard`,
      headers: ben.headers,
    });
    expect(res.headers['content-type']).toContain('text/vcard');
    const card = new ICAL.Component(ICAL.parse(res.body));
    expect(card.getFirstPropertyValue('fn')).toBe('Ana Lima');
    expect(card.getFirstPropertyValue('org')).toBe('Acme; Inc');
    expect(res.body).not.toContain('@');

    for (const person of [ana, ben]) await pointsReach(server, person, event.id, 15);
    // Removing the connection takes it from both, and the points with it.
    await call(server, 'DELETE', `/api/v1/connections/${asked.id}`, ana);
    expect(await mine(ben)).toEqual([]);
    await pointsReach(server, ben, event.id, 0);
  });

  it('asks from the directory only between people of one event, and a decline is never announced', async () => {
    const { event, people } = await meetup([{ name: 'Cai' }, { name: 'Dia' }]);
    const [cai, dia] = people as [TestUser, TestUser];
    const stranger = await registerUser(server, { name: 'Stranger' });
    await connect(cai, { userId: dia.id }, [400]);
    await connect(stranger, { userId: dia.id, eventId: event.id }, [403]);
    await connect(cai, { userId: stranger.id, eventId: event.id }, [404]);
    const asked = await connect(cai, { userId: dia.id, eventId: event.id });
    await call(server, 'POST', `/api/v1/connections/${asked.id}/accept`, cai, undefined, [409]);
    await call(server, 'POST', `/api/v1/connections/${asked.id}/decline`, dia);
    expect(await mine(dia)).toEqual([]);
    expect(await mine(cai)).toMatchObject([{ status: 'pending', direction: 'outgoing' }]);
    const before = server.published.length;
    expect((await connect(cai, { userId: dia.id, eventId: event.id })).status).toBe('pending');
    expect(server.published.slice(before).filter((c) => c.entity === 'networking.connectionChanged')).toEqual(
      [],
    );
  });

  it('answers two people asking each other at once with one accepted connection', async () => {
    const { event, people } = await meetup([{ name: 'Eve' }, { name: 'Fay' }]);
    const [eve, fay] = people as [TestUser, TestUser];
    const both = await Promise.all([
      connect(eve, { userId: fay.id, eventId: event.id }),
      connect(fay, { userId: eve.id, eventId: event.id }),
    ]);
    expect(both[0].id).toBe(both[1].id);
    expect((await mine(eve)).map((c) => c.status)).toEqual(['accepted']);
  });

  it('hides people both ways once one blocks the other', async () => {
    const { event, people } = await meetup([
      { name: 'Gus', interests: ['rust'] },
      { name: 'Hal', interests: ['rust'] },
    ]);
    const [gus, hal] = people as [TestUser, TestUser];
    const asked = await connect(gus, { userId: hal.id, eventId: event.id });
    await call(server, 'PUT', `/api/v1/me/blocks/${gus.id}`, hal);
    expect(await mine(gus)).toEqual([]);
    expect(await mine(hal)).toEqual([]);
    await connect(gus, { userId: hal.id, eventId: event.id }, [404]);
    const halCard = await call<ContactCard>(server, 'GET', '/api/v1/me/card', hal);
    await connect(gus, { cardCode: halCard.code }, [404]);
    await call(server, 'GET', `/api/v1/connections/${asked.id}/vcard`, gus, undefined, [404]);
    const recs = await call<RecommendationList>(
      server,
      'GET',
      `/api/v1/events/${event.id}/recommendations`,
      gus,
    );
    expect(recs.items).toEqual([]);
  });

  it('recommends people by shared interests and sessions, never those unlisted or already met', async () => {
    const { event, people } = await meetup([
      { name: 'Ida', interests: ['rust', 'maps'] },
      { name: 'Jo', interests: ['rust', 'maps', 'food'] },
      { name: 'Kim', interests: ['rust'] },
      { name: 'Lou', interests: ['rust', 'maps'], listed: false },
      { name: 'Max', interests: ['knitting'] },
      { name: 'Ned', interests: ['rust', 'maps'] },
    ]);
    const [ida, jo, kim, , max, ned] = people as TestUser[];
    const session = await buildSession(server, organiser, event.id);
    for (const person of [ida!, max!])
      await call(server, 'PUT', `/api/v1/sessions/${session.id}/bookmark`, person);
    await connect(ida!, { userId: ned!.id, eventId: event.id });
    const recs = await call<RecommendationList>(
      server,
      'GET',
      `/api/v1/events/${event.id}/recommendations`,
      ida!,
    );
    expect(recs.items.map((r) => [r.person.name, r.sharedInterests.sort(), r.sharedSessions])).toEqual([
      ['Jo', ['maps', 'rust'], 0],
      ['Kim', ['rust'], 0],
      ['Max', [], 1],
    ]);
    expect(recs.items.some((r) => r.person.userId === jo!.id || r.person.userId === kim!.id)).toBe(true);
  });

  it('refuses hostile input and guessed cards', async () => {
    const { event, people } = await meetup([{ name: 'Oz' }, { name: 'Pia' }]);
    const [oz, pia] = people as [TestUser, TestUser];
    const ozCard = await call<ContactCard>(server, 'GET', '/api/v1/me/card', oz);
    await connect(oz, { cardCode: ozCard.code }, [400]);
    await connect(oz, { userId: pia.id, cardCode: ozCard.code, eventId: event.id }, [400]);
    await connect(oz, {}, [400]);
    for (const cardCode of ['', 'abc', '<script>', 'x'.repeat(41)]) await connect(oz, { cardCode }, [400]);
    for (let i = 0; i < WRONG_CARD_LIMIT.points; i++) await connect(pia, { cardCode: `NOTACARD${i}` }, [404]);
    await connect(pia, { cardCode: ozCard.code }, [429]);
    await call(
      server,
      'GET',
      '/api/v1/connections/00000000-0000-7000-8000-000000000000/vcard',
      oz,
      undefined,
      [404],
    );
  });
});
