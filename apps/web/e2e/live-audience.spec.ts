import { randomBytes } from 'node:crypto';
import AxeBuilder from '@axe-core/playwright';
import type { Event, Poll, Session } from '@muster/protocol';
import { type Browser, expect, type Page, test } from '@playwright/test';
import { call, phone, registerUser, signIn, type TestUser } from './support.ts';

async function axeViolations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa']).analyze();
  return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/** A published event with one session on now (the live audience is for sessions in progress). */
async function liveSession(organiser: TestUser): Promise<{ event: Event; session: Session }> {
  const community = await call<{ id: string }>('POST', '/api/v1/communities', organiser.token, {
    name: `Community ${randomBytes(3).toString('hex')}`,
  });
  const now = Date.now();
  const iso = (ms: number) => new Date(now + ms).toISOString();
  const event = await call<Event>('POST', '/api/v1/events', organiser.token, {
    communityId: community.id,
    title: `Live Conf ${randomBytes(3).toString('hex')}`,
    startsAt: iso(-3_600_000),
    endsAt: iso(6 * 3_600_000),
    timezone: 'UTC',
    venue: 'Test Hall',
    visibility: 'public',
  });
  const session = await call<Session>('POST', `/api/v1/events/${event.id}/sessions`, organiser.token, {
    title: 'Live audience, live',
    startsAt: iso(-600_000),
    endsAt: iso(3_000_000),
    room: 'Main Hall',
  });
  await call('POST', `/api/v1/events/${event.id}/publish`, organiser.token);
  return { event, session };
}

/** A signed-in phone on the session's Live tab, its socket connected. */
async function onLiveTab(browser: Browser, user: TestUser, sessionId: string): Promise<Page> {
  const context = await phone(browser);
  const page = await context.newPage();
  await signIn(page, user);
  await page.goto(`/sessions/${sessionId}/live`);
  await expect(page.getByTestId('live-tab')).toBeVisible();
  await expect(page.locator('.connection[data-status="connected"]')).toBeVisible();
  return page;
}

async function attendees(event: Event, names: string[]): Promise<TestUser[]> {
  const users = await Promise.all(names.map((name) => registerUser(name)));
  for (const user of users)
    await call('PUT', `/api/v1/events/${event.id}/rsvp`, user.token, { status: 'going' });
  return users;
}

test('a presenter opens a poll, three attendees vote, the presenter view shows the exact counts', async ({
  browser,
}) => {
  const organiser = await registerUser('Petra Presenter');
  const { event, session } = await liveSession(organiser);
  const voters = await attendees(event, ['Ann Voter', 'Ben Voter', 'Cat Voter']);

  const presenterContext = await phone(browser);
  const presenter = await presenterContext.newPage();
  await signIn(presenter, organiser);
  await presenter.goto(`/sessions/${session.id}/present`);
  await expect(presenter.getByTestId('qr')).toBeVisible();
  await presenter.getByLabel('Poll question').fill('Which transport?');
  await presenter.getByLabel('Options, one per line').fill('Sockets\nPolling\nCarrier pigeons');
  await presenter.getByRole('button', { name: 'Create poll' }).click();
  await presenter.getByRole('button', { name: 'Open poll' }).click();
  await expect(presenter.getByTestId('presenter-poll')).toContainText('Which transport?');

  const pages = await Promise.all(voters.map((voter) => onLiveTab(browser, voter, session.id)));
  const choices = ['Sockets', 'Sockets', 'Polling'];
  for (const [i, page] of pages.entries()) {
    await expect(page.getByTestId('poll-card')).toContainText('Which transport?');
    await page.getByLabel(choices[i]!).check();
    await page.getByRole('button', { name: 'Vote' }).click();
    await expect(page.getByText('Thanks, your vote counts.')).toBeVisible();
  }

  const results = presenter.getByTestId('presenter-poll');
  await expect(results.getByTestId('bar-Sockets').getByTestId('count')).toHaveText('2');
  await expect(results.getByTestId('bar-Polling').getByTestId('count')).toHaveText('1');
  await expect(results.getByTestId('bar-Carrier pigeons').getByTestId('count')).toHaveText('0');
  await expect(results.getByTestId('poll-total')).toContainText('3 votes');
  // The text alternative says the same for screen readers.
  await expect(pages[0]!.getByTestId('poll-results').locator('table')).toContainText('Sockets');
  expect(await axeViolations(pages[0]!)).toEqual([]);
  expect(await axeViolations(presenter)).toEqual([]);
  for (const page of pages) await page.context().close();
  await presenterContext.close();
});

