import type { Hunt } from '@muster/protocol';
import { expect, test } from '@playwright/test';
import { call, phone, publishedEvent, registerUser, signIn } from './support.ts';

test("one finds a hunt checkpoint and the team's rank moves on a teammate's screen within 5 s", async ({
  browser,
}) => {
  const ann = await registerUser('Ann Organiser');
  const bo = await registerUser('Bo Hunter');
  const cy = await registerUser('Cy Teammate');
  const dee = await registerUser('Dee Rival');
  const { event } = await publishedEvent(ann, []);
  for (const person of [bo, cy, dee])
    await call('PUT', `/api/v1/events/${event.id}/rsvp`, person.token, { status: 'going' });
  const hunt = await call<Hunt>('POST', `/api/v1/events/${event.id}/hunts`, ann.token, {
    title: 'Coffee trail',
    checkpoints: [
      { name: 'Espresso bar', points: 30, clue: 'Follow the smell' },
      { name: 'Tea corner', points: 25 },
    ],
  });
  const [espresso, tea] = hunt.checkpoints.map((cp) => cp.code!);
  const blue = await call<{ id: string }>('POST', `/api/v1/events/${event.id}/teams`, bo.token, {
    name: 'Blue',
  });
  await call('POST', `/api/v1/teams/${blue.id}/join`, cy.token);
  await call('POST', `/api/v1/events/${event.id}/teams`, dee.token, { name: 'Red' });
  // Red leads: Dee found the tea corner.
  await call('POST', '/api/v1/hunts/checkpoints/claim', dee.token, { code: tea });

  const cyPhone = await (await phone(browser)).newPage();
  await signIn(cyPhone, cy);
  await cyPhone.goto(`/events/${event.id}/leaderboard`);
  const standings = cyPhone.getByTestId('standing');
  await expect(standings.first()).toContainText('Red');
  await expect(standings.nth(1)).toContainText('Blue');
  await expect(cyPhone.getByTestId('my-team')).toContainText('Blue');

  const boPhone = await (await phone(browser)).newPage();
  await signIn(boPhone, bo);
  await boPhone.goto(`/events/${event.id}/hunt`);
  await expect(boPhone.getByText('Clue: Follow the smell')).toBeVisible();
  await boPhone
    .getByLabel('Checkpoint code')
    .fill(`${espresso!.slice(0, 4).toLowerCase()}-${espresso!.slice(4)}`);
  const claimed = Date.now();
  await boPhone.getByRole('button', { name: 'Claim' }).click();
  await expect(boPhone.getByTestId('claim-result')).toContainText('Found Espresso bar! +30 points');

  // Cy did nothing: the board moves on its own.
  await expect(standings.first()).toContainText('Blue', { timeout: 5000 });
  const moved = Date.now() - claimed;
  await expect(standings.first()).toContainText('30');
  await expect(standings.first()).toHaveAttribute('aria-current', 'true');
  console.log(`team rank moved on the teammate's screen ${moved} ms after the claim was tapped`);
});
