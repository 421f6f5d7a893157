import AxeBuilder from '@axe-core/playwright';
import type { Event } from '@muster/protocol';
import { expect, type Page, test } from '@playwright/test';
import { mailedLink } from './mailbox.ts';
import { call, phone, publishedEvent, registerUser, serverUrl, type TestUser } from './support.ts';

/** WCAG 2 A/AA violations on the current page, as readable lines (empty when none). */
async function axeViolations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa']).analyze();
  return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/** The app as a newcomer opens it: by the loopback address, not `localhost` (the origin the server allows). */
function appUrl(): string {
  const url = new URL(serverUrl());
  url.hostname = '127.0.0.1';
  return url.origin;
}

/**
 * An event like the demo's: published, with a session on now, an announcements channel holding
 * one announcement, and one attendee who chose to be listed among its people.
 */
async function demoLikeEvent(): Promise<{ event: Event; listed: TestUser; organiser: TestUser }> {
  const organiser = await registerUser('Olive Organiser');
  const { event, sessions } = await publishedEvent(organiser, [
    { title: 'Opening keynote', room: 'Main Hall', hour: 9 },
    { title: 'Offline first in practice', room: 'Room A', hour: 10 },
  ]);
  // The organiser gives the keynote, so the newcomer meets a speaker page.
  await call('PATCH', '/api/v1/me', organiser.token, { headline: 'Programme chair' });
  await call('PATCH', `/api/v1/sessions/${sessions[0]!.id}`, organiser.token, { speakerIds: [organiser.id] });
  const channel = await call<{ id: string }>('POST', `/api/v1/events/${event.id}/channels`, organiser.token, {
    name: 'Announcements',
    kind: 'announcements',
  });
  await call('POST', `/api/v1/channels/${channel.id}/messages`, organiser.token, {
    body: 'Welcome! Badges are at the front desk.',
    clientMsgId: `welcome-${event.id}`,
  });
  const listed = await registerUser('Lena Listed');
  await call('PATCH', '/api/v1/me', listed.token, { directoryVisible: true, company: 'Acme' });
  await call('PUT', `/api/v1/events/${event.id}/rsvp`, listed.token, { status: 'going' });
  return { event, listed, organiser };
}

async function signUp(page: Page, name: string, email: string, password: string) {
  await page.goto(`${appUrl()}/`);
  await page.getByRole('link', { name: 'Create an account' }).click();
  await page.getByLabel('Name').fill(name);
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Events' })).toBeVisible();
}

const newEmail = (who: string) =>
  `${who}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}@e2e.muster.dev`;

