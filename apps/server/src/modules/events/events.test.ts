import type { Event, RoleAssignment } from '@muster/protocol';
import { beforeAll, describe, expect, it } from 'vitest';
import { addMember, buildCommunity, buildEvent, call, grantRole } from '../../../test/factories/events.ts';
import { injectAs, registerUser, type TestUser } from '../../../test/factories.ts';
import { useTestServer } from '../../../test/harness.ts';

const server = useTestServer();
let organiser: TestUser;
let outsider: TestUser;
beforeAll(async () => {
  organiser = await registerUser(server, { name: 'Organiser' });
  outsider = await registerUser(server, { name: 'Outsider' });
});

const inject = injectAs(server);

type Page = { items: Event[]; nextCursor: string | null };
const list = async (query: string, user?: TestUser | null) => {
  const res = await inject('GET', `/api/v1/events?${query}`, user);
  expect(res.statusCode).toBe(200);
  return res.json<Page>();
};

describe('creating events', () => {
  it('creates a draft in the caller’s community with the creator as organiser', async () => {
    const community = await buildCommunity(server, organiser);
    const res = await inject('POST', '/api/v1/events', organiser, {
      communityId: community.id,
      title: '  Launch party ',
      startsAt: '2031-03-01T18:00:00+01:00',
      endsAt: '2031-03-01T22:00:00+01:00',
      timezone: 'europe/berlin',
      capacity: 80,
      visibility: 'public',
    });
    expect(res.statusCode).toBe(201);
    const event = res.json<Event>();
    expect(event).toMatchObject({
      title: 'Launch party',
      status: 'draft',
      timezone: 'Europe/Berlin',
      startsAt: '2031-03-01T17:00:00.000Z',
      capacity: 80,
      goingCount: 0,
      waitlistCount: 0,
    });
    const roles = await call<{ items: RoleAssignment[] }>(
      server,
      'GET',
      `/api/v1/events/${event.id}/roles`,
      organiser,
    );
    expect(roles.items).toEqual([{ userId: organiser.id, name: 'Organiser', role: 'organiser' }]);
    const created = server.published.find((c) => c.scope === `event:${event.id}`);
    expect(created).toMatchObject({ entity: 'events.eventCreated', seq: 1, data: event });
  });

  it('refuses members who are not admins, unknown communities and impossible times', async () => {
    const community = await buildCommunity(server, organiser);
    const member = await registerUser(server);
    await addMember(server, community.id, organiser, member);
    const body = {
      communityId: community.id,
      title: 'x',
      startsAt: '2031-03-01T18:00:00Z',
      endsAt: '2031-03-01T20:00:00Z',
      timezone: 'Europe/Berlin',
      visibility: 'public',
    };
    expect((await inject('POST', '/api/v1/events', member, body)).statusCode).toBe(403);
    expect((await inject('POST', '/api/v1/events', null, body)).statusCode).toBe(401);
    const unknown = await inject('POST', '/api/v1/events', organiser, {
      ...body,
      communityId: '01900000-0000-7000-8000-000000000000',
    });
    expect(unknown.statusCode).toBe(404);
    for (const [patch, field] of [
      [{ endsAt: '2031-03-01T18:00:00Z' }, 'body.endsAt'],
      [{ timezone: 'Mars/Olympus_Mons' }, 'body.timezone'],
      [{ timezone: '+01' }, 'body.timezone'],
      [{ title: '   ' }, 'body.title'],
      [{ startsAt: '2031-03-01T23:59:60Z' }, 'body.startsAt'],
    ] as const) {
      const res = await inject('POST', '/api/v1/events', organiser, { ...body, ...patch });
      expect(res.statusCode, JSON.stringify(patch)).toBe(400);
      expect(res.json().errors[0].field).toBe(field);
    }
  });
});

