import { expect, test } from '@playwright/test';
import {
  call,
  phone,
  publishedEvent,
  registerUser,
  savedFollowing,
  serviceWorkerReady,
  signIn,
} from './support.ts';

test('offline after one visit: agenda and schedule open, a note and a message reach the server once when back online', async ({
  browser,
}) => {
  const organiser = await registerUser('Olive Organiser');
  const attendee = await registerUser('Ada Attendee');
  const other = await registerUser('Bo Second');
  const { event, sessions } = await publishedEvent(organiser, [
    { title: 'Designing for bad venue Wi-Fi', room: 'Room A' },
    { title: 'Offline-first mobile apps', room: 'Room B' },
  ]);
  const [first, second] = sessions as [(typeof sessions)[0], (typeof sessions)[0]];
  const channel = await call<{ id: string }>('POST', `/api/v1/events/${event.id}/channels`, organiser.token, {
    name: 'Hallway',
    kind: 'topic',
  });
  for (const user of [attendee, other])
    await call('PUT', `/api/v1/events/${event.id}/rsvp`, user.token, { status: 'going' });
  await call('PUT', `/api/v1/sessions/${first.id}/bookmark`, attendee.token);

  // One visit online: the event, its agenda, my schedule and the channel.
  const context = await phone(browser);
  const page = await context.newPage();
  await signIn(page, attendee);
  await page.goto(`/events/${event.id}`);
  await page.getByRole('link', { name: 'Agenda' }).click();
  await expect(page.getByText(second.title)).toBeVisible();
  await page.getByRole('link', { name: 'My schedule' }).click();
  await expect(page.getByRole('link', { name: first.title })).toBeVisible();
  await page.goto(`/channels/${channel.id}`);
  await expect(page.getByRole('heading', { level: 1, name: 'Hallway' })).toBeVisible();
  await serviceWorkerReady(page);
  await savedFollowing(page, attendee.id, `channel:${channel.id}`);

  // No network, and a reload: the app shell comes from the service worker, the data from IndexedDB.
  await context.setOffline(true);
  await page.reload();
  await expect(page.getByTestId('offline-banner')).toContainText('You are offline');
  await page.getByRole('link', { name: 'My schedule' }).click();
  await expect(page.getByRole('link', { name: first.title })).toBeVisible();
  await expect(page.getByRole('link', { name: second.title })).toHaveCount(0);
  await page.goto(`/events/${event.id}/agenda`);
  await expect(page.getByRole('link', { name: first.title })).toBeVisible();
  await expect(page.getByRole('link', { name: second.title })).toBeVisible();

  // A note and a message, both made offline and queued.
  await page.getByRole('link', { name: first.title }).click();
  await page.getByLabel('My private note').fill('Ask about retries on flaky Wi-Fi');
  await page.getByLabel('My private note').blur();
  await expect(page.getByTestId('pending-count')).toHaveText('1 action waiting to send');
  await page.goto(`/channels/${channel.id}`);
  await page.getByRole('textbox', { name: 'Message' }).fill('Sent from the basement, offline');
  await page.getByRole('button', { name: 'Send' }).click();
  await expect(page.getByTestId('message').filter({ hasText: 'Sent from the basement' })).toBeVisible();
  await expect(page.getByTestId('pending-count')).toHaveText('2 actions waiting to send');

  // Queued writes survive a reload (still offline).
  await page.reload();
  await expect(page.getByTestId('pending-count')).toHaveText('2 actions waiting to send');
  await expect(page.getByTestId('message').filter({ hasText: 'Sent from the basement' })).toBeVisible();

  // Back online: the outbox drains; each write reaches the server exactly once.
  await context.setOffline(false);
  await expect(page.getByTestId('offline-banner')).toHaveCount(0);
  const noteBody = () =>
    call<{ body: string }>('GET', `/api/v1/sessions/${first.id}/note`, attendee.token).then((n) => n.body);
  await expect.poll(noteBody, { timeout: 30_000 }).toBe('Ask about retries on flaky Wi-Fi');
  const copies = () =>
    call<{ items: { body: string; senderId: string }[] }>(
      'GET',
      `/api/v1/channels/${channel.id}/messages?limit=200`,
      attendee.token,
    ).then((page) => page.items.filter((m) => m.body === 'Sent from the basement, offline'));
  await expect.poll(async () => (await copies()).length, { timeout: 30_000 }).toBe(1);
  // Settled: the sent message is confirmed on screen (no longer "sending"), and still one copy.
  await expect(page.getByTestId('message').filter({ hasText: 'Sent from the basement' })).toHaveCount(1);
  await expect(page.locator('[data-tick="sending"]')).toHaveCount(0);
  const [sent] = await copies();
  expect(sent!.senderId).toBe(attendee.id);
  expect(await copies()).toHaveLength(1);

  // A second attendee sees it.
  const otherContext = await phone(browser);
  const otherPage = await otherContext.newPage();
  await signIn(otherPage, other);
  await otherPage.goto(`/channels/${channel.id}`);
  await expect(
    otherPage.getByTestId('message').filter({ hasText: 'Sent from the basement, offline' }),
  ).toHaveCount(1);
  await otherContext.close();
  await context.close();
});
