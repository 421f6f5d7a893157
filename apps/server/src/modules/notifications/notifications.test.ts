import type { Notification, NotificationPage, NotificationPreferences, PushPayload } from '@muster/protocol';
import { scopes } from '@muster/protocol';
import { and, eq, sql } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildEvent, call } from '../../../test/factories/events.ts';
import { eventually } from '../../../test/factories/forms.ts';
import { buildChannel, openDm, postMessage } from '../../../test/factories/messaging.ts';
import { registerUser, type TestUser } from '../../../test/factories.ts';
import {
  createSubscriptionKeys,
  type FakePushService,
  startFakePushService,
} from '../../../test/fake-push/index.ts';
import { useFixture } from '../../../test/fixture.ts';
import { useTestServer } from '../../../test/harness.ts';
import { withTx } from '../../platform/db/unit-of-work.ts';
import { users } from '../identity/index.ts';
import { sweepPushesNow } from './index.ts';
import { takeHourly } from './notifications.caps.ts';
import { deliverIntent } from './notifications.deliver.ts';
import { DIGEST_CAP, sendEmailDigests } from './notifications.email.ts';
import type { NotificationIntent } from './notifications.intents.ts';
import { notifications, pushSubscriptions } from './notifications.tables.ts';

const push = useFixture(
  'fake push service',
  () => startFakePushService(),
  (fake: FakePushService) => fake.close(),
);
const server = useTestServer();

/** A person with one device subscribed to the fake push service. */
async function withDevice(name: string) {
  const user = await registerUser(server, { name });
  // Taking part in the organiser's event is what lets the organiser open a DM with them.
  await call(server, 'PUT', `/api/v1/events/${shared.id}/rsvp`, user, { status: 'going' });
  const keys = createSubscriptionKeys();
  const endpoint = push.endpointFor(user.id);
  const sub = await call<{ id: string }>(server, 'POST', '/api/v1/me/push-subscriptions', user, {
    endpoint,
    keys: keys.keys,
  });
  return { user, keys, endpoint, subscriptionId: sub.id };
}

const pushesTo = (user: TestUser) => push.received.filter((r) => r.endpointName === user.id);

function intent(userId: string, overrides: Partial<NotificationIntent> = {}): NotificationIntent {
  return {
    key: uuidv7(),
    category: 'mentions',
    priority: 'normal',
    kind: 'test.thing',
    audience: { users: [userId] },
    groupKey: scopes.channel('0190a0a0-0000-7000-8000-000000000001'),
    title: 'Ana mentioned you in #general',
    groupTitle: '{count} mentions in #general',
    body: 'hello',
    url: '/channels/0190a0a0-0000-7000-8000-000000000001',
    ...overrides,
  };
}

const inbox = (user: TestUser) => call<NotificationPage>(server, 'GET', '/api/v1/me/notifications', user);

/** Makes every pending push of the user due now (skips a coalescing wait) and sweeps. */
async function forceDue(userId: string) {
  await server.platform.db
    .update(notifications)
    .set({ nextPushAt: new Date(Date.now() - 1000) })
    .where(and(eq(notifications.userId, userId), sql`${notifications.nextPushAt} IS NOT NULL`));
  return sweepPushesNow(server.platform);
}

let organiser: TestUser;
let shared: { id: string };
beforeAll(async () => {
  organiser = await registerUser(server, { name: 'Organiser' });
  shared = await buildEvent(server, organiser);
});

