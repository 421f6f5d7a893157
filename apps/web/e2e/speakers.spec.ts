import { readFileSync } from 'node:fs';
import AxeBuilder from '@axe-core/playwright';
import type { Event } from '@muster/protocol';
import { expect, type Page, test } from '@playwright/test';
import { call, phone, publishedEvent, registerUser, serverUrl, signIn } from './support.ts';

/** Generated drawings shipped with the demo seed: real WebP files, no network. */
const photo = readFileSync(new URL('../../server/src/seed/photos/speaker.webp', import.meta.url));
const cover = readFileSync(new URL('../../server/src/seed/photos/cover.webp', import.meta.url));

async function axeViolations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa']).analyze();
  return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/** The image inside `locator` has loaded from the server (not a broken icon). */
async function expectLoaded(page: Page, selector: string) {
  await expect
    .poll(() =>
      page
        .locator(selector)
        .first()
        .evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth),
    )
    .toBeGreaterThan(0);
}

test('an attendee goes from the agenda to a speaker page with photo and bio, on to the session, and adds a photo of their own; no axe violations', async ({
  browser,
}) => {
  const organiser = await registerUser('Olive Organiser');
  const speaker = await registerUser('Priya Speaker');
  const attendee = await registerUser('Ada Attendee');
  const { event, sessions } = await publishedEvent(organiser, [
    { title: 'Real-time without tears', room: 'Room A', track: 'Engineering' },
  ]);
  await call('PATCH', '/api/v1/me', speaker.token, {
    headline: 'Distributed systems engineer',
    company: 'Streamline',
    bio: 'Builds real-time backends.',
  });
  const uploaded = await fetch(`${serverUrl()}/api/v1/me/avatar`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${speaker.token}`, 'content-type': 'image/webp' },
    body: photo,
  });
  expect(uploaded.status).toBe(200);
  await call('PATCH', `/api/v1/sessions/${sessions[0]!.id}`, organiser.token, { speakerIds: [speaker.id] });

  const context = await phone(browser);
  const page = await context.newPage();
  await signIn(page, attendee);
  await page.goto(`/events/${event.id}/agenda`);
  const row = page.locator(`[data-session-id="${sessions[0]!.id}"]`);
  await row.getByRole('link', { name: 'Priya Speaker' }).click();

  await expect(page.getByRole('heading', { level: 1, name: 'Priya Speaker' })).toBeVisible();
  await expect(page.getByText('Distributed systems engineer')).toBeVisible();
  await expect(page.getByText('Builds real-time backends.')).toBeVisible();
  await expectLoaded(page, '.speaker-head img');
  expect(await axeViolations(page)).toEqual([]);

  await page.getByRole('link', { name: 'Speakers' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Speakers' })).toBeVisible();
  await expect(page.getByRole('link', { name: /Priya Speaker/ })).toBeVisible();
  expect(await axeViolations(page)).toEqual([]);

  await page.getByRole('link', { name: /Priya Speaker/ }).click();
  await page.getByRole('link', { name: 'Real-time without tears' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Real-time without tears' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Priya Speaker' })).toBeVisible();

  // The attendee adds a photo of their own on the profile screen.
  await page.goto('/profile');
  await page
    .getByLabel('Profile photo')
    .setInputFiles({ name: 'me.webp', mimeType: 'image/webp', buffer: photo });
  await expect(page.getByRole('status').filter({ hasText: 'Profile photo uploaded.' })).toBeVisible();
  await expectLoaded(page, 'img[alt="Current profile photo"]');
  const me = await call<{ avatar: { widths: number[] } | null }>('GET', '/api/v1/me', attendee.token);
  expect(me.avatar?.widths).toEqual([320]);
  expect(await axeViolations(page)).toEqual([]);
  await context.close();
});

test('an organiser uploads a cover, sees it, is told clearly when a file is too large or not an image, and removes it', async ({
  browser,
}) => {
  const organiser = await registerUser('Olive Organiser');
  const { event } = await publishedEvent(organiser, [{ title: 'Keynote', room: 'Main Hall' }]);
  const context = await phone(browser);
  const page = await context.newPage();
  await signIn(page, organiser);
  // Through the event page, as an organiser gets there (it loads the event onto the device).
  await page.goto(`/events/${event.id}`);
  await page.getByRole('link', { name: 'Edit event' }).click();
  const picker = page.getByLabel('Cover image');
  await expect(page.getByText('No cover image yet.')).toBeVisible();

  await picker.setInputFiles({ name: 'cover.webp', mimeType: 'image/webp', buffer: cover });
  await expect(page.getByRole('status').filter({ hasText: 'Cover image uploaded.' })).toBeVisible();
  await expectLoaded(page, 'img[alt="Current cover image"]');
  const saved = await call<Event>('GET', `/api/v1/events/${event.id}`, organiser.token);
  expect(saved.coverImage).toMatchObject({ width: 1600, height: 640 });
  expect(await axeViolations(page)).toEqual([]);

  // Claims to be a PNG; the server reads the bytes and refuses.
  await picker.setInputFiles({ name: 'notes.png', mimeType: 'image/png', buffer: Buffer.from('just text') });
  await expect(page.getByRole('alert')).toContainText('could not be read as a JPEG, PNG, WebP or GIF image');
  await picker.setInputFiles({
    name: 'huge.jpg',
    mimeType: 'image/jpeg',
    buffer: Buffer.alloc(9 * 1024 * 1024, 0xff),
  });
  await expect(page.getByRole('alert')).toContainText('larger than 8 MB');
  await expectLoaded(page, 'img[alt="Current cover image"]');

  await page.getByRole('button', { name: 'Remove cover image' }).click();
  await expect(page.getByText('No cover image yet.')).toBeVisible();
  expect((await call<Event>('GET', `/api/v1/events/${event.id}`, organiser.token)).coverImage).toBeNull();
  await context.close();
});