test('phone: a newcomer’s first hour — sign up, verify, reset the password, join, messages, a DM, Now/Next, dark mode', async ({
  browser,
}) => {
  const { event, listed, organiser } = await demoLikeEvent();
  const email = newEmail('nina');
  const context = await phone(browser);
  const page = await context.newPage();

  // Sign up: the app goes live (not "Not live") on the loopback address.
  await signUp(page, 'Nina Newcomer', email, 'first password 123');
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-status', 'connected');
  await expect(page.getByTestId('connection-status')).toHaveText(/Live/);
  await expect(page.getByTestId('not-live-banner')).toHaveCount(0);

  // The verification mail's link opens a page that verifies the address.
  await page.goto(await mailedLink(email, 'verify-email'));
  await expect(page.getByTestId('verified')).toBeVisible();
  expect(await axeViolations(page)).toEqual([]);

  // Sign out, then "Forgot password?" → the mailed link → a new password → sign in with it.
  await page.goto(`${appUrl()}/profile`);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  await page.getByRole('link', { name: 'Forgot password?' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Forgot your password?' })).toBeVisible();
  expect(await axeViolations(page)).toEqual([]);
  await page.getByLabel('E-mail').fill(email);
  await page.getByRole('button', { name: 'Send reset link' }).click();
  await expect(page.getByTestId('reset-requested')).toContainText(email);
  const resetLink = await mailedLink(email, 'reset-password');
  await page.goto(resetLink);
  await expect(page.getByRole('heading', { level: 1, name: 'Choose a new password' })).toBeVisible();
  expect(await axeViolations(page)).toEqual([]);
  await page.getByLabel('New password', { exact: true }).fill('second password 456');
  await page.getByRole('button', { name: 'Set new password' }).click();
  await expect(page.getByTestId('password-reset')).toBeVisible();
  // The link works once.
  await page.goto(resetLink);
  await page.getByLabel('New password', { exact: true }).fill('third password 789');
  await page.getByRole('button', { name: 'Set new password' }).click();
  await expect(page.getByRole('alert')).toContainText('not valid any more');
  await expect(page.getByRole('link', { name: 'Ask for a new reset link' })).toBeVisible();
  expect(await axeViolations(page)).toEqual([]);
  await page.goto(`${appUrl()}/`);
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Password').fill('second password 456');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Events' })).toBeVisible();

  // Join the event: its announcement shows in Messages with its unread count, and on the tab.
  await page.goto(`${appUrl()}/events/${event.id}`);
  await page.getByRole('button', { name: 'Going', exact: true }).click();
  await expect(page.getByTestId('rsvp-status')).toHaveText('You are going.');
  await page
    .getByRole('navigation', { name: 'Main' })
    .getByRole('link', { name: /^Messages/ })
    .click();
  const announcements = page.getByRole('link', { name: /Announcements/ });
  await expect(announcements).toContainText(event.title);
  await expect(announcements.getByTestId('unread-count')).toHaveText(/^1/);
  await expect(page.getByTestId('unread-total')).toHaveText(/^1/);
  expect(await axeViolations(page)).toEqual([]);
  await announcements.click();
  await expect(page.getByTestId('message').filter({ hasText: 'Badges are at the front desk' })).toBeVisible();
  await expect(page.getByTestId('unread-total')).toHaveCount(0);

  // A DM from the event's people.
  await page.goto(`${appUrl()}/events/${event.id}`);
  await page.getByRole('link', { name: 'People' }).click();
  await expect(page.getByRole('heading', { level: 1, name: /^People/ })).toBeVisible();
  expect(await axeViolations(page)).toEqual([]);
  await page.getByRole('button', { name: `Message ${listed.name}` }).click();
  await expect(page.getByRole('heading', { level: 1, name: listed.name })).toBeVisible();
  await page.getByRole('textbox', { name: 'Message' }).fill('Hi Lena, see you at the keynote?');
  await page.getByRole('button', { name: 'Send' }).click();
  await expect(
    page.getByTestId('message').filter({ hasText: 'see you at the keynote' }).locator('[data-tick]'),
  ).toHaveAttribute('data-tick', /sent|delivered/);
  await page
    .getByRole('navigation', { name: 'Main' })
    .getByRole('link', { name: /^Messages/ })
    .click();
  await expect(page.getByRole('link', { name: new RegExp(listed.name) })).toBeVisible();

  // A speaker's page from the agenda, and a message to them from it.
  await page.goto(`${appUrl()}/events/${event.id}/agenda`);
  await page.getByRole('link', { name: organiser.name }).first().click();
  await expect(page.getByRole('heading', { level: 1, name: organiser.name })).toBeVisible();
  await expect(page.getByText('Programme chair')).toBeVisible();
  await expect(page.getByRole('link', { name: 'Opening keynote' })).toBeVisible();
  expect(await axeViolations(page)).toEqual([]);
  await page.getByRole('button', { name: `Message ${organiser.name}` }).click();
  await expect(page.getByRole('heading', { level: 1, name: organiser.name })).toBeVisible();
  await expect(page.getByRole('textbox', { name: 'Message' })).toBeVisible();

  // Now / Next during the first session. The clock moves inside the loaded app, not just before a
  // reload: a reload that cuts off the token refresh the jump starts would present the rotated
  // refresh token again, which the server treats as reuse (a known gap, see docs/gotchas.md).
  await page.goto(`${appUrl()}/events/${event.id}/agenda`);
  const nowNext = page.getByRole('link', { name: 'Now / Next' });
  await expect(nowNext).toBeVisible();
  await page.clock.setFixedTime(new Date(Date.parse(event.startsAt) + 90 * 60_000));
  await nowNext.click();
  await expect(page.getByTestId('now').getByRole('link', { name: 'Opening keynote' })).toBeVisible();
  await expect(
    page.getByTestId('next').getByRole('link', { name: 'Offline first in practice' }),
  ).toBeVisible();

  // Dark mode, chosen in the profile, with the directory choice next to it.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Profile' }).click();
  await page.getByRole('radio', { name: 'Dark' }).check();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await expect(page.getByRole('checkbox', { name: /List me in the people/ })).not.toBeChecked();
  expect(await axeViolations(page)).toEqual([]);
  await context.close();
});

