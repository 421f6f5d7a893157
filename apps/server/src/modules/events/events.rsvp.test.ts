import type { Change, Event, Rsvp, RsvpEntry } from '@muster/protocol';
import { and, asc, eq } from 'drizzle-orm';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildEvent, call, quickUsers, rsvp } from '../../../test/factories/events.ts';
import { registerUser, type TestUser } from '../../../test/factories.ts';
import { useTestServer } from '../../../test/harness.ts';
import { readChanges } from '../../platform/changes/change-log.ts';
import { notifications } from '../notifications/index.ts';
import { notifyPromotion, PROMOTION_NOTIFIED } from './events.jobs.ts';
import { rsvps } from './events.tables.ts';

const server = useTestServer();
let organiser: TestUser;
beforeAll(async () => {
  organiser = await registerUser(server, { name: 'Organiser' });
});

const getEvent = (id: string) => call<Event>(server, 'GET', `/api/v1/events/${id}`, organiser);
const listRsvps = (id: string, query = '') =>
  call<{ items: RsvpEntry[]; nextCursor: string | null }>(
    server,
    'GET',
    `/api/v1/events/${id}/rsvps?limit=500${query}`,
    organiser,
  );

async function until<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('RSVP capacity under concurrency', () => {
  it('seats exactly `capacity` of 200 simultaneous RSVPs and queues the rest in arrival order', async () => {
    const event = await buildEvent(server, organiser, { capacity: 50 });
    const people = await quickUsers(server, 200);
    const responses = await Promise.all(
      people.map((p) =>
        server.app.inject({
          method: 'PUT',
          url: `/api/v1/events/${event.id}/rsvp`,
          headers: p.headers,
          payload: { status: 'going' },
        }),
      ),
    );
    expect(responses.map((r) => r.statusCode)).toEqual(people.map(() => 200));
    const answers = responses.map((r) => r.json<Rsvp>());
    const going = answers.filter((a) => a.status === 'going');
    const waiting = answers.filter((a) => a.status === 'waitlisted');
    expect(going).toHaveLength(50);
    expect(going.every((a) => a.waitlistPosition === undefined)).toBe(true);
    expect(waiting.map((a) => a.waitlistPosition).sort((a, b) => a! - b!)).toEqual(
      Array.from({ length: 150 }, (_, i) => i + 1),
    );
    expect(await getEvent(event.id)).toMatchObject({ goingCount: 50, waitlistCount: 150 });

    // Arrival order is the order in which RSVPs reached the event's batch queue, batch after batch
    // under the event row lock: queue_order is drawn under it in that order, so every seated RSVP
    // arrived before every waitlisted one and positions follow queue order.
    const rows = await server.platform.db
      .select()
      .from(rsvps)
      .where(eq(rsvps.eventId, event.id))
      .orderBy(asc(rsvps.queueOrder));
    expect(rows.map((r) => r.status)).toEqual([...Array(50).fill('going'), ...Array(150).fill('waitlisted')]);
    const positionOf = new Map(people.map((p, i) => [p.id, answers[i]!.waitlistPosition]));
    expect(rows.slice(50).map((r) => positionOf.get(r.userId))).toEqual(
      Array.from({ length: 150 }, (_, i) => i + 1),
    );

    // The event scope gets the counters once per committed batch (group commit), in seq order: they
    // only grow here, seats fill before anyone waits, and the last record is the final state.
    const log = await readChanges(server.platform.db, `event:${event.id}`, 0, 1000);
    if ('reset' in log) throw new Error('unexpected reset');
    const counts = log.changes
      .filter((c) => c.entity === 'events.eventUpdated')
      .map((c) => [(c.data as Event).goingCount, (c.data as Event).waitlistCount] as const);
    expect(counts.length).toBeGreaterThan(0);
    expect(counts.length).toBeLessThanOrEqual(200);
    counts.forEach(([going, waiting], i) => {
      const [goingBefore, waitingBefore] = counts[i - 1] ?? [0, 0];
      expect(going).toBeGreaterThanOrEqual(goingBefore);
      expect(waiting).toBeGreaterThanOrEqual(waitingBefore);
      expect(going + waiting).toBeGreaterThan(goingBefore + waitingBefore);
      expect(going).toBeLessThanOrEqual(50);
      if (waiting > 0) expect(going).toBe(50);
    });
    expect(counts.at(-1)).toEqual([50, 150]);
    // The shared scope carries counts only; each person's RSVP goes to their own scope.
    expect(JSON.stringify(log.changes)).not.toContain(people[0]!.id);
    const mine = server.published.filter(
      (c) => c.scope === `user:${people[7]!.id}` && c.entity === 'events.rsvpChanged',
    );
    expect(mine.map((c) => c.data)).toEqual([answers[7]]);

    // Staff see the same queue.
    const listed = await listRsvps(event.id, '&status=waitlisted');
    expect(listed.items.map((e) => e.waitlistPosition)).toEqual(Array.from({ length: 150 }, (_, i) => i + 1));
    expect(listed.items.map((e) => e.userId)).toEqual(rows.slice(50).map((r) => r.userId));
  }, 120_000);

  it('is idempotent: repeating "going" keeps the seat or the queue place', async () => {
    const event = await buildEvent(server, organiser, { capacity: 1 });
    const [a, b, c] = await quickUsers(server, 3);
    expect(await rsvp(server, a!, event.id, 'going')).toMatchObject({ status: 'going' });
    expect(await rsvp(server, b!, event.id, 'going')).toMatchObject({
      status: 'waitlisted',
      waitlistPosition: 1,
    });
    expect(await rsvp(server, c!, event.id, 'going')).toMatchObject({
      status: 'waitlisted',
      waitlistPosition: 2,
    });
    expect(await rsvp(server, b!, event.id, 'going')).toMatchObject({
      status: 'waitlisted',
      waitlistPosition: 1,
    });
    expect(await rsvp(server, a!, event.id, 'going')).toMatchObject({ status: 'going' });
    expect(await getEvent(event.id)).toMatchObject({ goingCount: 1, waitlistCount: 2 });
  });
});