describe('a DM to someone away', () => {
  it('lands in the inbox with a live unread count and one push that decrypts, with Topic, TTL and Urgency', async () => {
    const { user: bob, keys } = await withDevice('Bob');
    const dm = await openDm(server, organiser, [bob]);
    expect((await postMessage(server, organiser, dm.id, 'Are you coming to the keynote?')).statusCode).toBe(
      201,
    );

    const page = await eventually(async () => {
      const p = await inbox(bob);
      return p.items.length ? p : undefined;
    });
    expect(page.unread).toBe(1);
    expect(page.items[0]).toMatchObject({
      category: 'dms',
      kind: 'messaging.dm',
      title: 'Organiser',
      body: 'Are you coming to the keynote?',
      url: `/channels/${dm.id}`,
      groupKey: scopes.channel(dm.id),
      count: 1,
      readAt: null,
    });
    const badge = server.published.find(
      (c) => c.scope === scopes.user(bob.id) && c.entity === 'notifications.unreadChanged',
    );
    expect(badge?.data).toEqual({ unread: 1 });

    const received = await eventually(async () => pushesTo(bob)[0]);
    const payload = JSON.parse(keys.decrypt(received.body)) as PushPayload;
    expect(payload).toMatchObject({ title: 'Organiser', body: 'Are you coming to the keynote?', count: 1 });
    expect(payload.url).toBe(`/channels/${dm.id}`);
    expect(received.topic).toBe(payload.tag);
    expect(received.topic!.length).toBeLessThanOrEqual(32);
    expect(received.urgency).toBe('high');
    expect(received.ttl).toBe(6 * 3600);
    expect(received.contentEncoding).toBe('aes128gcm');
  });

  it('is not told when they already read the chat, and reading the chat reads the item', async () => {
    const { user: cleo } = await withDevice('Cleo');
    const dm = await openDm(server, organiser, [cleo]);
    await postMessage(server, organiser, dm.id, 'First');
    const item = await eventually(async () => (await inbox(cleo)).items[0]);
    await call(server, 'POST', `/api/v1/channels/${dm.id}/read`, cleo, { seq: 1 });
    const after = await inbox(cleo);
    expect(after.unread).toBe(0);
    expect(after.items.find((i) => i.id === item.id)?.readAt).not.toBeNull();
  });
});

describe('the digest', () => {
  it('is exact under 500 concurrent intents for one person and key: one item, one push, the right count', async () => {
    const { user } = await withDevice('Dana');
    const results = await Promise.all(
      Array.from({ length: 500 }, () => deliverIntent(server.platform, intent(user.id, { priority: 'low' }))),
    );
    expect(results.every((r) => r.result === 'done')).toBe(true);
    const rows = await server.platform.db
      .select()
      .from(notifications)
      .where(eq(notifications.userId, user.id));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ count: 500, title: '500 mentions in #general', pushedCount: 0 });
    expect(pushesTo(user)).toHaveLength(0); // low priority waits for its digest
    await forceDue(user.id);
    const pushes = await eventually(async () => (pushesTo(user).length ? pushesTo(user) : undefined));
    expect(pushes).toHaveLength(1);
    await forceDue(user.id);
    expect(pushesTo(user)).toHaveLength(1);
  });

  it('a delivered intent delivered again counts once', async () => {
    const { user } = await withDevice('Eli');
    const once = intent(user.id, { priority: 'low' });
    await deliverIntent(server.platform, once);
    expect((await deliverIntent(server.platform, once)).result).toBe('skipped');
    const [row] = await server.platform.db
      .select()
      .from(notifications)
      .where(eq(notifications.userId, user.id));
    expect(row!.count).toBe(1);
  });
  it('low items due together make one digest push per person, however many there are', async () => {
    const people = await Promise.all(['Pia', 'Quinn', 'Rae'].map((name) => withDevice(name)));
    // Interleaved, as real traffic is: each person's items are spread among the others'.
    for (let i = 0; i < 90; i++)
      for (const { user } of people)
        await deliverIntent(
          server.platform,
          intent(user.id, { priority: 'low', category: 'agenda', groupKey: scopes.session(uuidv7()) }),
        );
    await server.platform.db
      .update(notifications)
      .set({ nextPushAt: new Date(Date.now() - 1000) })
      .where(sql`${notifications.nextPushAt} IS NOT NULL`);
    await sweepPushesNow(server.platform);
    for (const { user } of people) {
      const pushes = pushesTo(user);
      expect(pushes).toHaveLength(1);
    }
  });
});

