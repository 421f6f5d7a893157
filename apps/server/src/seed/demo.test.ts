import type { ChannelPage, Event, MessagePage, Session, SpeakerList } from '@muster/protocol';
import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestServer } from '../../test/harness.ts';
import { forms } from '../modules/forms/index.ts';
import { TIME_ZONE } from './demo.program.ts';
import { DemoExistsError, type DemoLogin, seedDemo } from './demo.ts';

const server = useTestServer();
let logins: DemoLogin[];
let event: Event;
let token: string;

const get = async <T>(url: string): Promise<T> => {
  const res = await server.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
  expect(res.statusCode, `${url}: ${res.body}`).toBe(200);
  return res.json<T>();
};

/** `HH:MM` of an instant on the wall clock of the event's time zone. */
const localClock = (iso: string) =>
  new Intl.DateTimeFormat('en-GB', {
    timeZone: TIME_ZONE,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(new Date(iso));

beforeAll(async () => {
  logins = await seedDemo(server.app);
  const attendee = logins.find((l) => l.role === 'attendee')!;
  const login = await server.app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { email: attendee.email, password: attendee.password },
  });
  token = login.json().accessToken;
  const events = await get<{ items: Event[] }>('/api/v1/events');
  event = events.items.find((e) => e.title === 'MusterConf')!;
}, 120_000);

describe('the demo seed', () => {
  it('has a cover and speakers with photos, each speaking at a session', async () => {
    expect(event.coverImage?.widths).toContain(1280);
    const { items } = await get<SpeakerList>(`/api/v1/events/${event.id}/speakers`);
    expect(items.length).toBeGreaterThanOrEqual(4);
    for (const speaker of items) {
      expect(speaker.avatar, speaker.name).not.toBeNull();
      expect(speaker.bio, speaker.name).toBeTruthy();
      expect(speaker.sessionIds.length, speaker.name).toBeGreaterThan(0);
    }
    const photo = await server.app.inject({
      method: 'GET',
      url: `/api/v1/images/${items[0]!.avatar!.hash}/320.webp`,
    });
    expect(photo.statusCode).toBe(200);
  });

  it('keeps a sensible day in the event’s time zone: keynote at nine, lunch at 12:30, nothing after six', async () => {
    const { items } = await get<{ items: Session[] }>(`/api/v1/events/${event.id}/sessions`);
    const lunches = items.filter((s) => s.title.startsWith('Lunch'));
    expect(lunches.map((s) => localClock(s.startsAt))).toEqual(['12:30', '12:30']);
    expect(lunches.every((s) => s.speakerIds.length === 0)).toBe(true);
    expect(localClock(items[0]!.startsAt)).toBe('09:00');
    expect(items[0]!.track).toBe('Keynotes');
    for (const s of items) {
      expect(localClock(s.startsAt) >= '09:00', s.title).toBe(true);
      expect(localClock(s.endsAt) <= '18:00', s.title).toBe(true);
    }
    expect(new Set(items.map((s) => s.room))).toEqual(new Set(['Main Hall', 'Room A', 'Room B', 'Foyer']));
  });

  it('has an announcements channel with a few messages and a lead form', async () => {
    const channels = await get<ChannelPage>(`/api/v1/events/${event.id}/channels`);
    const news = channels.items.find((c) => c.kind === 'announcements');
    expect(news).toBeDefined();
    const messages = await get<MessagePage>(`/api/v1/channels/${news!.id}/messages`);
    expect(messages.items.length).toBeGreaterThanOrEqual(3);
    const leadForms = await server.platform.db.select().from(forms).where(eq(forms.eventId, event.id));
    expect(leadForms.map((f) => f.purpose)).toEqual(['lead']);
  });

  it('says the demo exists when run again, and adds nothing', async () => {
    await expect(seedDemo(server.app)).rejects.toBeInstanceOf(DemoExistsError);
    const events = await get<{ items: Event[] }>('/api/v1/events');
    expect(events.items.filter((e) => e.title === 'MusterConf')).toHaveLength(1);
  });
});
