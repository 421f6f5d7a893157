import { randomUUID } from 'node:crypto';
import type { Event, Order, TicketType } from '@muster/protocol';
import { expect, type Page, test } from '@playwright/test';
import { forgedCode } from '../../server/test/forged-code.ts';
import {
  call,
  phone,
  publishedEvent,
  registerUser,
  serviceWorkerReady,
  signIn,
  type TestUser,
} from './support.ts';

/** A published event selling free tickets; `holder` gets `count` of them. */
async function ticketedEvent(organiser: TestUser, holder: TestUser, count: number) {
  const { event } = await publishedEvent(organiser, [{ title: 'Opening', room: 'Main Hall' }]);
  const type = await call<TicketType>('POST', `/api/v1/events/${event.id}/ticket-types`, organiser.token, {
    name: 'General admission',
    priceCents: 0,
    currency: 'EUR',
    quantity: 100,
  });
  const order = await call<Order>('POST', `/api/v1/events/${event.id}/orders`, holder.token, {
    items: [{ ticketTypeId: type.id, quantity: count }],
  });
  return { event, tickets: order.tickets };
}

const grant = (event: Event, organiser: TestUser, user: TestUser, role: string) =>
  call('PUT', `/api/v1/events/${event.id}/roles/${user.id}`, organiser.token, { role });

/** A code typed by a hardware scanner: the characters, then Enter. */
async function wedge(page: Page, code: string) {
  await page.getByTestId('wedge').fill(code);
  await page.getByTestId('wedge').press('Enter');
}

test('a volunteer keeps scanning through a network drop; the dashboard shows the counts and the double entry', async ({
  browser,
}) => {
  const organiser = await registerUser('Orla Organiser');
  const holder = await registerUser('Hana Holder');
  const volunteer = await registerUser('Vic Volunteer');
  const southStaff = await registerUser('Sam South');
  const { event, tickets } = await ticketedEvent(organiser, holder, 4);
  const [first, second, third] = tickets as [Order['tickets'][0], Order['tickets'][0], Order['tickets'][0]];
  await grant(event, organiser, volunteer, 'volunteer');
  await grant(event, organiser, southStaff, 'staff');

  const context = await phone(browser);
  const page = await context.newPage();
  await signIn(page, volunteer);
  await page.goto(`/events/${event.id}/door`);
  await expect(page.getByTestId('verdict')).toHaveText('Ready to scan');
  await page.getByLabel('Door name').fill('North');
  await page.getByLabel('Door name').blur();
  await expect(page.getByTestId('wedge')).toBeEnabled();

  await wedge(page, first.qr);
  await expect(page.getByTestId('verdict')).toHaveAttribute('data-result', 'admitted');
  await expect(page.getByTestId('verdict')).toContainText('Hana Holder');
  // Volunteers scan; searching by name is for staff.
  await expect(page.getByRole('heading', { name: 'Find a ticket' })).toHaveCount(0);

  // The Wi-Fi drops: verdicts keep coming, decided on the phone.
  await context.setOffline(true);
  await expect(page.getByTestId('door-offline')).toBeVisible();
  await wedge(page, second.qr);
  await expect(page.getByTestId('verdict')).toHaveAttribute('data-result', 'admitted');
  await expect(page.getByTestId('verdict')).toContainText('checked on this device');
  await wedge(page, second.qr);
  await expect(page.getByTestId('verdict')).toHaveAttribute('data-result', 'already_checked_in');
  await wedge(page, forgedCode(third.qr));
  await expect(page.getByTestId('verdict')).toHaveAttribute('data-result', 'invalid');
  await expect(page.getByTestId('door-offline')).toContainText('1 waiting');

  // Meanwhile the South door, offline too, had let the same second ticket in and syncs first.
  await call('POST', `/api/v1/events/${event.id}/checkins/batch`, southStaff.token, {
    scans: [
      {
        qr: second.qr,
        doorId: 'South',
        scanId: randomUUID(),
        scannedAt: new Date(Date.now() - 30_000).toISOString(),
        offlineVerdict: 'admitted',
      },
    ],
  });

  await context.setOffline(false);
  await expect(page.getByTestId('door-offline')).toHaveCount(0);
  await expect(page.getByTestId('door-conflict')).toContainText('also at South');

  const dashboardContext = await phone(browser);
  const dashboard = await dashboardContext.newPage();
  await signIn(dashboard, organiser);
  await dashboard.goto(`/events/${event.id}/door/dashboard`);
  await expect(dashboard.getByTestId('door-checked-in')).toContainText('2 of 4');
  await expect(dashboard.getByTestId('dashboard-conflict')).toHaveCount(1);
  await expect(dashboard.getByTestId('dashboard-conflict')).toContainText('Hana Holder');

  // Live: one more admission moves the organiser's count without a reload.
  await wedge(page, third.qr);
  await expect(page.getByTestId('verdict')).toHaveAttribute('data-result', 'admitted');
  await expect(dashboard.getByTestId('door-checked-in')).toContainText('3 of 4');
  await context.close();
  await dashboardContext.close();
});

test('an attendee sees their ticket and its QR with no network', async ({ browser }) => {
  const organiser = await registerUser('Oren Organiser');
  const holder = await registerUser('Tess Ticket');
  const { tickets } = await ticketedEvent(organiser, holder, 1);
  const context = await phone(browser);
  const page = await context.newPage();
  await signIn(page, holder);
  await page.goto('/tickets');
  await expect(page.getByTestId('ticket-qr')).toHaveAttribute(
    'alt',
    'Ticket for Tess Ticket, General admission',
  );
  await serviceWorkerReady(page);
  // The store saves a moment after a change: wait until the ticket is in the saved copy.
  await expect
    .poll(() =>
      page.evaluate(
        ({ key, ticketId }) =>
          new Promise<boolean>((resolve) => {
            const open = indexedDB.open('muster');
            open.onsuccess = () => {
              const get = open.result.transaction('kv', 'readonly').objectStore('kv').get(key);
              get.onsuccess = () => {
                const tables = (get.result as { tables?: { tickets?: Record<string, unknown> } } | undefined)
                  ?.tables;
                open.result.close();
                resolve(Boolean(tables?.tickets?.[ticketId]));
              };
              get.onerror = () => resolve(false);
            };
            open.onerror = () => resolve(false);
          }),
        { key: `state:${holder.id}`, ticketId: tickets[0]!.id },
      ),
    )
    .toBe(true);
  await context.setOffline(true);
  await page.reload();
  await expect(page.getByTestId('ticket-card')).toHaveCount(1);
  await expect(page.getByTestId('ticket-qr')).toBeVisible();
  await expect(page.getByTestId('ticket-card')).toContainText('Tess Ticket');
  await context.close();
});