describe('the push sweep', () => {
  it('sends a critical item first, ahead of a crowd of earlier announcement pushes', async () => {
    const crowd = await Promise.all(Array.from({ length: 150 }, (_, i) => withDevice(`Crowd ${i}`)));
    const { user: dana } = await withDevice('Dana Critical');
    // Both wait (low) so no sweep takes them before the stage is set; then all fall due at once,
    // the crowd's a minute earlier than the DM.
    await deliverIntent(
      server.platform,
      intent('', {
        category: 'announcements',
        priority: 'low',
        audience: { users: crowd.map((c) => c.user.id) },
      }),
    );
    await deliverIntent(server.platform, intent(dana.id, { category: 'dms', priority: 'low' }));
    // One statement: a background sweep must not find the crowd due before the DM is.
    const minuteAgo = new Date(Date.now() - 60_000);
    await server.platform.db
      .update(notifications)
      .set({
        nextPushAt: sql`CASE WHEN ${notifications.userId} = ${dana.id} THEN now() ELSE ${minuteAgo} END`,
        priority: sql`CASE WHEN ${notifications.userId} = ${dana.id} THEN 'critical' ELSE 'normal' END`,
      })
      .where(sql`${notifications.userId} IN ${[dana.id, ...crowd.map((c) => c.user.id)]}`);
    await sweepPushesNow(server.platform);
    const everyone = new Set([dana.id, ...crowd.map((c) => c.user.id)]);
    expect(push.received.filter((r) => everyone.has(r.endpointName))).toHaveLength(151);
    // Each claim stamps the items it pushes with its own instant: the DM went in the first claim
    // (100 people at most), some of the crowd in a later one.
    const rows = await server.platform.db
      .select({ userId: notifications.userId, at: notifications.lastPushedAt })
      .from(notifications)
      .where(sql`${notifications.userId} IN ${[dana.id, ...crowd.map((c) => c.user.id)]}`);
    const stamps = rows.map((r) => r.at!.getTime());
    const danaAt = rows.find((r) => r.userId === dana.id)!.at!.getTime();
    expect(danaAt).toBe(Math.min(...stamps));
    expect(stamps.filter((at) => at > danaAt).length).toBeGreaterThanOrEqual(51);
  });
});

describe('e-mail digests', () => {
  const later = () => new Date(Date.now() + 20 * 60_000); // past the 15 minutes an item waits unread
  const verified = async (name: string) => {
    const { user } = await withDevice(name);
    await server.platform.db.update(users).set({ emailVerifiedAt: new Date() }).where(eq(users.id, user.id));
    return user;
  };
  /** Sweeps until a sweep mails nobody: other tests' people are in the database too. */
  const sweepAllDigests = async (now: Date) => {
    for (let i = 0; i < 50 && (await sendEmailDigests(server.platform, now, 500)) > 0; i++);
  };
  const mailsTo = async (email: string) =>
    (await server.platform.mail.mailbox!.list({ limit: 2000 })).items.filter(
      (m) => m.to === email && m.subject.endsWith(' new on Muster'),
    );

  it('mails one digest of what waited unread, to a verified address only', async () => {
    const ola = await verified('Ola');
    const { user: una } = await withDevice('Una Unverified');
    for (const user of [ola, una]) await deliverIntent(server.platform, intent(user.id));
    await sweepAllDigests(later());
    const mails = await eventually(async () => {
      const got = await mailsTo(ola.email);
      return got.length ? got : undefined;
    });
    expect(mails).toHaveLength(1);
    expect(mails[0]!.subject).toBe('1 new on Muster');
    expect(await mailsTo(una.email)).toHaveLength(0);
  });

  it('does not let people who had this hour’s digest keep everyone else waiting', async () => {
    const now = later();
    await sweepAllDigests(now); // what earlier tests left is settled first
    const capped = await Promise.all(['Cap 1', 'Cap 2', 'Cap 3', 'Cap 4', 'Cap 5'].map(verified));
    for (const user of capped) {
      await deliverIntent(server.platform, intent(user.id));
      await withTx(server.platform, (work) => takeHourly(work.tx, user.id, DIGEST_CAP, 1, now));
    }
    const fay = await verified('Fay Fresh');
    await deliverIntent(server.platform, intent(fay.id));
    // One person per sweep: the one picked must be Fay, the only one whose digest is due.
    expect(await sendEmailDigests(server.platform, now, 1)).toBe(1);
    await eventually(async () => ((await mailsTo(fay.email)).length === 1 ? true : undefined));
  });
});