describe('lifecycle', () => {
  it('walks draft → published → live → ended → archived and refuses anything else with 409', async () => {
    const event = await buildEvent(server, organiser, { status: 'draft' });
    const step = (t: string) => inject('POST', `/api/v1/events/${event.id}/${t}`, organiser);
    for (const bad of ['start', 'end', 'archive']) {
      const res = await step(bad);
      expect(res.statusCode).toBe(409);
      expect(res.json().code).toBe('invalid_transition');
    }
    expect((await step('publish')).json().status).toBe('published');
    expect((await step('publish')).statusCode).toBe(409);
    expect((await step('start')).json().status).toBe('live');
    expect((await step('end')).json().status).toBe('ended');
    expect((await step('start')).json().code).toBe('invalid_transition');
    expect((await step('archive')).json().status).toBe('archived');
    const edit = await inject('PATCH', `/api/v1/events/${event.id}`, organiser, { title: 'Later' });
    expect(edit.json().code).toBe('invalid_transition');
    const statuses = server.published
      .filter((c) => c.scope === `event:${event.id}` && c.entity === 'events.statusChanged')
      .map((c) => (c.data as Event).status);
    expect(statuses).toEqual(['published', 'live', 'ended', 'archived']);
  });

  it('lets a published event end without going live; only managers move it', async () => {
    const event = await buildEvent(server, organiser);
    expect((await inject('POST', `/api/v1/events/${event.id}/end`, outsider)).statusCode).toBe(403);
    expect((await inject('POST', `/api/v1/events/${event.id}/end`, organiser)).json().status).toBe('ended');
  });

  it('takes RSVPs only while published or live', async () => {
    const attendee = await registerUser(server);
    const put = (id: string, user = attendee) =>
      inject('PUT', `/api/v1/events/${id}/rsvp`, user, { status: 'going' });
    const draft = await buildEvent(server, organiser, { status: 'draft' });
    expect((await put(draft.id)).statusCode).toBe(404);
    expect((await put(draft.id, organiser)).json().code).toBe('invalid_transition');
    const live = await buildEvent(server, organiser, { status: 'live' });
    expect((await put(live.id)).json().status).toBe('going');
    for (const status of ['ended', 'archived'] as const) {
      const closed = await buildEvent(server, organiser, { status });
      const res = await put(closed.id);
      expect(res.statusCode).toBe(409);
      expect(res.json().code).toBe('invalid_transition');
      expect((await inject('DELETE', `/api/v1/events/${closed.id}/rsvp`, attendee)).statusCode).toBe(409);
    }
    expect(
      (await inject('PUT', `/api/v1/events/${live.id}/rsvp`, null, { status: 'going' })).statusCode,
    ).toBe(401);
  });
});

describe('visibility', () => {
  it('hides drafts from everyone but managers and private events from outsiders', async () => {
    const community = await buildCommunity(server, organiser);
    const member = await registerUser(server);
    await addMember(server, community.id, organiser, member);
    const draft = await buildEvent(server, organiser, { communityId: community.id, status: 'draft' });
    const hidden = await buildEvent(server, organiser, { communityId: community.id, visibility: 'private' });
    for (const id of [draft.id, hidden.id]) {
      expect((await inject('GET', `/api/v1/events/${id}`, outsider)).statusCode).toBe(404);
      expect((await inject('GET', `/api/v1/events/${id}`, null)).statusCode).toBe(404);
      expect((await inject('GET', `/api/v1/events/${id}/calendar.ics`, null)).statusCode).toBe(404);
      expect((await inject('PATCH', `/api/v1/events/${id}`, outsider, { title: 'Mine' })).statusCode).toBe(
        404,
      );
    }
    expect((await inject('GET', `/api/v1/events/${draft.id}`, member)).statusCode).toBe(404);
    expect((await inject('GET', `/api/v1/events/${draft.id}`, organiser)).statusCode).toBe(200);
    expect((await inject('GET', `/api/v1/events/${hidden.id}`, member)).statusCode).toBe(200);
    const speaker = await registerUser(server);
    expect((await inject('GET', `/api/v1/events/${hidden.id}`, speaker)).statusCode).toBe(404);
    await grantRole(server, hidden.id, organiser, speaker, 'speaker');
    expect((await inject('GET', `/api/v1/events/${hidden.id}`, speaker)).statusCode).toBe(200);
  });

  it('lists public events to anyone, private ones to insiders, unlisted and drafts to nobody', async () => {
    const community = await buildCommunity(server, organiser);
    const member = await registerUser(server);
    await addMember(server, community.id, organiser, member);
    const make = (title: string, extra: object) =>
      buildEvent(server, organiser, { communityId: community.id, title, ...extra });
    const open = await make('Open', {});
    const priv = await make('Private', { visibility: 'private' });
    const unlisted = await make('Unlisted', { visibility: 'unlisted' });
    await make('Draft', { status: 'draft' });
    const ended = await make('Ended', { status: 'ended' });
    const titles = async (user: TestUser | null, extra = '') =>
      (await list(`communityId=${community.id}${extra}`, user)).items.map((e) => e.title).sort();
    expect(await titles(null)).toEqual(['Open']);
    expect(await titles(outsider)).toEqual(['Open']);
    expect(await titles(member)).toEqual(['Open', 'Private']);
    expect(await titles(member, '&status=ended')).toEqual(['Ended']);
    expect((await inject('GET', `/api/v1/events/${unlisted.id}`, null)).statusCode).toBe(200);
    expect([open.id, priv.id, ended.id]).toHaveLength(3);
  });
});

