import type { PushPayload } from '@muster/protocol';
import { type CDPSession, expect, type Page, test } from '@playwright/test';
import {
  createSubscriptionKeys,
  type FakePushService,
  startFakePushService,
} from '../../server/test/fake-push/index.ts';
import { call, phone, publishedEvent, registerUser, serviceWorkerReady, signIn } from './support.ts';

let push: FakePushService;
test.beforeAll(async () => {
  push = await startFakePushService();
});
test.afterAll(async () => {
  await push.close();
});

/** The service worker's registration id, as DevTools names it (to hand it a push). */
async function registrationId(cdp: CDPSession): Promise<string> {
  const found = new Promise<string>((resolve) =>
    cdp.on('ServiceWorker.workerRegistrationUpdated', ({ registrations }) => {
      const live = registrations.find((r) => !r.isDeleted);
      if (live) resolve(live.registrationId);
    }),
  );
  await cdp.send('ServiceWorker.enable');
  return found;
}

/** What the device shows in its notification tray for this app. */
const shown = (page: Page) =>
  page.evaluate(async () =>
    (await (await navigator.serviceWorker.ready).getNotifications()).map((n) => ({
      title: n.title,
      tag: n.tag,
    })),
  );

test('a DM to an offline person reaches the inbox and shows one notification; a burst of 20 shows one grouped notification', async ({
  browser,
}) => {
  const ann = await registerUser('Ann Organiser');
  const bo = await registerUser('Bo Attendee');
  const { event } = await publishedEvent(ann, [{ title: 'Opening', room: 'Main Hall' }]);
  await call('PUT', `/api/v1/events/${event.id}/rsvp`, bo.token, { status: 'going' });
  const dm = await call<{ id: string }>('POST', '/api/v1/dms', ann.token, { userIds: [bo.id] });

  const context = await phone(browser);
  await context.grantPermissions(['notifications']);
  const page = await context.newPage();
  await signIn(page, bo);
  await serviceWorkerReady(page);
  const cdp = await context.newCDPSession(page);
  const registration = await registrationId(cdp);
  // Bo's phone is subscribed at a push service (here the local fake: Chromium has no push service
  // without the internet); what it receives is handed to the service worker as the browser would.
  const device = createSubscriptionKeys();
  await call('POST', '/api/v1/me/push-subscriptions', bo.token, {
    endpoint: push.endpointFor(bo.id),
    keys: device.keys,
  });
  let delivered = 0;
  async function deliverPushes() {
    const mine = push.received.filter((r) => r.endpointName === bo.id);
    for (const received of mine.slice(delivered)) {
      const data = device.decrypt(received.body);
      await cdp.send('ServiceWorker.deliverPushMessage', {
        origin: new URL(page.url()).origin,
        registrationId: registration,
        data,
      });
    }
    delivered = mine.length;
    return delivered;
  }

  await context.setOffline(true);
  await call('POST', `/api/v1/channels/${dm.id}/messages`, ann.token, {
    body: 'Are you at the venue yet?',
    clientMsgId: crypto.randomUUID(),
  });
  await expect.poll(deliverPushes, { timeout: 15_000 }).toBe(1);
  await expect.poll(() => shown(page)).toEqual([{ title: 'Ann Organiser', tag: expect.any(String) }]);
  const first = JSON.parse(
    device.decrypt(push.received.find((r) => r.endpointName === bo.id)!.body),
  ) as PushPayload;
  expect(first).toMatchObject({ body: 'Are you at the venue yet?', url: `/channels/${dm.id}` });

  await context.setOffline(false);
  await expect(page.getByTestId('inbox-unread')).toHaveText(/1/);
  await page.getByTestId('inbox-bell').click();
  await expect(page.getByTestId('inbox-title').first()).toHaveText('Ann Organiser');

  // A burst: the pushes that follow carry the running count under the same tag, so the tray
  // keeps one notification that grows instead of twenty.
  await context.setOffline(true);
  for (let i = 1; i <= 20; i++)
    await call('POST', `/api/v1/channels/${dm.id}/messages`, ann.token, {
      body: `Update ${i} of 20`,
      clientMsgId: crypto.randomUUID(),
    });
  await expect
    .poll(
      async () => {
        await deliverPushes();
        return shown(page);
      },
      { timeout: 20_000 },
    )
    .toEqual([{ title: '21 new messages from Ann Organiser', tag: first.tag }]);
  expect(delivered).toBeLessThanOrEqual(4);
  await context.close();
});
