import type { Order, Ticket, TicketType } from '@muster/protocol';
import { entities, scopes } from '@muster/protocol';
import { eq, sql } from 'drizzle-orm';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildEvent, call } from '../../../test/factories/events.ts';
import { scopeChanges } from '../../../test/factories/messaging.ts';
import { injectAs, registerUser, type TestUser } from '../../../test/factories.ts';
import { type FakeStripe, type SignedEvent, startFakeStripe } from '../../../test/fake-stripe/index.ts';
import { useFixture } from '../../../test/fixture.ts';
import { useTestServer } from '../../../test/harness.ts';
import { expireHold } from './tickets.orders.ts';
import { orders, ticketTypes } from './tickets.tables.ts';

const stripe = useFixture(
  'fake Stripe',
  () => startFakeStripe(),
  (fake: FakeStripe) => fake.close(),
);
const server = useTestServer(() => ({
  env: {
    STRIPE_SECRET_KEY: stripe.secretKey,
    STRIPE_WEBHOOK_SECRET: stripe.webhookSecret,
    STRIPE_API_BASE: stripe.url,
  },
}));
const inject = injectAs(server);
let organiser: TestUser;
let buyer: TestUser;
beforeAll(async () => {
  organiser = await registerUser(server, { name: 'Organiser' });
});
// A buyer may place 10 orders a minute: each test buys as someone new.
beforeEach(async () => {
  buyer = await registerUser(server, { name: 'Zoë Łukasz' });
});

async function eventWithType(
  type: Partial<TicketType> & { quantity: number; priceCents?: number },
  capacity?: number,
) {
  const event = await buildEvent(server, organiser, capacity ? { capacity } : {});
  const created = await call<TicketType>(
    server,
    'POST',
    `/api/v1/events/${event.id}/ticket-types`,
    organiser,
    {
      name: 'Regular',
      priceCents: 0,
      currency: 'EUR',
      ...type,
    },
  );
  return { event, type: created };
}

const order = (user: TestUser, eventId: string, ticketTypeId: string, quantity = 1) =>
  inject('POST', `/api/v1/events/${eventId}/orders`, user, { items: [{ ticketTypeId, quantity }] });

const deliver = (event: SignedEvent) =>
  server.app.inject({
    method: 'POST',
    url: '/api/v1/payments/stripe/webhook',
    headers: { 'content-type': 'application/json', 'stripe-signature': event.signature },
    payload: event.payload,
  });