describe('discovery', () => {
  it('searches text literally, filters by date and pages with an opaque cursor', async () => {
    const community = await buildCommunity(server, organiser);
    const day = (d: number, h = 18) => new Date(Date.UTC(2032, 0, d, h)).toISOString();
    const specs = [
      { title: '100% Rust', venue: 'Hall A', startsAt: day(3), endsAt: day(3, 20) },
      { title: 'Rust_meetup', description: 'ownership', startsAt: day(1), endsAt: day(1, 20) },
      { title: 'Go night', venue: 'Rusty Anchor pub', startsAt: day(2), endsAt: day(2, 20) },
      { title: 'Go night', venue: 'Elsewhere', startsAt: day(2), endsAt: day(2, 20) },
      { title: 'Kotlin', startsAt: day(9), endsAt: day(9, 20) },
    ];
    for (const spec of specs) await buildEvent(server, organiser, { communityId: community.id, ...spec });
    const scoped = (q: string) => list(`communityId=${community.id}&${q}`);
    expect((await scoped('q=rust')).items.map((e) => e.title)).toEqual([
      'Rust_meetup',
      'Go night',
      '100% Rust',
    ]);
    expect((await scoped('q=100%25')).items.map((e) => e.title)).toEqual(['100% Rust']);
    expect((await scoped('q=_')).items.map((e) => e.title)).toEqual(['Rust_meetup']);
    expect((await scoped('q=OWNERSHIP')).items).toHaveLength(1);
    const window = await scoped(`from=${day(2, 0)}&to=${day(4, 0)}`);
    expect(window.items.map((e) => e.title)).toEqual(['Go night', 'Go night', '100% Rust']);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Page = await scoped(`limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((e) => e.id));
      cursor = page.nextCursor;
    } while (cursor);
    const all = (await scoped('limit=50')).items.map((e) => e.id);
    expect(seen).toEqual(all);
    expect(new Set(seen).size).toBe(5);
    const bad = await inject('GET', '/api/v1/events?cursor=not-a-cursor');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].field).toBe('query.cursor');
  });
});

describe('roles', () => {
  it('keeps at least one organiser and tells the person whose role changed', async () => {
    const event = await buildEvent(server, organiser);
    const co = await registerUser(server, { name: 'Co' });
    const put = (target: TestUser, role: string, as = organiser) =>
      inject('PUT', `/api/v1/events/${event.id}/roles/${target.id}`, as, { role });
    expect((await put(organiser, 'staff')).statusCode).toBe(409);
    expect((await put(co, 'organiser')).json()).toEqual({ userId: co.id, name: 'Co', role: 'organiser' });
    expect((await put(organiser, 'staff')).statusCode).toBe(200);
    expect((await put(co, 'staff', co)).statusCode).toBe(409);
    expect((await inject('DELETE', `/api/v1/events/${event.id}/roles/${co.id}`, co)).statusCode).toBe(409);
    expect((await put(outsider, 'staff', outsider)).statusCode).toBe(403);
    const missing = await inject(
      'PUT',
      `/api/v1/events/${event.id}/roles/01900000-0000-7000-8000-000000000000`,
      co,
      { role: 'staff' },
    );
    expect(missing.statusCode).toBe(404);
    const mine = server.published.filter(
      (c) => c.scope === `user:${co.id}` && c.entity === 'events.roleChanged',
    );
    expect(mine.map((c) => c.data)).toEqual([{ eventId: event.id, userId: co.id, role: 'organiser' }]);
    // Staff read the roster; outsiders cannot.
    expect((await inject('GET', `/api/v1/events/${event.id}/roles`, organiser)).statusCode).toBe(200);
    expect((await inject('GET', `/api/v1/events/${event.id}/roles`, outsider)).statusCode).toBe(403);
    expect((await inject('GET', `/api/v1/events/${event.id}/rsvps`, outsider)).statusCode).toBe(403);
  });

  it('does not let two organisers demote each other at the same moment', async () => {
    const event = await buildEvent(server, organiser);
    const co = await registerUser(server);
    await grantRole(server, event.id, organiser, co, 'organiser');
    const [a, b] = await Promise.all([
      inject('PUT', `/api/v1/events/${event.id}/roles/${co.id}`, organiser, { role: 'staff' }),
      inject('PUT', `/api/v1/events/${event.id}/roles/${organiser.id}`, co, { role: 'staff' }),
    ]);
    // The loser is refused either way: demoted already (403) or holding the last organiser role (409).
    expect([a.statusCode, b.statusCode].filter((s) => s === 200)).toHaveLength(1);
    const winner = a.statusCode === 200 ? organiser : co;
    const roles = await call<{ items: RoleAssignment[] }>(
      server,
      'GET',
      `/api/v1/events/${event.id}/roles`,
      winner,
    );
    expect(roles.items.filter((r) => r.role === 'organiser').map((r) => r.userId)).toEqual([winner.id]);
  });
});
