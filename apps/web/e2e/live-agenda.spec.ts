import { expect, test } from '@playwright/test';
import { call, phone, publishedEvent, registerUser, signIn } from './support.ts';

test('an organiser moves a session and the attendee sees the new room within 1 s, marked as changed', async ({
  browser,
}) => {
  const organiser = await registerUser('Olive Organiser');
  const attendee = await registerUser('Ada Attendee');
  const { event, sessions } = await publishedEvent(organiser, [
    { title: 'Opening keynote', room: 'Main Hall', track: 'Keynotes' },
    { title: 'Sequence numbers, not hope', room: 'Room A', track: 'Engineering' },
  ]);
  const moved = sessions[1]!;
  await call('PUT', `/api/v1/events/${event.id}/rsvp`, attendee.token, { status: 'going' });

  const attendeeContext = await phone(browser);
  const attendeePage = await attendeeContext.newPage();
  await signIn(attendeePage, attendee);
  await attendeePage.goto(`/events/${event.id}/agenda`);
  const row = attendeePage.locator(`[data-session-id="${moved.id}"]`);
  await expect(row.getByTestId('session-room')).toHaveText('Room A');
  await expect(row.getByTestId('changed-marker')).toHaveCount(0);
  // Live: the attendee's socket is connected before the organiser acts.
  await expect(attendeePage.locator('.connection[data-status="connected"]')).toBeVisible();

  const organiserContext = await phone(browser);
  const organiserPage = await organiserContext.newPage();
  await signIn(organiserPage, organiser);
  await organiserPage.goto(`/sessions/${moved.id}/edit`);
  await organiserPage.getByLabel('Room').fill('Room B');
  const saved = organiserPage.waitForResponse(
    (res) => res.url().endsWith(`/api/v1/sessions/${moved.id}`) && res.request().method() === 'PATCH',
  );
  await organiserPage.getByRole('button', { name: 'Save changes' }).click();
  expect((await saved).status()).toBe(200);

  // From the moment the server answered the organiser: one second for the attendee's screen.
  await expect(row.getByTestId('session-room')).toHaveText('Room B', { timeout: 1000 });
  await expect(row.getByTestId('changed-marker')).toContainText('room', { timeout: 1000 });

  // The organiser's own screen shows the move too (no reload).
  await expect(organiserPage.getByTestId('session-room')).toHaveText('Room B');
  await attendeeContext.close();
  await organiserContext.close();
});
