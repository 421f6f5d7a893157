/**
 * `npm run screenshots`: PNGs of the app's main screens, taken from the real app on a real server
 * seeded with the demo (MusterConf), in Debian's Chromium with a phone profile. Writes
 * `docs/screenshots/<name>.png`, which the README shows.
 *
 * Also one desktop window in the dark theme (two-pane agenda). Before shooting it does what a person would: the organiser moves a session (so the agenda shows
 * a "changed" marker) and writes to the attendee, who reads and answers.
 */
import fs from 'node:fs';
import path from 'node:path';
import { type Browser, chromium, devices, expect, type Page } from '@playwright/test';
import { startE2eServer } from './app-server.ts';

const out = path.resolve(import.meta.dirname, '../docs/screenshots');

interface Login {
  email: string;
  password: string;
}

/** The demo logins the server printed when it seeded. */
function demoLogins(output: string): Record<string, Login> {
  const logins: Record<string, Login> = {};
  for (const match of output.matchAll(/^\s+(\w+)\s+((\w+)@demo\.muster\.dev)\s+(\S+)/gm))
    logins[match[3]!] = { email: match[2]!, password: match[4]! };
  if (!logins.organiser || !logins.attendee)
    throw new Error(`no demo logins in the server output:\n${output}`);
  return logins;
}

