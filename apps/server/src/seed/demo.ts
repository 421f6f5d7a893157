import { randomBytes } from 'node:crypto';
import type { App } from '../platform/http/server.ts';

export interface DemoLogin {
  email: string;
  password: string;
  role: string;
  /** The first account of a fresh instance administers it (dev mailbox, queues). */
  isAdmin: boolean;
}

interface Person {
  key: string;
  name: string;
  role: string;
  headline: string;
  interests: string[];
}

const people: Person[] = [
  {
    key: 'organiser',
    name: 'Olivia Okafor',
    role: 'organiser',
    headline: 'Runs MusterConf',
    interests: ['community', 'events'],
  },
  {
    key: 'staff',
    name: 'Sam Staff',
    role: 'staff',
    headline: 'Door and logistics',
    interests: ['logistics'],
  },
  {
    key: 'speaker',
    name: 'Priya Raman',
    role: 'speaker',
    headline: 'Distributed systems engineer',
    interests: ['realtime', 'databases'],
  },
  {
    key: 'speaker2',
    name: 'Mateo García',
    role: 'speaker',
    headline: 'Mobile developer',
    interests: ['mobile', 'offline'],
  },
  {
    key: 'attendee',
    name: 'Alex Attendee',
    role: 'attendee',
    headline: 'Curious engineer',
    interests: ['realtime', 'mobile'],
  },
];

const rooms = ['Main Hall', 'Room A', 'Room B'];
const tracks: Record<string, string> = {
  'Main Hall': 'Keynotes',
  'Room A': 'Engineering',
  'Room B': 'Community',
};
const topics = [
  'Opening keynote: events that run themselves',
  'Real-time without tears',
  'Community building 101',
  'Offline-first mobile apps',
  'PostgreSQL as a queue',
  'Running a meetup for ten years',
  'Designing for bad venue Wi-Fi',
  'Sequence numbers, not hope',
  'Volunteers are the event',
  'Lunch and networking',
  'Day 2 keynote: after the event',
  'Scaling Socket.IO horizontally',
  'Accessible event apps',
  'Lead capture that never drops a form',
  'Sponsors who come back',
  'Live polls that people answer',
  'Testing with real databases',
  'From meetup to conference',
  'Ask me anything: the organisers',
  'Closing and awards',
];

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

/**
 * Seeds a demo community and a two-day event through the public API itself, so the demo obeys
 * every rule a real organiser would. Returns the logins to print.
 */
export async function seedDemo(app: App): Promise<DemoLogin[]> {
  const password = `demo-${randomBytes(6).toString('base64url')}`;
  const call = async <T>(method: string, url: string, token: string | null, payload?: object): Promise<T> => {
    const res = await app.inject({
      method: method as 'POST',
      url,
      headers: token ? { authorization: `Bearer ${token}` } : {},
      ...(payload ? { payload } : {}),
    });
    if (res.statusCode >= 300)
      throw new Error(`Demo seed failed at ${method} ${url}: ${res.statusCode} ${res.body}`);
    return res.json<T>();
  };

  const tokens: Record<string, { id: string; token: string; email: string; isAdmin: boolean }> = {};
  // Seeded before: the demo's first account exists (registering it again would be a 409).
  const probe = await app.inject({
    method: 'POST',
    url: '/api/v1/auth/register',
    payload: { email: demoEmail(people[0]!.key), password, name: people[0]!.name },
  });
  if (probe.statusCode === 409) throw new DemoExistsError();
  if (probe.statusCode >= 300)
    throw new Error(`Demo seed failed at POST /api/v1/auth/register: ${probe.statusCode} ${probe.body}`);
  for (const person of people) {
    const email = demoEmail(person.key);
    if (person === people[0]) {
      const auth = probe.json<{ user: { id: string; isAdmin?: boolean }; accessToken: string }>();
      await call('PATCH', '/api/v1/me', auth.accessToken, {
        headline: person.headline,
        interests: person.interests,
      });
      tokens[person.key] = { id: auth.user.id, token: auth.accessToken, email, isAdmin: !!auth.user.isAdmin };
      continue;
    }
    const auth = await call<{ user: { id: string; isAdmin?: boolean }; accessToken: string }>(
      'POST',
      '/api/v1/auth/register',
      null,
      { email, password, name: person.name },
    );
    await call('PATCH', '/api/v1/me', auth.accessToken, {
      headline: person.headline,
      interests: person.interests,
    });
    tokens[person.key] = { id: auth.user.id, token: auth.accessToken, email, isAdmin: !!auth.user.isAdmin };
  }
  const organiser = tokens.organiser!.token;
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
    await call('POST', `/api/v1/invitations/${inviteToken}/accept`, tokens[person.key]!.token);
  const timezone = 'Europe/Berlin';
  const event = await call<{ id: string }>('POST', '/api/v1/events', organiser, {
    communityId: community.id,
    title: 'MusterConf',
    description: 'Two days about events, communities and real-time software.',
    startsAt: localTime(timezone, 1, 9).toISOString(),
    endsAt: localTime(timezone, 2, 18).toISOString(),
    timezone,
    venue: 'Congress Center, Berlin',
    capacity: 300,
    visibility: 'public',
  });
  for (const person of people.filter((p) => p.key !== 'organiser' && p.role !== 'attendee')) {
    await call('PUT', `/api/v1/events/${event.id}/roles/${tokens[person.key]!.id}`, organiser, {
      role: person.role,
    });
  }
  const sessionIds: string[] = [];
  for (const [i, title] of topics.entries()) {
    const day = i < 10 ? 1 : 2;
    const slot = Math.floor((i % 10) / 3);
    const room = rooms[i % 3]!;
    const startHour = 9 + slot * 2 + (i % 10 === 9 ? 3 : 0);
    const speaker = i % 2 === 0 ? tokens.speaker! : tokens.speaker2!;
    const session = await call<{ id: string }>('POST', `/api/v1/events/${event.id}/sessions`, organiser, {
      title,
      description: `${title} — a session at MusterConf.`,
      startsAt: localTime(timezone, day, startHour).toISOString(),
      endsAt: localTime(timezone, day, startHour + 1, 30).toISOString(),
      room,
      track: tracks[room],
      tags: [tracks[room]!.toLowerCase()],
      speakerIds: title.startsWith('Lunch') ? [] : [speaker.id],
    });
    sessionIds.push(session.id);
  }
  await call('POST', `/api/v1/events/${event.id}/publish`, organiser);
  const attendee = tokens.attendee!.token;
  await call('PUT', `/api/v1/events/${event.id}/rsvp`, attendee, { status: 'going' });
  for (const id of sessionIds.slice(0, 4)) await call('PUT', `/api/v1/sessions/${id}/bookmark`, attendee);
  await call('PUT', `/api/v1/sessions/${sessionIds[1]}/note`, attendee, {
    body: 'Ask about sequence numbers.',
  });
  return people.map((p) => ({
    email: tokens[p.key]!.email,
    password,
    role: p.role,
    isAdmin: tokens[p.key]!.isAdmin,
  }));
}

export function printDemoLogins(logins: DemoLogin[], publicUrl: string) {
  if (!logins.length) return;
  const lines = logins.map(
    (l) =>
      `    ${l.role.padEnd(10)} ${l.email.padEnd(30)} ${l.password}${l.isAdmin ? '  (administrator of this instance)' : ''}`,
  );
  process.stdout.write(`\n  Demo event seeded. Sign in at ${publicUrl} with:\n\n${lines.join('\n')}\n\n`);
}