describe('preferences', () => {
  it('are honoured per category and channel: push off still lists, in-app off does not', async () => {
    const { user } = await withDevice('Fay');
    const prefs = await call<NotificationPreferences>(
      server,
      'PUT',
      '/api/v1/me/notification-preferences',
      user,
      {
        categories: {
          mentions: { push: false, email: false, inApp: true },
          social: { push: true, email: false, inApp: false },
        },
      },
    );
    expect(prefs.categories.mentions).toEqual({ push: false, email: false, inApp: true });
    expect(prefs.categories.dms).toEqual({ push: true, email: true, inApp: true });
    await deliverIntent(server.platform, intent(user.id));
    await deliverIntent(
      server.platform,
      intent(user.id, { category: 'social', groupKey: scopes.event(uuidv7()) }),
    );
    await forceDue(user.id);
    expect(pushesTo(user).map((p) => p.urgency)).toEqual(['low']); // the social one only
    const page = await inbox(user);
    expect(page.items.map((i) => i.category)).toEqual(['mentions']);
  });

  it('quiet hours hold normal pushes until they end; critical goes at once', async () => {
    const { user } = await withDevice('Gus');
    const now = new Date();
    const hhmm = (d: Date) =>
      `${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}`;
    const start = hhmm(new Date(now.getTime() - 3600_000));
    const end = hhmm(new Date(now.getTime() + 3600_000));
    await call(server, 'PUT', '/api/v1/me/notification-preferences', user, {
      quietHours: { start, end, timezone: 'UTC' },
    });
    await deliverIntent(server.platform, intent(user.id));
    await sweepPushesNow(server.platform);
    expect(pushesTo(user)).toHaveLength(0);
    const [held] = await server.platform.db
      .select()
      .from(notifications)
      .where(eq(notifications.userId, user.id));
    expect(held!.nextPushAt!.getTime()).toBeGreaterThan(now.getTime() + 3500_000);
    await deliverIntent(
      server.platform,
      intent(user.id, { category: 'dms', priority: 'critical', groupKey: scopes.channel(uuidv7()) }),
    );
    await sweepPushesNow(server.platform);
    expect(pushesTo(user)).toHaveLength(1);
    expect(pushesTo(user)[0]!.urgency).toBe('high');
  });

  it('a muted channel stays silent until the mute ends', async () => {
    const { user: hal } = await withDevice('Hal');
    const dm = await openDm(server, organiser, [hal]);
    await call(server, 'PUT', '/api/v1/me/notification-preferences', hal, {
      muted: [{ scope: scopes.channel(dm.id), until: new Date(Date.now() + 3600_000).toISOString() }],
    });
    await postMessage(server, organiser, dm.id, 'muted one');
    await eventually(async () => (await inbox(hal)).items[0]);
    await sweepPushesNow(server.platform);
    expect(pushesTo(hal)).toHaveLength(0);
    // The mute ends (moved into the past); the next message pushes.
    await server.platform.db.execute(
      sql`UPDATE notification_mutes SET until = now() - interval '1 second' WHERE user_id = ${hal.id}`,
    );
    await call(server, 'POST', `/api/v1/channels/${dm.id}/read`, hal, { seq: 1 });
    await postMessage(server, organiser, dm.id, 'after the mute');
    await eventually(async () => pushesTo(hal)[0]);
  });

  it('a read item is not pushed', async () => {
    const { user } = await withDevice('Ida');
    await deliverIntent(server.platform, intent(user.id, { priority: 'low' }));
    const [item] = (await inbox(user)).items as Notification[];
    expect(await call(server, 'POST', '/api/v1/me/notifications/read', user, { ids: [item!.id] })).toEqual({
      unread: 0,
    });
    await forceDue(user.id);
    expect(pushesTo(user)).toHaveLength(0);
  });

  it('a device showing the app gets no push', async () => {
    const { user, subscriptionId } = await withDevice('Jo');
    await server.platform.db
      .update(pushSubscriptions)
      .set({ visibleUntil: new Date(Date.now() + 60_000) })
      .where(eq(pushSubscriptions.id, subscriptionId));
    await deliverIntent(server.platform, intent(user.id));
    await sweepPushesNow(server.platform);
    expect(pushesTo(user)).toHaveLength(0);
  });
});