/** A phone by default; `desktop` is a 1280 × 800 window in the dark theme (both layouts in one set). */
async function signedInPage(
  browser: Browser,
  baseURL: string,
  login: Login,
  kind: 'phone' | 'desktop' = 'phone',
): Promise<Page> {
  const device =
    kind === 'phone'
      ? devices['Pixel 7']
      : { viewport: { width: 1280, height: 800 }, colorScheme: 'dark' as const };
  const context = await browser.newContext({ ...device, deviceScaleFactor: 1, baseURL });
  const page = await context.newPage();
  await page.goto('/');
  await page.getByLabel('E-mail').fill(login.email);
  await page.getByLabel('Password').fill(login.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Events' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'MusterConf' })).toBeVisible();
  return page;
}

async function shoot(page: Page, name: string) {
  // Let fonts, the socket indicator and late list items settle; the PNG is a picture, not a test.
  await page.waitForLoadState('networkidle').catch(() => undefined);
  await page.screenshot({ path: path.join(out, `${name}.png`) });
  console.log(`  docs/screenshots/${name}.png`);
}

async function main() {
  fs.mkdirSync(out, { recursive: true });
  const server = await startE2eServer({ seed: true });
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium' });
  try {
    const logins = demoLogins(server.output());
    const signInContext = await browser.newContext({
      ...devices['Pixel 7'],
      deviceScaleFactor: 1,
      baseURL: server.url,
    });
    const signInPage = await signInContext.newPage();
    await signInPage.goto('/');
    await expect(signInPage.getByRole('heading', { name: 'Sign in' })).toBeVisible();
    await shoot(signInPage, 'sign-in');

    const attendee = await signedInPage(browser, server.url, logins.attendee!);
    await shoot(attendee, 'events');
    await attendee.getByRole('link', { name: 'MusterConf' }).click();
    await expect(attendee.getByTestId('rsvp-status')).toContainText('going');
    const eventUrl = attendee.url();
    await shoot(attendee, 'event');
    await attendee.getByRole('link', { name: 'Speakers' }).first().click();
    await expect(attendee.getByRole('heading', { level: 1, name: 'Speakers' })).toBeVisible();
    await shoot(attendee, 'speakers');
    await attendee.getByRole('link', { name: /Priya Raman/ }).click();
    await expect(attendee.getByRole('heading', { level: 1, name: 'Priya Raman' })).toBeVisible();
    await shoot(attendee, 'speaker');
    await attendee.goto(new URL(eventUrl).pathname);
    await attendee.getByRole('link', { name: 'Agenda' }).click();
    await expect(attendee.getByRole('link', { name: 'Real-time without tears' })).toBeVisible();

    // The organiser moves a session while the attendee looks at the agenda.
    const organiser = await signedInPage(browser, server.url, logins.organiser!);
    await organiser.goto(new URL(eventUrl).pathname);
    await organiser.getByRole('link', { name: 'Agenda' }).click();
    await organiser.getByRole('link', { name: 'Real-time without tears' }).click();
    await organiser.getByRole('link', { name: 'Edit or move session' }).click();
    await organiser.getByLabel('Room').fill('Room C');
    await organiser.getByRole('button', { name: 'Save changes' }).click();
    await expect(attendee.getByTestId('changed-marker').first()).toBeVisible();
    await shoot(attendee, 'agenda');

    await organiser.getByRole('link', { name: 'Edit or move session' }).click();
    await shoot(organiser, 'organiser-move-session');
    await organiser.goto(new URL(eventUrl).pathname);
    await expect(organiser.getByRole('heading', { name: 'Organiser' })).toBeVisible();
    await organiser
      .getByRole('textbox', { name: 'Announcement' })
      .fill('Doors open at 8:30. Coffee in the foyer.');
    await shoot(organiser, 'organiser-event');
    await organiser.getByRole('button', { name: 'Post announcement' }).click();

    await attendee.getByRole('link', { name: 'My schedule' }).click();
    await expect(attendee.getByTestId('conflict').first()).toBeVisible();
    await shoot(attendee, 'schedule');
    await attendee.getByRole('link', { name: 'Real-time without tears' }).click();
    await expect(attendee.getByLabel('My private note')).toHaveValue('Ask about sequence numbers.');
    await shoot(attendee, 'session-note');

    // The live audience: the organiser opens a poll from the presenter view (a desktop window, as on
    // a projector) and asks a question; the attendee votes, asks and reports the organiser's question,
    // which lands in the moderator queue.
    const sessionPath = new URL(attendee.url()).pathname;
    const presenter = await signedInPage(browser, server.url, logins.organiser!, 'desktop');
    await presenter.goto(`${sessionPath}/present`);
    await presenter.getByLabel('Poll question').fill('Which transport do you ship?');
    await presenter.getByLabel('Options, one per line').fill('WebSocket\nLong-polling\nServer-sent events');
    await presenter.getByRole('button', { name: 'Create poll' }).click();
    await presenter.getByRole('button', { name: 'Open poll' }).click();
    await attendee.goto(`${sessionPath}/live`);
    await attendee.getByLabel('WebSocket').check();
    await attendee.getByRole('button', { name: 'Vote' }).click();
    await attendee.getByLabel('Ask a question').fill('How do you resume after a dropped connection?');
    await attendee.getByRole('button', { name: 'Ask', exact: true }).click();
    await expect(attendee.getByTestId('poll-results')).toBeVisible();
    await expect(presenter.getByTestId('top-questions')).toContainText('dropped connection');
    await presenter.getByRole('heading', { level: 1 }).scrollIntoViewIfNeeded();
    await shoot(presenter, 'presenter');
    await presenter.goto(`${sessionPath}/live`);
    await presenter.getByLabel('Ask a question').fill('Buy cheap followers at spam.example');
    await presenter.getByRole('button', { name: 'Ask', exact: true }).click();
    const spam = attendee.getByTestId('question').filter({ hasText: 'spam.example' });
    await spam.getByRole('button', { name: 'Report' }).click();
    await expect(spam.getByRole('status')).toHaveText('Reported to the moderators.');
    await attendee.getByRole('heading', { level: 1 }).scrollIntoViewIfNeeded();
    await shoot(attendee, 'live-tab');
    await organiser.goto(`${new URL(eventUrl).pathname}/moderation`);
    await expect(organiser.getByRole('heading', { name: /^Queue/ })).toBeVisible();
    await shoot(organiser, 'moderation-queue');

    // Tickets and the door: the attendee's pass, a steward at the door who loses the network.
    const eventPath = new URL(eventUrl).pathname;
    await attendee.goto(`${eventPath}/tickets`);
    await expect(attendee.getByTestId('ticket-type').first()).toBeVisible();
    await attendee.getByRole('button', { name: 'One more Supporter pass' }).click();
    await shoot(attendee, 'tickets');
    await attendee.goto('/tickets');
    await expect(attendee.getByTestId('ticket-qr')).toBeVisible();
    await shoot(attendee, 'my-ticket');
    const code = (await attendee.locator('.ticket-code').first().textContent()) ?? '';
    const steward = await signedInPage(browser, server.url, logins.staff!);
    await steward.goto(`${eventPath}/door`);
    await steward.getByLabel('Door name').fill('North entrance');
    await steward.getByLabel('Door name').blur();
    await expect(steward.getByTestId('wedge')).toBeEnabled();
    await steward.context().setOffline(true);
    await expect(steward.getByTestId('door-offline')).toBeVisible();
    await steward.getByTestId('wedge').fill(code);
    await steward.getByTestId('wedge').press('Enter');
    await expect(steward.getByTestId('verdict')).toHaveAttribute('data-result', 'admitted');
    await shoot(steward, 'door-offline');
    await steward.context().setOffline(false);
    await expect(steward.getByTestId('door-offline')).toHaveCount(0);
    await organiser.goto(`${eventPath}/door/dashboard`);
    await expect(organiser.getByTestId('door-checked-in')).toContainText('1 of');
    await shoot(organiser, 'door-dashboard');
    // The game: the team board first, the hunt with its clues, my card to exchange.
    await attendee.goto(`${eventPath}/leaderboard`);
    await expect(attendee.getByTestId('standing').first()).toBeVisible();
    await expect(attendee.getByTestId('my-team')).toContainText('Night Owls');
    await shoot(attendee, 'leaderboard');
    await attendee.goto(`${eventPath}/hunt`);
    await expect(attendee.getByText('Clue: Where the sponsors roast live.')).toBeVisible();
    await shoot(attendee, 'hunt');
    await attendee.goto(`/card?event=${eventPath.split('/').pop()}`);
    await expect(attendee.getByTestId('card-code')).toBeVisible();
    await shoot(attendee, 'my-card');
    await organiser.goto(eventPath);
    await attendee.goto(sessionPath);

    // A direct message from the organiser, read and answered by the attendee.
    await organiser.getByRole('link', { name: 'Attendees' }).click();
    await organiser.getByRole('button', { name: 'Message Alex Attendee' }).click();
    await organiser
      .getByRole('textbox', { name: 'Message' })
      .fill('Hi Alex! Your speaker badge is at desk 3.');
    await organiser.getByRole('button', { name: 'Send' }).click();
    await attendee.getByRole('link', { name: /^Messages/ }).click();
    await expect(attendee.getByTestId('unread-count').first()).toBeVisible();
    await shoot(attendee, 'messages');
    // The inbox: the DM arrived as a notification; and the settings that decide what reaches you.
    await attendee.goto('/inbox');
    await expect(attendee.getByText('Olivia Okafor').first()).toBeVisible();
    await shoot(attendee, 'inbox');
    await attendee.goto('/settings/notifications');
    await expect(attendee.getByRole('heading', { name: 'What reaches you' })).toBeVisible();
    await shoot(attendee, 'notification-settings');
    await attendee.goto('/messages');
    await attendee.getByRole('link', { name: /Olivia Okafor/ }).click();
    await attendee.getByRole('textbox', { name: 'Message' }).fill('Thanks, on my way!');
    await attendee.getByRole('button', { name: 'Send' }).click();
    await expect(organiser.getByText('Thanks, on my way!')).toBeVisible();
    await expect(organiser.locator('[data-tick="read"]').first()).toBeVisible();
    await shoot(organiser, 'chat');

    // Offline: the schedule is still there, with a queued change counted in the banner.
    await attendee.context().setOffline(true);
    await attendee.reload();
    await attendee.getByRole('link', { name: 'My schedule' }).click();
    await attendee
      .getByRole('button', { name: /Remove from my schedule/ })
      .first()
      .click();
    // (Writes still in flight when the network went count too.)
    await expect(attendee.getByTestId('pending-count')).toHaveText(/\d+ actions? waiting to send/);
    await shoot(attendee, 'offline');

    // A desktop window in the dark theme: side navigation and the two-pane agenda.
    const desktop = await signedInPage(browser, server.url, logins.attendee!, 'desktop');
    await desktop.goto(`${new URL(eventUrl).pathname}/agenda`);
    await desktop.getByRole('link', { name: 'Real-time without tears' }).click();
    await expect(desktop.getByTestId('session-pane')).toBeVisible();
    await shoot(desktop, 'desktop-agenda-dark');
  } finally {
    await browser.close();
    await server.stop();
  }
}

await main();
