import type { Rsvp, RsvpStatus } from '@muster/protocol';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { presentRsvp } from './events.presenter.ts';
import {
  alreadyInEffect,
  type BatchPlan,
  type BatchStart,
  isWholeWaitlist,
  planRsvpBatch,
  type RsvpIntent,
  waitlistHeadLimit,
} from './events.rsvp.batch.ts';
import type { RsvpRow } from './events.rsvp.repository.ts';

const EVENT_ID = '01900000-0000-7000-8000-000000000001';
const EARLIER = new Date('2030-01-01T10:00:00Z');
const NOW = new Date('2030-01-01T11:00:00Z');
const USERS = Array.from({ length: 8 }, (_, i) => `user-${i}`);

/**
 * The reference: one RSVP at a time with the whole table in view, as the one-transaction-per-RSVP
 * service did it (full scans, no cleverness), recording what each step answered and logged.
 */
class Sequential {
  capacity: number | null;
  rows = new Map<string, RsvpRow>();
  going = 0;
  waiting = 0;
  lastOrder = 0;
  now = EARLIER;
  answers: (Rsvp | null)[] = [];
  records: { userId: string; data: Rsvp | null; actorId: string }[] = [];
  promoted: RsvpRow[] = [];

  constructor(capacity: number | null) {
    this.capacity = capacity;
  }

  queue = () =>
    [...this.rows.values()]
      .filter((r) => r.status === 'waitlisted')
      .sort((a, b) => a.queueOrder - b.queueOrder);
  present = (row: RsvpRow) =>
    presentRsvp(row, row.status === 'waitlisted' ? this.queue().indexOf(row) + 1 : null);
  count(status: string, by: number) {
    if (status === 'going') this.going += by;
    if (status === 'waitlisted') this.waiting += by;
  }

  fill(actorId: string) {
    const free = this.capacity === null ? this.waiting : this.capacity - this.going;
    if (free <= 0 || this.waiting <= 0) return;
    const first = this.queue().slice(0, free);
    for (const row of first) {
      const seated: RsvpRow = { ...row, status: 'going', updatedAt: this.now };
      this.rows.set(row.userId, seated);
      this.promoted.push(seated);
      this.records.push({ userId: row.userId, data: presentRsvp(seated, null), actorId });
    }
    this.going += first.length;
    this.waiting -= first.length;
  }

  apply({ userId, action }: RsvpIntent) {
    const current = this.rows.get(userId);
    if (action === 'withdraw') {
      this.answers.push(null);
      if (!current) return;
      this.rows.delete(userId);
      this.count(current.status, -1);
      this.fill(userId);
      this.records.push({ userId, data: null, actorId: userId });
      return;
    }
    if (current && alreadyInEffect(current.status as RsvpStatus, action)) {
      this.answers.push(this.present(current));
      return;
    }
    if (current) this.count(current.status, -1);
    const seat = this.capacity === null || (this.going < this.capacity && this.waiting === 0);
    const status = action === 'going' ? (seat ? 'going' : 'waitlisted') : action;
    const createdAt = current?.createdAt ?? this.now;
    this.rows.set(userId, {
      eventId: EVENT_ID,
      userId,
      status,
      queueOrder: ++this.lastOrder,
      createdAt,
      updatedAt: this.now,
    });
    this.count(status, +1);
    this.fill(userId);
    const answer = this.present(this.rows.get(userId)!);
    this.answers.push(answer);
    this.records.push({ userId, data: answer, actorId: userId });
  }

  grow() {
    if (this.capacity !== null) this.capacity += 1;
    this.fill('organiser');
  }
}

/** What the service would load for `intents` from `model`'s table (with the head rule or all). */
function startOf(model: Sequential, intents: RsvpIntent[], wholeHead: boolean): BatchStart {
  const batchUsers = new Set(intents.map((i) => i.userId));
  const rows = [...model.rows.values()].filter((r) => batchUsers.has(r.userId));
  const queue = model.queue();
  const event = { capacity: model.capacity, goingCount: model.going, waitlistCount: model.waiting };
  const limit = wholeHead ? null : waitlistHeadLimit(event, intents);
  const waitlistHead = limit === null ? queue : queue.slice(0, limit);
  const puts = intents.filter((i) => i.action !== 'withdraw').length;
  return {
    eventId: EVENT_ID,
    ...event,
    rows,
    positions: new Map(queue.map((r, i) => [r.userId, i + 1] as const).filter(([u]) => batchUsers.has(u))),
    waitlistHead,
    headComplete: isWholeWaitlist(model.waiting, limit, waitlistHead.length),
    draws: Array.from({ length: puts }, (_, i) => model.lastOrder + 1 + i),
    now: NOW,
  };
}

