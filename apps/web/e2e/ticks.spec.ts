import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '@playwright/test';
import { call, phone, publishedEvent, registerUser, signIn } from './support.ts';

test('ticks move sent → delivered → read between two people, with typing and an unread count', async ({
  browser,
}) => {
  const organiser = await registerUser('Olive Organiser');
  const attendee = await registerUser('Ada Attendee');
  const { event } = await publishedEvent(organiser, [{ title: 'Welcome', room: 'Main Hall' }]);
  await call('PUT', `/api/v1/events/${event.id}/rsvp`, attendee.token, { status: 'going' });

  // The organiser opens a DM with the attendee from the attendee list and writes while she is away.
  const orgContext = await phone(browser);
  const org = await orgContext.newPage();
  await signIn(org, organiser);
  await org.goto(`/events/${event.id}`);
  await org.getByRole('link', { name: 'Attendees' }).click();
  await org.getByRole('button', { name: `Message ${attendee.name}` }).click();
  await expect(org.getByRole('heading', { level: 1, name: attendee.name })).toBeVisible();
  await org.getByRole('textbox', { name: 'Message' }).fill('Welcome! Your badge is at desk 3.');
  await org.getByRole('button', { name: 'Send' }).click();
  const tick = org
    .getByTestId('message')
    .filter({ hasText: 'Your badge is at desk 3' })
    .locator('[data-tick]');
  await expect(tick).toHaveAttribute('data-tick', 'sent');

  // She opens the app (on the events list, not the conversation): the message reaches her device.
  const attContext = await phone(browser);
  const att = await attContext.newPage();
  await signIn(att, attendee);
  await expect(tick).toHaveAttribute('data-tick', 'delivered');
  await expect(att.getByTestId('unread-total')).toContainText('1');

  // She opens the conversation: read. The unread count goes.
  await att.getByRole('link', { name: /^Messages/ }).click();
  // (The API tells her no names of people outside her lists yet: the DM is listed by kind.)
  await att.getByRole('link', { name: /Direct message/ }).click();
  await expect(att.getByTestId('message').filter({ hasText: 'Your badge is at desk 3' })).toBeVisible();
  await expect(tick).toHaveAttribute('data-tick', 'read');
  await expect(att.getByTestId('unread-total')).toHaveCount(0);

  // She types an answer: the organiser sees that she is typing, then her message.
  await att.getByRole('textbox', { name: 'Message' }).fill('Thanks, on my way');
  await expect(org.getByTestId('typing')).toContainText('is typing');
  await att.getByRole('button', { name: 'Send' }).click();
  await expect(org.getByTestId('message').filter({ hasText: 'Thanks, on my way' })).toBeVisible();
  // The conversation is a log of list items that stay a list (Lighthouse counted an <ol role=log>).
  const axe = await new AxeBuilder({ page: org }).withTags(['wcag2a', 'wcag2aa']).analyze();
  expect(axe.violations.map((v) => v.id)).toEqual([]);
  await expect(org.getByRole('log', { name: 'Messages' }).getByRole('listitem')).toHaveCount(2);
  const dmPath = new URL(org.url()).pathname;
  await attContext.close();
  await orgContext.close();

  // The organiser signs in on a new phone: the ticks come from the server, still read.
  const freshContext = await phone(browser);
  const fresh = await freshContext.newPage();
  await signIn(fresh, organiser);
  await fresh.goto(dmPath);
  const freshTick = fresh
    .getByTestId('message')
    .filter({ hasText: 'Your badge is at desk 3' })
    .locator('[data-tick]');
  await expect(freshTick).toHaveAttribute('data-tick', 'read');
  await freshContext.close();
});