type Step = { user: number; action: 'going' | 'interested' | 'declined' | 'withdraw' | 'grow' };

/** The waitlist as a reference model: a seat count, statuses and a FIFO queue. */
class Model {
  capacity: number;
  status = new Map<number, string>();
  queue: number[] = [];
  constructor(capacity: number) {
    this.capacity = capacity;
  }
  get going() {
    return [...this.status.values()].filter((s) => s === 'going').length;
  }
  promote() {
    while (this.going < this.capacity && this.queue.length) this.status.set(this.queue.shift()!, 'going');
  }
  apply({ user, action }: Step) {
    const current = this.status.get(user);
    if (action === 'grow') {
      this.capacity += 1;
      return this.promote();
    }
    if (action === 'going' && (current === 'going' || current === 'waitlisted')) return;
    if (action === current) return;
    this.queue = this.queue.filter((u) => u !== user);
    if (action === 'withdraw') this.status.delete(user);
    else if (action !== 'going') this.status.set(user, action);
    else if (this.going < this.capacity && !this.queue.length) this.status.set(user, 'going');
    else {
      this.status.set(user, 'waitlisted');
      this.queue.push(user);
    }
    this.promote();
  }
}

describe('waitlist model', () => {
  it('matches a FIFO reference model for any sequence of RSVPs and capacity growth', async () => {
    const people = await quickUsers(server, 5, 'Model');
    const step = fc.record({
      user: fc.integer({ min: 0, max: 4 }),
      // Weighted towards "going" so that queues of several people form and then move.
      action: fc.constantFrom<Step['action']>(
        'going',
        'going',
        'going',
        'going',
        'interested',
        'declined',
        'withdraw',
        'grow',
      ),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 2 }),
        fc.array(step, { minLength: 8, maxLength: 30 }),
        async (capacity, steps) => {
          const event = await buildEvent(server, organiser, { capacity });
          const model = new Model(capacity);
          for (const s of steps) {
            model.apply(s);
            const person = people[s.user]!;
            if (s.action === 'grow')
              await call(server, 'PATCH', `/api/v1/events/${event.id}`, organiser, {
                capacity: model.capacity,
              });
            else if (s.action === 'withdraw')
              await call(server, 'DELETE', `/api/v1/events/${event.id}/rsvp`, person);
            else
              expect((await rsvp(server, person, event.id, s.action)).status).toBe(model.status.get(s.user));
          }
          const entries = (await listRsvps(event.id)).items;
          const byUser = new Map(entries.map((e) => [e.userId, e]));
          people.forEach((p, i) => {
            expect(byUser.get(p.id)?.status).toBe(model.status.get(i));
            const place = model.queue.indexOf(i);
            expect(byUser.get(p.id)?.waitlistPosition).toBe(place >= 0 ? place + 1 : undefined);
          });
          expect(model.going).toBeLessThanOrEqual(model.capacity);
          expect(await getEvent(event.id)).toMatchObject({
            capacity: model.capacity,
            goingCount: model.going,
            waitlistCount: model.queue.length,
          });
        },
      ),
      { numRuns: 15 },
    );
  }, 60_000);
});

