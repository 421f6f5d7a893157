import AxeBuilder from '@axe-core/playwright';
import { expect, type Page, test } from '@playwright/test';
import { call, phone, publishedEvent, registerUser, serverUrl, signIn } from './support.ts';

/** WCAG 2 A/AA violations on the current page, as readable lines (empty when none). */
async function axeViolations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa']).analyze();
  return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

test('desktop: side navigation, wide agenda, search, Now/Next live, dark mode, profile sign-out, no axe violations', async ({
  browser,
}) => {
  const organiser = await registerUser('Olive Organiser');
  const attendee = await registerUser('Dana Desktop');
  const { event, sessions } = await publishedEvent(organiser, [
    { title: 'Opening keynote', room: 'Main Hall', track: 'Keynotes', hour: 9 },
    { title: 'Sequence numbers, not hope', room: 'Room A', track: 'Engineering', hour: 9 },
    { title: 'Offline first in practice', room: 'Room B', track: 'Engineering', hour: 10 },
  ]);
  await call('PUT', `/api/v1/events/${event.id}/rsvp`, attendee.token, { status: 'going' });

  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, baseURL: serverUrl() });
  const page = await context.newPage();
  await signIn(page, attendee);

  // Side navigation, not a stretched bottom bar; no Sign out in it.
  const nav = page.getByRole('navigation', { name: 'Main' });
  const box = await nav.boundingBox();
  expect(box && box.width < 300 && box.height > 600).toBe(true);
  await expect(nav.getByRole('link', { name: 'Profile' })).toBeVisible();
  await expect(nav.getByRole('button', { name: 'Sign out' })).toHaveCount(0);

  // The agenda uses the width: wider than a phone column.
  await page.goto(`/events/${event.id}/agenda`);
  await expect(page.locator('[data-session-id]')).toHaveCount(3);
  const main = await page.locator('#main').boundingBox();
  expect(main!.width).toBeGreaterThan(800);
  expect(await axeViolations(page)).toEqual([]);

  // Search across title, room and track; segmented grouping instead of a native select.
  await expect(page.locator('select')).toHaveCount(0);
  await page.getByLabel('Search the agenda').fill('room b');
  await expect(page.locator('[data-session-id]')).toHaveCount(1);
  await expect(page.getByRole('link', { name: 'Offline first in practice' })).toBeVisible();
  await page.getByLabel('Search the agenda').fill('engineering');
  await expect(page.locator('[data-session-id]')).toHaveCount(2);
  await page.getByLabel('Search the agenda').fill('');
  await page.getByRole('radio', { name: 'By room' }).check();
  await expect(page.getByRole('heading', { level: 3, name: 'Room A' })).toBeVisible();

  // Two panes: a session opens beside the list, at its own address, and the list keeps its grouping.
  const list = page.locator('.agenda-split > div').first();
  const pane = page.getByTestId('session-pane');
  await expect(page.getByText('Choose a session to see its details here.')).toBeVisible();
  await page.getByRole('link', { name: 'Offline first in practice' }).click();
  await expect(page).toHaveURL(new RegExp(`/events/${event.id}/agenda/${sessions[2]!.id}$`));
  await expect(pane.getByRole('heading', { level: 2, name: 'Offline first in practice' })).toBeFocused();
  await expect(pane.getByTestId('session-room')).toHaveText('Room B');
  await expect(page.getByRole('radio', { name: 'By room' })).toBeChecked();
  await expect(page.locator('[data-session-id]')).toHaveCount(3);
  await expect(page.getByRole('link', { name: 'Offline first in practice' })).toHaveAttribute(
    'aria-current',
    'true',
  );
  const [listBox, paneBox] = [await list.boundingBox(), await pane.boundingBox()];
  expect(paneBox!.x).toBeGreaterThanOrEqual(listBox!.x + listBox!.width);
  expect(await axeViolations(page)).toEqual([]);
  // The address alone opens the same two panes (a reload, a shared link).
  await page.reload();
  await expect(pane.getByRole('heading', { level: 2, name: 'Offline first in practice' })).toBeVisible();
  await expect(page.locator('[data-session-id]')).toHaveCount(3);

  // Now / Next at 09:30 on the event's day; a cancellation leaves "On now" without a reload.
  await page.clock.setFixedTime(new Date(Date.parse(sessions[0]!.startsAt) + 30 * 60_000));
  await page.getByRole('link', { name: 'Now / Next' }).click();
  const now = page.getByTestId('now');
  const next = page.getByTestId('next');
  await expect(now.locator('[data-session-id]')).toHaveCount(2);
  await expect(next.getByRole('link', { name: 'Offline first in practice' })).toBeVisible();
  await expect(page.locator('.connection[data-status="connected"]')).toBeVisible();
  await call('DELETE', `/api/v1/sessions/${sessions[1]!.id}`, organiser.token);
  await expect(now.locator('[data-session-id]')).toHaveCount(1);
  await expect(now.getByRole('link', { name: 'Opening keynote' })).toBeVisible();
  expect(await axeViolations(page)).toEqual([]);

  // Session: add to calendar.
  await now.getByRole('link', { name: 'Opening keynote' }).click();
  const ics = page.getByTestId('add-ics');
  await expect(ics).toHaveAttribute('href', /^data:text\/calendar/);
  await expect(page.getByRole('link', { name: /Google Calendar/ })).toHaveAttribute(
    'href',
    /calendar\.google\.com.*action=TEMPLATE/,
  );

  // Profile: name and e-mail, dark theme chosen and kept across a reload, then sign out.
  await nav.getByRole('link', { name: 'Profile' }).click();
  await expect(page.getByTestId('profile-name')).toHaveText('Dana Desktop');
  await expect(page.getByTestId('profile-email')).toHaveText(attendee.email);
  await page.getByRole('radio', { name: 'Dark' }).check();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await page.reload();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  const canvas = await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
  expect(canvas).toBe('rgb(17, 24, 39)');
  expect(await axeViolations(page)).toEqual([]);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  await context.close();
});

test('phone: dark mode follows the system, bottom tab bar with Profile, no axe violations', async ({
  browser,
}) => {
  const attendee = await registerUser('Pat Phone');
  const context = await phone(browser);
  const page = await context.newPage();
  await page.emulateMedia({ colorScheme: 'dark' });
  await signIn(page, attendee);
  const canvas = await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
  expect(canvas).toBe('rgb(17, 24, 39)');
  const nav = page.getByRole('navigation', { name: 'Main' });
  const box = await nav.boundingBox();
  const viewport = page.viewportSize()!;
  expect(Math.round(box!.y + box!.height)).toBe(viewport.height);
  await expect(nav.getByRole('link')).toHaveCount(4);
  expect(await axeViolations(page)).toEqual([]);
  await nav.getByRole('link', { name: 'Profile' }).click();
  // The explicit choice beats the system's.
  await page.getByRole('radio', { name: 'Light' }).check();
  const light = await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
  expect(light).toBe('rgb(243, 244, 246)');
  expect(await axeViolations(page)).toEqual([]);
  await context.close();
});