/** The table after writing `plan` over the stored rows. */
function written(before: Map<string, RsvpRow>, plan: BatchPlan): Map<string, RsvpRow> {
  const after = new Map(before);
  for (const userId of plan.deletes) after.delete(userId);
  for (const row of plan.upserts) {
    const kept = plan.deletes.includes(row.userId) ? undefined : before.get(row.userId);
    after.set(row.userId, { ...row, createdAt: kept?.createdAt ?? row.createdAt });
  }
  return after;
}

const sorted = (rows: Map<string, RsvpRow>) =>
  [...rows.values()].sort((a, b) => a.userId.localeCompare(b.userId));

const user = fc.constantFrom(...USERS);
const intent = fc.record({
  userId: user,
  // Weighted towards "going" so that queues form, then move.
  action: fc.constantFrom<RsvpIntent['action']>(
    'going',
    'going',
    'going',
    'interested',
    'declined',
    'withdraw',
  ),
});
const history = fc.array(
  fc.oneof({ arbitrary: intent, weight: 9 }, { arbitrary: fc.constant('grow' as const), weight: 1 }),
  { maxLength: 30, size: 'max' },
);
const capacity = fc.option(fc.integer({ min: 1, max: 4 }), { nil: null, freq: 5 });

describe('RSVP batch planner', () => {
  it('answers, logs and stores what one RSVP at a time would, in arrival order', () => {
    fc.assert(
      fc.property(
        capacity,
        history,
        fc.array(intent, { minLength: 1, maxLength: 20, size: 'max' }),
        fc.boolean(),
        (cap, past, batch, wholeHead) => {
          const model = new Sequential(cap);
          for (const step of past) step === 'grow' ? model.grow() : model.apply(step);
          const before = new Map(model.rows);
          const start = startOf(model, batch, wholeHead);
          model.answers = [];
          model.records = [];
          model.promoted = [];
          model.now = NOW;
          for (const step of batch) model.apply(step);

          const plan = planRsvpBatch(start, batch);
          expect(plan.answers).toEqual(model.answers);
          expect(plan.records).toEqual(model.records);
          expect(plan.promoted).toEqual(model.promoted);
          expect(plan.counts).toEqual({ goingCount: model.going, waitlistCount: model.waiting });
          expect(sorted(written(before, plan))).toEqual(sorted(model.rows));
          expect(new Set(plan.upserts.map((r) => r.userId)).size).toBe(plan.upserts.length);
          const moved =
            plan.counts.goingCount !== start.goingCount || plan.counts.waitlistCount !== start.waitlistCount;
          expect(plan.countsActorId !== null).toBe(moved);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('gives newcomers consecutive places behind everyone already waiting', () => {
    const model = new Sequential(2);
    for (const userId of USERS.slice(0, 5)) model.apply({ userId, action: 'going' });
    const batch = USERS.slice(5).map((userId): RsvpIntent => ({ userId, action: 'going' }));
    const plan = planRsvpBatch(startOf(model, batch, false), batch);
    expect(plan.answers.map((a) => a?.waitlistPosition)).toEqual([4, 5, 6]);
    expect(plan.records.map((r) => r.userId)).toEqual(USERS.slice(5));
  });

  it('refuses to promote past the waitlist head it was given rather than guess', () => {
    const model = new Sequential(1);
    for (const userId of USERS.slice(0, 4)) model.apply({ userId, action: 'going' });
    const batch: RsvpIntent[] = [{ userId: USERS[0]!, action: 'withdraw' }];
    const start = { ...startOf(model, batch, false), waitlistHead: [], headComplete: false };
    expect(() => planRsvpBatch(start, batch)).toThrow(/waitlist head/);
  });
});