test('with pre-moderation a question waits, a moderator approves it, it appears live and gets upvoted', async ({
  browser,
}) => {
  const organiser = await registerUser('Mo Moderator');
  const { event, session } = await liveSession(organiser);
  await call('PUT', `/api/v1/sessions/${session.id}/qna-settings`, organiser.token, { premoderation: true });
  const [asker, voter] = await attendees(event, ['Ada Asker', 'Una Upvoter']);

  const askerPage = await onLiveTab(browser, asker!, session.id);
  const voterPage = await onLiveTab(browser, voter!, session.id);
  await askerPage.getByLabel('Ask a question').fill('Does it work offline?');
  await askerPage.getByRole('button', { name: 'Ask', exact: true }).click();
  await expect(askerPage.getByTestId('question').filter({ hasText: 'Does it work offline?' })).toContainText(
    'Waiting for a moderator',
  );
  await expect(voterPage.getByText('Does it work offline?')).toHaveCount(0);

  // The organiser sees it waiting on the session's Live tab, and approves it from the event's queue.
  const moderator = await onLiveTab(browser, organiser, session.id);
  const pending = moderator.getByTestId('question').filter({ hasText: 'Does it work offline?' });
  await expect(pending).toContainText('Waiting for a moderator');
  await moderator.goto(`/events/${event.id}/moderation`);
  const queued = moderator.getByTestId('moderation-item').filter({ hasText: 'Does it work offline?' });
  await expect(queued).toContainText('by Ada Asker');
  await queued.getByRole('button', { name: 'Approve' }).click();
  await expect(queued).toHaveCount(0);

  const seen = voterPage.getByTestId('question').filter({ hasText: 'Does it work offline?' });
  await expect(seen).toBeVisible();
  await seen.getByTestId('upvote').click();
  await expect(seen.getByTestId('upvotes')).toHaveText('1');
  const own = askerPage.getByTestId('question').filter({ hasText: 'Does it work offline?' });
  await expect(own).not.toContainText('Waiting for a moderator');
  await expect(own.getByTestId('upvotes')).toHaveText('1');
  expect(await axeViolations(voterPage)).toEqual([]);
  // The moderator queue and its settings for the event's staff.
  await moderator.goto(`/events/${event.id}/moderation`);
  await expect(moderator.getByRole('heading', { name: /^Queue/ })).toBeVisible();
  expect(await axeViolations(moderator)).toEqual([]);
  await moderator.getByText('Settings', { exact: true }).click();
  await expect(moderator.getByLabel('Blocked words, one per line')).toBeVisible();
  expect(await axeViolations(moderator)).toEqual([]);
  await askerPage.context().close();
  await voterPage.context().close();
  await moderator.context().close();
});

test('a word cloud grows with the words given, and a hidden word is gone for everyone', async ({
  browser,
}) => {
  const organiser = await registerUser('Willa Words');
  const { event, session } = await liveSession(organiser);
  const [first, second] = await attendees(event, ['Wes Word', 'Wyn Word']);
  const poll = await call<Poll>('POST', `/api/v1/sessions/${session.id}/polls`, organiser.token, {
    question: 'One word for this talk?',
    kind: 'wordcloud',
    maxWords: 3,
    resultsVisibility: 'live',
  });
  await call('POST', `/api/v1/polls/${poll.id}/open`, organiser.token);

  const pages = await Promise.all([first!, second!].map((user) => onLiveTab(browser, user, session.id)));
  for (const [i, words] of ['sharp, rude', 'sharp'].entries()) {
    await pages[i]!.getByLabel(/Up to 3 words/).fill(words);
    await pages[i]!.getByRole('button', { name: 'Send' }).click();
  }
  const cloud = pages[1]!.getByTestId('word-cloud');
  await expect(cloud.locator('[data-word="sharp"]')).toBeVisible();
  await expect(cloud.locator('[data-word="rude"]')).toBeVisible();

  const presenterContext = await phone(browser);
  const presenter = await presenterContext.newPage();
  await signIn(presenter, organiser);
  await presenter.goto(`/sessions/${session.id}/present`);
  const presenterCloud = presenter.getByTestId('word-cloud');
  // Sized by count: the word given twice is larger than the one given once.
  const size = (word: string) =>
    presenterCloud
      .locator(`[data-word="${word}"]`)
      .evaluate((el) => Number.parseFloat(getComputedStyle(el).fontSize));
  await expect(presenterCloud.locator('[data-word="rude"]')).toBeVisible();
  expect(await size('sharp')).toBeGreaterThan(await size('rude'));
  await presenter.getByRole('button', { name: 'Hide “rude”' }).click();
  await expect(presenterCloud.locator('[data-word="rude"]')).toHaveCount(0);
  await expect(cloud.locator('[data-word="rude"]')).toHaveCount(0);
  await expect(cloud.locator('[data-word="sharp"]')).toBeVisible();
  for (const page of pages) await page.context().close();
  await presenterContext.close();
});

test('a vote made offline shows at once and reaches the server when the phone is back online', async ({
  browser,
}) => {
  const organiser = await registerUser('Otto Offline');
  const { event, session } = await liveSession(organiser);
  const [voter] = await attendees(event, ['Tunnel Voter']);
  const poll = await call<Poll>('POST', `/api/v1/sessions/${session.id}/polls`, organiser.token, {
    question: 'Rate the Wi-Fi',
    kind: 'rating',
    scale: 5,
    resultsVisibility: 'afterVote',
  });
  await call('POST', `/api/v1/polls/${poll.id}/open`, organiser.token);
  const page = await onLiveTab(browser, voter!, session.id);
  await expect(page.getByText('Results appear after you vote.')).toBeVisible();
  await page.context().setOffline(true);
  await page.getByRole('button', { name: '2 of 5' }).click();
  await expect(page.getByText('Vote saved — it is sent when you are back online.')).toBeVisible();
  await page.context().setOffline(false);
  await expect(page.getByText('Thanks, your vote counts.')).toBeVisible();
  // Once confirmed, the results of an afterVote poll are followed and shown.
  await expect(page.getByTestId('poll-total')).toContainText('1 vote · average 2.0');
  const view = await call<{ results?: { total: number } }>(
    'GET',
    `/api/v1/polls/${poll.id}`,
    organiser.token,
  );
  expect(view.results?.total).toBe(1);
  await page.context().close();
});
