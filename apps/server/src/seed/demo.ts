import { randomBytes, randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { App } from '../platform/http/server.ts';
import { seedGame } from './demo.game.ts';
import {
  announcements,
  attendeeBookmarks,
  leadForm,
  people,
  program,
  TIME_ZONE,
  track,
} from './demo.program.ts';

export interface DemoLogin {
  email: string;
  password: string;
  role: string;
  /** The first account of a fresh instance administers it (dev mailbox, queues). */
  isAdmin: boolean;
}

/** The UTC instant of `hour`:00 local time in `timeZone` on the day `daysAhead` from now. */
export function localTime(timeZone: string, daysAhead: number, hour: number, minute = 0): Date {
  const day = new Date(Date.now() + daysAhead * 86_400_000);
  const [y, m, d] = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  })
    .format(day)
    .split('-')
    .map(Number) as [number, number, number];
  const guess = Date.UTC(y, m - 1, d, hour, minute);
  const offsetName = new Intl.DateTimeFormat('en', { timeZone, timeZoneName: 'longOffset' })
    .formatToParts(new Date(guess))
    .find((p) => p.type === 'timeZoneName')?.value;
  const match = /GMT([+-])(\d{2}):(\d{2})/.exec(offsetName ?? '');
  const offsetMinutes = match ? (match[1] === '-' ? -1 : 1) * (Number(match[2]) * 60 + Number(match[3])) : 0;
  return new Date(guess - offsetMinutes * 60_000);
}

const demoEmail = (key: string) => `${key}@demo.muster.dev`;

/** The demo was seeded into this database before. */
export class DemoExistsError extends Error {
  constructor() {
    super('The demo already exists');
  }
}

/** What to do when the demo exists: sign in with the printed logins, or set a new password. */
export function printDemoExists(publicUrl: string) {
  const emails = people.map((p) => `    ${p.role.padEnd(10)} ${demoEmail(p.key)}`).join('\n');
  process.stdout.write(
    `\n  The demo is already seeded in this database. Sign in at ${publicUrl} with:\n\n${emails}\n\n` +
      '  and the password printed when it was first seeded. Lost it? Set a new one:\n\n' +
      `    npm run muster -- admin set-password ${demoEmail(people[0]!.key)}\n\n`,
  );
}

export type Call = <T>(method: string, url: string, token: string | null, payload?: object) => Promise<T>;
type Upload = (url: string, token: string, bytes: Buffer) => Promise<void>;
export interface Account {
  id: string;
  token: string;
  email: string;
  isAdmin: boolean;
}

/** A photo or the cover, shipped beside this file (drawn by scripts/demo-photos.ts). */
const photo = (name: string) => readFile(new URL(`./photos/${name}.webp`, import.meta.url));

/** `app.inject` that fails loudly: the demo obeys every rule a real client would, or stops. */
function caller(app: App): { call: Call; upload: Upload } {
  const fail = (method: string, url: string, res: { statusCode: number; body: string }) =>
    new Error(`Demo seed failed at ${method} ${url}: ${res.statusCode} ${res.body}`);
  const call: Call = async <T>(method: string, url: string, token: string | null, payload?: object) => {
    const res = await app.inject({
      method: method as 'POST',
      url,
      headers: token ? { authorization: `Bearer ${token}` } : {},
      ...(payload ? { payload } : {}),
    });
    if (res.statusCode >= 300) throw fail(method, url, res);
    return res.json<T>();
  };
  const upload: Upload = async (url, token, bytes) => {
    const res = await app.inject({
      method: 'PUT',
      url,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'image/webp' },
      payload: bytes,
    });
    if (res.statusCode >= 300) throw fail('PUT', url, res);
  };
  return { call, upload };
}

/**
 * Seeds a demo community and a two-day event through the public API itself, so the demo obeys
 * every rule a real organiser would: people with photos, a cover, a program in the event's time
 * zone, announcements and a lead form. Returns the logins to print.
 */
export async function seedDemo(app: App): Promise<DemoLogin[]> {
  const password = `demo-${randomBytes(6).toString('base64url')}`;
  const { call, upload } = caller(app);
  const accounts = await registerPeople(app, call, upload, password);
  const organiser = accounts.organiser!.token;
  const community = await call<{ id: string }>('POST', '/api/v1/communities', organiser, {
    name: 'Muster Demo Community',
    description: 'A community of people who run events in real time.',
  });
  // People join by accepting an invitation: one link invitation, accepted by each demo person.
  const invitation = await call<{ url: string }>(
    'POST',
    `/api/v1/communities/${community.id}/invitations`,
    organiser,
    { role: 'member' },
  );
  const inviteToken = encodeURIComponent(new URL(invitation.url).searchParams.get('token')!);
  for (const person of people.filter((p) => p.key !== 'organiser'))
    await call('POST', `/api/v1/invitations/${inviteToken}/accept`, accounts[person.key]!.token);
  const event = await call<{ id: string }>('POST', '/api/v1/events', organiser, {
    communityId: community.id,
    title: 'MusterConf',
    description: 'Two days about events, communities and real-time software.',
    startsAt: localTime(TIME_ZONE, 1, 9).toISOString(),
    endsAt: localTime(TIME_ZONE, 2, 18).toISOString(),
    timezone: TIME_ZONE,
    venue: 'Congress Center, Berlin',
    capacity: 300,
    visibility: 'public',
  });
  await upload(`/api/v1/events/${event.id}/cover`, organiser, await photo('cover'));
  for (const person of people.filter((p) => p.key !== 'organiser' && p.role !== 'attendee')) {
    await call('PUT', `/api/v1/events/${event.id}/roles/${accounts[person.key]!.id}`, organiser, {
      role: person.role,
    });
  }
  const sessionIds = await seedProgram(call, organiser, event.id, accounts);
  await call('POST', `/api/v1/events/${event.id}/publish`, organiser);
  await seedAnnouncements(call, organiser, event.id);
  await call('POST', '/api/v1/forms', organiser, {
    ownerType: 'event',
    ownerId: event.id,
    purpose: 'lead',
    ...leadForm,
  });
  const attendee = accounts.attendee!.token;
  await call('PUT', `/api/v1/events/${event.id}/rsvp`, attendee, { status: 'going' });
  for (const title of attendeeBookmarks)
    await call('PUT', `/api/v1/sessions/${sessionIds.get(title)}/bookmark`, attendee);
  await call('PUT', `/api/v1/sessions/${sessionIds.get('Real-time without tears')}/note`, attendee, {
    body: 'Ask about sequence numbers.',
  });
  await seedTickets(call, organiser, attendee, event.id);
  await seedGame(call, accounts, event.id);
  return people.map((p) => ({
    email: accounts[p.key]!.email,
    password,
    role: p.role,
    isAdmin: accounts[p.key]!.isAdmin,
  }));
}