test('desktop: sign-up to a verified address, the account screens and People, axe clean', async ({
  browser,
}) => {
  const { event, listed, organiser } = await demoLikeEvent();
  // Full: Lena has the only seat, so Dora's "Going" puts her on the waitlist.
  await call('PATCH', `/api/v1/events/${event.id}`, organiser.token, { capacity: 1 });
  const email = newEmail('dora');
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, timezoneId: 'UTC' });
  const page = await context.newPage();
  await signUp(page, 'Dora Desktop', email, 'desktop password 1');
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-status', 'connected');

  // Before verifying, the profile says so and offers a new link; the link verifies.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Profile' }).click();
  await expect(page.getByText('not verified yet')).toBeVisible();
  await page.getByRole('button', { name: 'Send a new verification link' }).click();
  await expect(page.getByText(`A new link is on its way to ${email}`)).toBeVisible();
  const first = await mailedLink(email, 'verify-email');
  await page.goto(first);
  await expect(page.getByTestId('verified')).toBeVisible();
  // A broken link says so and offers a way on.
  await page.goto(`${appUrl()}/verify-email?token=${'x'.repeat(40)}`);
  await expect(page.getByRole('alert')).toContainText('not valid');
  await expect(page.getByRole('button', { name: 'Send a new verification link' })).toBeVisible();
  expect(await axeViolations(page)).toEqual([]);

  // Messages before joining anything: an empty state that says what to do.
  await page.goto(`${appUrl()}/messages`);
  await expect(page.getByText('No conversations yet')).toBeVisible();

  // Opting in, joining, and finding someone by company.
  await page.goto(`${appUrl()}/profile`);
  await page.getByRole('checkbox', { name: /List me in the people/ }).check();
  await page.goto(`${appUrl()}/events/${event.id}`);
  await page.getByRole('button', { name: 'Going', exact: true }).click();
  const waitlisted = page.getByRole('button', { name: 'Waitlisted' });
  await expect(waitlisted).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByRole('button', { name: 'Going', exact: true })).toHaveCount(0);
  await expect(page.getByTestId('rsvp-status')).toContainText('waitlist');
  expect(await axeViolations(page)).toEqual([]);
  await page.getByRole('link', { name: 'People' }).click();
  await page.getByRole('searchbox', { name: 'Search people' }).fill('acme');
  await page.getByRole('button', { name: 'Search' }).click();
  await expect(page.locator('.person')).toHaveCount(1);
  await expect(page.getByRole('button', { name: `Message ${listed.name}` })).toBeVisible();
  await page.getByRole('searchbox', { name: 'Search people' }).fill('');
  await page.getByRole('button', { name: 'Search' }).click();
  // Dora chose to be listed: she sees herself (without a button to message herself) and Lena.
  await expect(page.locator('.person')).toHaveCount(2);
  await expect(page.getByRole('button', { name: /^Message/ })).toHaveCount(1);
  expect(await axeViolations(page)).toEqual([]);

  // A new event on a UTC device defaults to UTC, named so (not the first zone of the list).
  await page.goto(`${appUrl()}/events/new`);
  await expect(page.getByLabel('Time zone')).toHaveValue('UTC');
  await expect(page.getByLabel('Time zone').locator('option:checked')).toHaveText(/^UTC/);
  await context.close();
});