describe('push subscriptions', () => {
  it('a 410 subscription is removed', async () => {
    const { user, subscriptionId } = await withDevice('Kai');
    push.setStatus(user.id, 410);
    await deliverIntent(server.platform, intent(user.id));
    await sweepPushesNow(server.platform);
    const left = await server.platform.db
      .select()
      .from(pushSubscriptions)
      .where(eq(pushSubscriptions.id, subscriptionId));
    expect(left).toHaveLength(0);
  });

  it('refuses hostile input with a clear error', async () => {
    const user = await registerUser(server, { name: 'Lou' });
    const bad = (url: string, method: 'POST' | 'PUT', payload: unknown) =>
      server.app.inject({ method, url, headers: user.headers, payload: payload as object });
    const keys = createSubscriptionKeys().keys;
    expect(
      (await bad('/api/v1/me/push-subscriptions', 'POST', { endpoint: 'javascript:alert(1)', keys }))
        .statusCode,
    ).toBe(400);
    expect(
      (
        await bad('/api/v1/me/push-subscriptions', 'POST', {
          endpoint: 'https://push.example/x',
          keys: { p256dh: 'x', auth: 'y' },
        })
      ).statusCode,
    ).toBe(400);
    expect(
      (
        await bad('/api/v1/me/notification-preferences', 'PUT', { muted: [{ scope: 'user:someone' }] })
      ).json(),
    ).toMatchObject({ errors: [{ field: 'body.muted.0.scope' }] });
    expect(
      (
        await bad('/api/v1/me/notification-preferences', 'PUT', {
          quietHours: { start: '25:00', end: '07:00', timezone: 'UTC' },
        })
      ).statusCode,
    ).toBe(400);
    expect(
      (
        await bad('/api/v1/me/notification-preferences', 'PUT', {
          quietHours: { start: '22:00', end: '07:00', timezone: 'Mars/Olympus' },
        })
      ).json(),
    ).toMatchObject({ errors: [{ field: 'body.quietHours.timezone' }] });
    expect(
      (await bad('/api/v1/me/notifications/read', 'POST', { ids: [uuidv7()], all: true })).statusCode,
    ).toBe(400);
    for (let i = 0; i < 10; i++)
      await call(server, 'POST', '/api/v1/me/push-subscriptions', user, {
        endpoint: push.endpointFor(`lou-${i}`),
        keys,
      });
    const eleventh = await bad('/api/v1/me/push-subscriptions', 'POST', {
      endpoint: push.endpointFor('lou-10'),
      keys,
    });
    expect(eleventh.statusCode).toBe(409);
    // Someone else's subscription cannot be deleted.
    const other = await withDevice('Max');
    expect(
      (
        await server.app.inject({
          method: 'DELETE',
          url: `/api/v1/me/push-subscriptions/${other.subscriptionId}`,
          headers: user.headers,
        })
      ).statusCode,
    ).toBe(404);
  });

  it('answers a stranger with no session 401 on every inbox, preference and device route', async () => {
    const anonymous = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: object) =>
      server.app.inject({ method, url, ...(payload ? { payload } : {}) });
    const keys = createSubscriptionKeys().keys;
    for (const res of [
      await anonymous('GET', '/api/v1/me/notifications'),
      await anonymous('POST', '/api/v1/me/notifications/read', { all: true }),
      await anonymous('GET', '/api/v1/me/notification-preferences'),
      await anonymous('PUT', '/api/v1/me/notification-preferences', { quietHours: null }),
      await anonymous('POST', '/api/v1/me/push-subscriptions', { endpoint: push.endpointFor('anon'), keys }),
      await anonymous('DELETE', `/api/v1/me/push-subscriptions/${uuidv7()}`),
    ])
      expect(res.statusCode).toBe(401);
  });

  it('serves the VAPID public key', async () => {
    const res = await server.app.inject({ method: 'GET', url: '/api/v1/push/vapid-key' });
    expect(res.json().publicKey).toMatch(/^[A-Za-z0-9_-]{80,}$/);
  });
});

describe('sources', () => {
  it('an announcement reaches the event’s people, grouped per channel', async () => {
    const event = await buildEvent(server, organiser);
    const { user: attendee } = await withDevice('Noa');
    await call(server, 'PUT', `/api/v1/events/${event.id}/rsvp`, attendee, { status: 'going' });
    const announcements = await buildChannel(server, organiser, event.id, {
      kind: 'announcements',
      name: 'news',
    });
    for (const text of ['Doors open at 9', 'Coffee in the lobby', 'Keynote moved to hall B'])
      expect((await postMessage(server, organiser, announcements.id, text)).statusCode).toBe(201);
    const item = await eventually(async () => {
      const [first] = (await inbox(attendee)).items;
      return first?.count === 3 ? first : undefined;
    });
    expect(item, JSON.stringify(item)).toMatchObject({
      category: 'announcements',
      body: 'Keynote moved to hall B',
    });
    expect(item.title).toBe('3 new messages in #news');
  });
});