/** Everyone with a profile and a photo; the organiser's registration doubles as the "seeded before?" probe. */
async function registerPeople(
  app: App,
  call: Call,
  upload: Upload,
  password: string,
): Promise<Record<string, Account>> {
  // Seeded before: the demo's first account exists (registering it again would be a 409).
  const probe = await app.inject({
    method: 'POST',
    url: '/api/v1/auth/register',
    payload: { email: demoEmail(people[0]!.key), password, name: people[0]!.name },
  });
  if (probe.statusCode === 409) throw new DemoExistsError();
  if (probe.statusCode >= 300)
    throw new Error(`Demo seed failed at POST /api/v1/auth/register: ${probe.statusCode} ${probe.body}`);
  type Auth = { user: { id: string; isAdmin?: boolean }; accessToken: string };
  const accounts: Record<string, Account> = {};
  // After the probe, everyone at once: password hashing runs on the thread pool, not one by one.
  await Promise.all(
    people.map(async (person) => {
      const email = demoEmail(person.key);
      const auth =
        person === people[0]
          ? probe.json<Auth>()
          : await call<Auth>('POST', '/api/v1/auth/register', null, { email, password, name: person.name });
      await call('PATCH', '/api/v1/me', auth.accessToken, {
        headline: person.headline,
        company: person.company,
        bio: person.bio,
        interests: person.interests,
      });
      await upload('/api/v1/me/avatar', auth.accessToken, await photo(person.key));
      accounts[person.key] = {
        id: auth.user.id,
        token: auth.accessToken,
        email,
        isAdmin: !!auth.user.isAdmin,
      };
    }),
  );
  return accounts;
}

/** Every slot of the program as a session at its local time; answers session ids by title. */
async function seedProgram(
  call: Call,
  organiser: string,
  eventId: string,
  accounts: Record<string, Account>,
): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  for (const slot of program) {
    const at = (time: string) => {
      const [hour, minute] = time.split(':').map(Number) as [number, number];
      return localTime(TIME_ZONE, slot.day, hour, minute).toISOString();
    };
    const trackName = track(slot.room);
    const session = await call<{ id: string }>('POST', `/api/v1/events/${eventId}/sessions`, organiser, {
      title: slot.title,
      description: `${slot.title} — a session at MusterConf.`,
      startsAt: at(slot.start),
      endsAt: at(slot.end),
      room: slot.room,
      track: trackName,
      tags: trackName ? [trackName.toLowerCase()] : ['break'],
      speakerIds: slot.speakers.map((key) => accounts[key]!.id),
    });
    if (!ids.has(slot.title)) ids.set(slot.title, session.id);
  }
  return ids;
}

/**
 * Tickets, after the RSVPs (a ticketed event admits by ticket from then on): a free pass and a paid
 * one (refused with a clear message until Stripe is configured), and the attendee's own pass.
 */
async function seedTickets(call: Call, organiser: string, attendee: string, eventId: string) {
  const pass = await call<{ id: string }>('POST', `/api/v1/events/${eventId}/ticket-types`, organiser, {
    name: 'Conference pass',
    description: 'Both days, every session, lunch included.',
    priceCents: 0,
    currency: 'EUR',
    quantity: 250,
    perPersonLimit: 4,
  });
  await call('POST', `/api/v1/events/${eventId}/ticket-types`, organiser, {
    name: 'Supporter pass',
    description: 'A conference pass that also pays for a student’s place.',
    priceCents: 4900,
    currency: 'EUR',
    quantity: 40,
    perPersonLimit: 2,
  });
  await call('POST', `/api/v1/events/${eventId}/orders`, attendee, {
    items: [{ ticketTypeId: pass.id, quantity: 1 }],
  });
}

/** The announcements channel with the organisers' first few messages. */
async function seedAnnouncements(call: Call, organiser: string, eventId: string) {
  const channel = await call<{ id: string }>('POST', `/api/v1/events/${eventId}/channels`, organiser, {
    kind: 'announcements',
    name: 'Announcements',
  });
  for (const body of announcements)
    await call('POST', `/api/v1/channels/${channel.id}/messages`, organiser, {
      body,
      clientMsgId: randomUUID(),
    });
}

export function printDemoLogins(logins: DemoLogin[], publicUrl: string) {
  if (!logins.length) return;
  const lines = logins.map(
    (l) =>
      `    ${l.role.padEnd(10)} ${l.email.padEnd(30)} ${l.password}${l.isAdmin ? '  (administrator of this instance)' : ''}`,
  );
  process.stdout.write(`\n  Demo event seeded. Sign in at ${publicUrl} with:\n\n${lines.join('\n')}\n\n`);
}
