import type { DirectoryEntry } from '@muster/protocol';
import { describe, expect, it } from 'vitest';
import { buildEvent, call, grantRole, quickUsers, rsvp } from '../../../test/factories/events.ts';
import { injectAs, registerUser, type TestUser } from '../../../test/factories.ts';
import { useTestServer } from '../../../test/harness.ts';
import { DIRECTORY_READ_LIMIT } from './events.directory.service.ts';

const server = useTestServer();
const inject = injectAs(server);

type DirectoryPage = { items: DirectoryEntry[]; nextCursor: string | null };

const listed = (user: TestUser, profile: object = {}) =>
  call(server, 'PATCH', '/api/v1/me', user, { directoryVisible: true, ...profile });
const directory = (eventId: string, as: TestUser, query = '') =>
  call<DirectoryPage>(server, 'GET', `/api/v1/events/${eventId}/directory${query}`, as);
const names = (page: DirectoryPage) => page.items.map((e) => e.name);

async function world() {
  const organiser = await registerUser(server);
  const event = await buildEvent(server, organiser);
  const [ann, ben, cat, dan, eve] = await quickUsers(server, 5, 'Person');
  await rsvp(server, ann!, event.id, 'going');
  await rsvp(server, ben!, event.id, 'interested');
  await rsvp(server, cat!, event.id, 'going');
  await rsvp(server, dan!, event.id, 'declined');
  return { organiser, event, ann: ann!, ben: ben!, cat: cat!, dan: dan!, eve: eve! };
}

describe('event directory', () => {
  it('lists only people taking part who opted in, in RSVP order, for others taking part', async () => {
    const { event, ann, ben, cat, dan } = await world();
    await listed(ann, { headline: 'Rust at scale', company: 'Acme' });
    await listed(ben);
    await listed(dan); // declined: not taking part
    // cat took part but did not opt in.
    const page = await directory(event.id, cat);
    expect(names(page)).toEqual(['Person 1', 'Person 2']);
    expect(page.items[0]).toEqual({
      userId: ann.id,
      name: 'Person 1',
      headline: 'Rust at scale',
      company: 'Acme',
      interests: [],
    });
    // No e-mail or account state of others.
    expect(JSON.stringify(page)).not.toContain('@');
    const me = await call<{ directoryVisible: boolean }>(server, 'GET', '/api/v1/me', ann);
    expect(me.directoryVisible).toBe(true);
  });

  it('refuses people not taking part, and hides the event from who cannot see it', async () => {
    const { organiser, event, dan, eve } = await world();
    expect((await inject('GET', `/api/v1/events/${event.id}/directory`, dan)).statusCode).toBe(403);
    expect((await inject('GET', `/api/v1/events/${event.id}/directory`, eve)).statusCode).toBe(403);
    expect((await inject('GET', `/api/v1/events/${event.id}/directory`, null)).statusCode).toBe(401);
    await grantRole(server, event.id, organiser, eve, 'speaker');
    expect((await inject('GET', `/api/v1/events/${event.id}/directory`, eve)).statusCode).toBe(200);
    const draft = await buildEvent(server, organiser, { status: 'draft' });
    expect((await inject('GET', `/api/v1/events/${draft.id}/directory`, eve)).statusCode).toBe(404);
  });

  it('never shows two people who blocked each other to one another', async () => {
    const { event, ann, ben, cat } = await world();
    for (const user of [ann, ben, cat]) await listed(user);
    await call(server, 'PUT', `/api/v1/me/blocks/${ben.id}`, ann);
    expect(names(await directory(event.id, ann))).toEqual(['Person 1', 'Person 3']);
    expect(names(await directory(event.id, ben))).toEqual(['Person 2', 'Person 3']);
    expect(names(await directory(event.id, cat))).toEqual(['Person 1', 'Person 2', 'Person 3']);
  });

  it('searches name, headline and company by every word, and pages without gaps or repeats', async () => {
    const { event, ann, ben, cat } = await world();
    await listed(ann, { company: 'Acme Rockets', interests: ['rust', 'space'] });
    await listed(ben, { headline: 'Rockets and rust', interests: ['rustacean'] });
    await listed(cat);
    expect(names(await directory(event.id, cat, '?q=rockets'))).toEqual(['Person 1', 'Person 2']);
    expect(names(await directory(event.id, cat, '?q=ROCKETS%20acme'))).toEqual(['Person 1']);
    expect(names(await directory(event.id, cat, '?interest=rust'))).toEqual(['Person 1']);
    expect(names(await directory(event.id, cat, '?interest=rust&q=person%202'))).toEqual([]);
    const first = await directory(event.id, cat, '?limit=2');
    expect(names(first)).toEqual(['Person 1', 'Person 2']);
    const second = await directory(event.id, cat, `?limit=2&cursor=${first.nextCursor}`);
    expect(names(second)).toEqual(['Person 3']);
    expect(second.nextCursor).toBeNull();
  });

  it('answers hostile input with 400s or plain matches, never a 500', async () => {
    const { event, ann, cat } = await world();
    await listed(ann);
    const url = `/api/v1/events/${event.id}/directory`;
    // Pattern characters match themselves.
    for (const q of ['%', '_', '\\', "' or 1=1 --", '%25%25', 'Person%'])
      expect(names(await directory(event.id, cat, `?q=${encodeURIComponent(q)}`)), q).toEqual([]);
    for (const query of [
      `?q=${'x'.repeat(101)}`,
      '?limit=0',
      '?interest=',
      `?interest=${'y'.repeat(41)}`,
      '?limit=101',
      '?limit=abc',
      '?cursor=not-a-cursor',
      `?cursor=${Buffer.from('["a","b"]').toString('base64url')}`,
      `?cursor=${'x'.repeat(301)}`,
    ]) {
      const res = await inject('GET', `${url}${query}`, cat);
      expect(res.statusCode, query).toBe(400);
    }
    expect((await inject('GET', '/api/v1/events/not-a-uuid/directory', cat)).statusCode).toBe(400);
    const patch = await inject('PATCH', '/api/v1/me', cat, { directoryVisible: 'yes' });
    expect(patch.statusCode).toBe(400);
  });

  it('limits how often one person reads directories', async () => {
    const { event, cat } = await world();
    const url = `/api/v1/events/${event.id}/directory`;
    const codes: number[] = [];
    for (let i = 0; i <= DIRECTORY_READ_LIMIT.points; i++)
      codes.push((await inject('GET', url, cat)).statusCode);
    expect(codes.slice(0, -1).every((code) => code === 200)).toBe(true);
    const last = await inject('GET', url, cat);
    expect(last.statusCode).toBe(429);
    expect(last.headers['retry-after']).toBeDefined();
  });
});