describe('promotion from the waitlist', () => {
  it('seats the first waitlisted person when someone declines and notifies them exactly once', async () => {
    const event = await buildEvent(server, organiser, { capacity: 1, title: 'Tiny meetup' });
    const [seated, first, second] = await quickUsers(server, 3);
    await rsvp(server, seated!, event.id, 'going');
    await rsvp(server, first!, event.id, 'going');
    await rsvp(server, second!, event.id, 'going');

    expect(await rsvp(server, seated!, event.id, 'declined')).toMatchObject({ status: 'declined' });
    expect(await call<Rsvp>(server, 'GET', `/api/v1/events/${event.id}/rsvp`, first!)).toMatchObject({
      status: 'going',
    });
    expect(await call<Rsvp>(server, 'GET', `/api/v1/events/${event.id}/rsvp`, second!)).toMatchObject({
      status: 'waitlisted',
      waitlistPosition: 1,
    });
    expect(await getEvent(event.id)).toMatchObject({ goingCount: 1, waitlistCount: 1 });

    const isNotification = (c: Change) =>
      c.scope === `user:${first!.id}` && c.entity === 'notifications.created';
    const change = await until('the promotion notification', () => server.published.find(isNotification));
    expect(change.data).toMatchObject({
      kind: 'events.promoted',
      title: 'You have a seat at Tiny meetup',
      data: { eventId: event.id },
    });

    // A retried job (same payload) is a no-op, whether run directly or delivered again by the queue.
    const [row] = await server.platform.db
      .select()
      .from(rsvps)
      .where(and(eq(rsvps.eventId, event.id), eq(rsvps.userId, first!.id)));
    const payload = { eventId: event.id, userId: first!.id, queueOrder: row!.queueOrder };
    expect(await notifyPromotion(server.platform, payload)).toBe('skipped');
    const jobId = await server.platform.jobs.boss.send(PROMOTION_NOTIFIED, payload);
    await until('the duplicate job to finish', async () => {
      const job = await server.platform.jobs.boss.getJobById(PROMOTION_NOTIFIED, jobId!);
      return job?.state === 'completed' ? job : undefined;
    });
    const stored = await server.platform.db
      .select()
      .from(notifications)
      .where(eq(notifications.userId, first!.id));
    expect(stored).toHaveLength(1);
    expect(server.published.filter(isNotification)).toHaveLength(1);
  }, 60_000);

  it('withdrawing a seat or growing capacity promotes in queue order', async () => {
    const event = await buildEvent(server, organiser, { capacity: 1 });
    const [a, b, c, d] = await quickUsers(server, 4);
    for (const p of [a, b, c, d]) await rsvp(server, p!, event.id, 'going');
    await call(server, 'DELETE', `/api/v1/events/${event.id}/rsvp`, a!);
    expect((await call<Rsvp>(server, 'GET', `/api/v1/events/${event.id}/rsvp`, b!)).status).toBe('going');
    await call(server, 'PATCH', `/api/v1/events/${event.id}`, organiser, { capacity: 2 });
    expect((await call<Rsvp>(server, 'GET', `/api/v1/events/${event.id}/rsvp`, c!)).status).toBe('going');
    expect(await call<Rsvp>(server, 'GET', `/api/v1/events/${event.id}/rsvp`, d!)).toMatchObject({
      status: 'waitlisted',
      waitlistPosition: 1,
    });
    const refused = await server.app.inject({
      method: 'PATCH',
      url: `/api/v1/events/${event.id}`,
      headers: organiser.headers,
      payload: { capacity: 1 },
    });
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({ code: 'conflict', errors: [{ field: 'body.capacity' }] });
    await call(server, 'PATCH', `/api/v1/events/${event.id}`, organiser, { capacity: null });
    expect((await call<Rsvp>(server, 'GET', `/api/v1/events/${event.id}/rsvp`, d!)).status).toBe('going');
    expect(await getEvent(event.id)).toMatchObject({ capacity: null, goingCount: 3, waitlistCount: 0 });
  });
});