describe('ticket orders', () => {
  it('sells exactly 50 of 50 free tickets to 200 concurrent buyers, each ticket signed', async () => {
    const { event, type } = await eventWithType({ quantity: 50 });
    const buyers = await Promise.all(
      Array.from({ length: 200 }, (_, i) => registerUser(server, { name: `Buyer ${i}` })),
    );
    const answers = await Promise.all(buyers.map((b) => order(b, event.id, type.id)));
    const sold = answers.filter((a) => a.statusCode === 201);
    expect(sold).toHaveLength(50);
    expect(
      answers.filter((a) => a.statusCode === 409).every((a) => a.json().code === 'capacity_reached'),
    ).toBe(true);
    expect(answers.filter((a) => a.statusCode !== 201)).toHaveLength(150);
    for (const answer of sold) {
      const placed = answer.json<Order>();
      expect(placed.status).toBe('paid');
      expect(placed.tickets).toHaveLength(1);
      expect(placed.tickets[0]!.qr).toMatch(/^MT1\./);
    }
    const [row] = await server.platform.db.select().from(ticketTypes).where(eq(ticketTypes.id, type.id));
    expect(row!.sold).toBe(50);
    const count = await server.platform.db.execute(
      sql`select count(*)::int as n from tickets where ticket_type_id = ${type.id}`,
    );
    expect(Number(((count as unknown as { rows: { n: number }[] }).rows ?? count)[0]!.n)).toBe(50);
  });

  it('holds paid seats for 200 concurrent buyers of 50, and gives an expired hold back', async () => {
    const { event, type } = await eventWithType({ quantity: 50, priceCents: 2500 });
    const buyers = await Promise.all(
      Array.from({ length: 200 }, (_, i) => registerUser(server, { name: `Payer ${i}` })),
    );
    const answers = await Promise.all(buyers.map((b) => order(b, event.id, type.id)));
    const held = answers.filter((a) => a.statusCode === 201).map((a) => a.json<Order>());
    expect(held).toHaveLength(50);
    expect(
      held.every((o) => o.status === 'pending' && o.checkoutUrl?.startsWith(stripe.url) && o.holdExpiresAt),
    ).toBe(true);
    const session = [...stripe.sessions.values()].find((s) => s.metadata.orderId === held[0]!.id)!;
    expect(session).toMatchObject({ amount_total: 2500, currency: 'eur', client_reference_id: held[0]!.id });
    // The hold of one order runs out.
    await server.platform.db
      .update(orders)
      .set({ holdExpiresAt: new Date(Date.now() - 1000) })
      .where(eq(orders.id, held[0]!.id));
    expect(await expireHold(server.platform, held[0]!.id)).toBe('done');
    expect(await expireHold(server.platform, held[0]!.id)).toBe('skipped');
    expect(stripe.sessions.get(session.id)!.status).toBe('expired');
    const types = await call<{ items: TicketType[] }>(
      server,
      'GET',
      `/api/v1/events/${event.id}/ticket-types`,
      null,
    );
    expect(types.items[0]).toMatchObject({ available: 1, status: 'on_sale' });
    expect((await order(buyer, event.id, type.id)).statusCode).toBe(201);
    expect((await order(organiser, event.id, type.id)).json().code).toBe('capacity_reached');
  });

  it('issues tickets once for a webhook delivered twice, and refuses a bad signature', async () => {
    const { event, type } = await eventWithType({ quantity: 10, priceCents: 1000 });
    const placed = (await order(buyer, event.id, type.id, 2)).json<Order>();
    const session = [...stripe.sessions.values()].find((s) => s.metadata.orderId === placed.id)!;
    const paid = stripe.completeCheckout(session.id);
    const forged = { ...paid, payload: paid.payload.replace('"paid"', '"paid" ') };
    expect((await deliver(forged)).statusCode).toBe(400);
    const first = await deliver(paid);
    expect(first.json()).toMatchObject({ outcome: 'issued' });
    expect((await deliver(stripe.resign(paid))).json()).toMatchObject({ outcome: 'duplicate' });
    const settled = await call<Order>(server, 'GET', `/api/v1/orders/${placed.id}`, buyer);
    expect(settled.status).toBe('paid');
    expect(settled.tickets).toHaveLength(2);
    const mine = await call<{ items: Ticket[] }>(
      server,
      'GET',
      `/api/v1/me/tickets?eventId=${event.id}`,
      buyer,
    );
    expect(mine.items).toHaveLength(2);
    const userScope = await scopeChanges(server, buyer, scopes.user(buyer.id));
    expect(
      userScope.filter(
        (c) =>
          c.entity === entities.tickets.ticketChanged && c.data && (c.data as Ticket).orderId === placed.id,
      ),
    ).toHaveLength(2);
  });

  it('refunds through Stripe a payment that arrives after its hold ended and the seats were sold', async () => {
    const { event, type } = await eventWithType({ quantity: 1, priceCents: 1500 });
    const late = (await order(buyer, event.id, type.id)).json<Order>();
    await server.platform.db
      .update(orders)
      .set({ holdExpiresAt: new Date(Date.now() - 1000) })
      .where(eq(orders.id, late.id));
    await expireHold(server.platform, late.id);
    const other = await registerUser(server, { name: 'Quick buyer' });
    const quick = (await order(other, event.id, type.id)).json<Order>();
    expect(quick.status).toBe('pending');
    const lateSession = [...stripe.sessions.values()].find((s) => s.metadata.orderId === late.id)!;
    // Stripe let the buyer finish paying (its session outlives the hold).
    lateSession.status = 'open';
    const paid = stripe.completeCheckout(lateSession.id);
    expect((await deliver(paid)).json()).toMatchObject({ outcome: 'refunding' });
    await expect
      .poll(
        () =>
          stripe.refunds.find(
            (r) => r.payment_intent === stripe.sessions.get(lateSession.id)!.payment_intent,
          ),
        { timeout: 15_000 },
      )
      .toBeTruthy();
    const after = await call<Order>(server, 'GET', `/api/v1/orders/${late.id}`, buyer);
    expect(after).toMatchObject({ status: 'refunded', tickets: [] });
  });

  it('takes the seats again for a late payment when they are still free', async () => {
    const { event, type } = await eventWithType({ quantity: 5, priceCents: 900 });
    const late = (await order(buyer, event.id, type.id)).json<Order>();
    await server.platform.db
      .update(orders)
      .set({ holdExpiresAt: new Date(Date.now() - 1000) })
      .where(eq(orders.id, late.id));
    await expireHold(server.platform, late.id);
    const session = [...stripe.sessions.values()].find((s) => s.metadata.orderId === late.id)!;
    session.status = 'open';
    expect((await deliver(stripe.completeCheckout(session.id))).json()).toMatchObject({ outcome: 'issued' });
    expect((await call<Order>(server, 'GET', `/api/v1/orders/${late.id}`, buyer)).tickets).toHaveLength(1);
  });

  it('enforces per-person limits, sales windows, quotas and the event capacity with RSVPs', async () => {
    const { event, type } = await eventWithType({ quantity: 100, perPersonLimit: 2 }, 3);
    expect((await order(buyer, event.id, type.id, 2)).statusCode).toBe(201);
    expect((await order(buyer, event.id, type.id)).json().code).toBe('limit_reached');
    const third = await registerUser(server);
    expect((await order(third, event.id, type.id, 2)).json()).toMatchObject({ code: 'capacity_reached' });
    expect((await order(third, event.id, type.id, 1)).statusCode).toBe(201);
    // A ticketed event admits by ticket: a "going" RSVP is refused with a pointer to tickets.
    const rsvp = await inject('PUT', `/api/v1/events/${event.id}/rsvp`, third, { status: 'going' });
    expect(rsvp.statusCode).toBe(409);
    expect(rsvp.json().detail).toMatch(/ticket/);

    const later = await eventWithType({
      quantity: 10,
      salesStart: new Date(Date.now() + 3_600_000).toISOString(),
    });
    expect((await order(buyer, later.event.id, later.type.id)).json().detail).toMatch(/not started/);

    const shared = await buildEvent(server, organiser);
    const quota = await call<{ id: string }>(
      server,
      'POST',
      `/api/v1/events/${shared.id}/ticket-quotas`,
      organiser,
      { name: 'Hall', capacity: 3 },
    );
    const early = await call<TicketType>(
      server,
      'POST',
      `/api/v1/events/${shared.id}/ticket-types`,
      organiser,
      { name: 'Early', priceCents: 0, currency: 'EUR', quantity: 3, quotaId: quota.id },
    );
    const regular = await call<TicketType>(
      server,
      'POST',
      `/api/v1/events/${shared.id}/ticket-types`,
      organiser,
      { name: 'Regular', priceCents: 0, currency: 'EUR', quantity: 3, quotaId: quota.id },
    );
    expect((await order(buyer, shared.id, early.id, 2)).statusCode).toBe(201);
    const overQuota = await order(third, shared.id, regular.id, 2);
    expect(overQuota.json().code, overQuota.body).toBe('capacity_reached');
    expect((await order(third, shared.id, regular.id, 1)).statusCode).toBe(201);
  });

  it('refuses hostile orders and writes nothing', async () => {
    const { event, type } = await eventWithType({ quantity: 10 });
    const other = await eventWithType({ quantity: 10 });
    for (const items of [
      [{ ticketTypeId: type.id, quantity: 1_000_000 }],
      [{ ticketTypeId: type.id, quantity: -1 }],
      Array.from({ length: 11 }, () => ({ ticketTypeId: type.id, quantity: 1 })),
      [{ ticketTypeId: other.type.id, quantity: 1 }],
      [{ ticketTypeId: '00000000-0000-4000-8000-000000000000', quantity: 1 }],
      [{ ticketTypeId: type.id, quantity: 1, price: 0 }],
      [],
    ]) {
      const res = await inject('POST', `/api/v1/events/${event.id}/orders`, buyer, { items });
      expect(res.statusCode, JSON.stringify(items).slice(0, 80)).toBeGreaterThanOrEqual(400);
      expect(res.statusCode).toBeLessThan(500);
    }
    for (const body of [
      { name: 'x', priceCents: -5, currency: 'EUR', quantity: 1 },
      { name: 'x', priceCents: 5, currency: 'euro', quantity: 1 },
      { name: 'x', priceCents: 5, currency: 'EUR', quantity: 0 },
      { name: 'x'.repeat(500), priceCents: 5, currency: 'EUR', quantity: 1 },
    ])
      expect(
        (await inject('POST', `/api/v1/events/${event.id}/ticket-types`, organiser, body)).statusCode,
      ).toBe(400);
    expect(
      (
        await inject('POST', `/api/v1/events/${event.id}/ticket-types`, buyer, {
          name: 'Mine',
          priceCents: 0,
          currency: 'EUR',
          quantity: 5,
        })
      ).statusCode,
    ).toBe(403);
    const [row] = await server.platform.db.select().from(ticketTypes).where(eq(ticketTypes.id, type.id));
    expect(row!.sold).toBe(0);
  });

  it('voids and re-issues: the holder sees it, scanners get a revocation', async () => {
    const { event, type } = await eventWithType({ quantity: 5 });
    const placed = (await order(buyer, event.id, type.id)).json<Order>();
    const ticket = placed.tickets[0]!;
    expect((await inject('POST', `/api/v1/tickets/${ticket.id}/void`, buyer)).statusCode).toBe(403);
    const fresh = await call<Ticket>(server, 'POST', `/api/v1/tickets/${ticket.id}/reissue`, organiser, {
      holderName: 'Zoë L.',
    });
    expect(fresh).toMatchObject({ status: 'valid', holderName: 'Zoë L.' });
    expect(fresh.qr).not.toBe(ticket.qr);
    expect((await inject('POST', `/api/v1/tickets/${ticket.id}/void`, organiser)).statusCode).toBe(409);
    const door = await scopeChanges(server, organiser, scopes.door(event.id));
    expect(door.filter((c) => c.entity === entities.checkin.ticketRevoked).map((c) => c.id)).toEqual([
      ticket.id,
    ]);
    const mine = await call<{ items: Ticket[] }>(
      server,
      'GET',
      `/api/v1/me/tickets?eventId=${event.id}`,
      buyer,
    );
    expect(mine.items.map((t) => t.status).sort()).toEqual(['valid', 'void']);
  });

  it('refuses paid tickets with a clear error when no payment provider is configured', async () => {
    // A second server without Stripe settings, on its own database.
    const { createTestServer } = await import('../../../test/harness.ts');
    const plain = await createTestServer();
    try {
      const who = await registerUser(plain, { name: 'Organiser' });
      const event = await buildEvent(plain, who);
      const paid = await call<TicketType>(plain, 'POST', `/api/v1/events/${event.id}/ticket-types`, who, {
        name: 'Paid',
        priceCents: 100,
        currency: 'EUR',
        quantity: 5,
      });
      const free = await call<TicketType>(plain, 'POST', `/api/v1/events/${event.id}/ticket-types`, who, {
        name: 'Free',
        priceCents: 0,
        currency: 'EUR',
        quantity: 5,
      });
      const refused = await injectAs(plain)('POST', `/api/v1/events/${event.id}/orders`, who, {
        items: [{ ticketTypeId: paid.id, quantity: 1 }],
      });
      expect(refused.statusCode).toBe(503);
      expect(refused.json().detail).toMatch(/no payment provider/);
      expect(
        (
          await injectAs(plain)('POST', `/api/v1/events/${event.id}/orders`, who, {
            items: [{ ticketTypeId: free.id, quantity: 1 }],
          })
        ).statusCode,
      ).toBe(201);
    } finally {
      await plain.stop();
    }
  });
});
