import type { Rsvp, RsvpChoice, RsvpStatus } from '@muster/protocol';
import { presentRsvp } from './events.presenter.ts';
import type { RsvpRow } from './events.rsvp.repository.ts';

/** One caller's RSVP request in a batch: a PUT of `choice`, or a withdrawal (DELETE). */
export interface RsvpIntent {
  userId: string;
  action: RsvpChoice | 'withdraw';
}

/** What the batch starts from, read under the event row lock. */
export interface BatchStart {
  eventId: string;
  capacity: number | null;
  goingCount: number;
  waitlistCount: number;
  /** The stored rows of the users in the batch (a user without one has no RSVP). */
  rows: readonly RsvpRow[];
  /** The 1-based waitlist place before the batch of each user in `rows` who is waitlisted. */
  positions: ReadonlyMap<string, number>;
  /** The first waitlisted rows in queue order; `headComplete` when they are the whole waitlist. */
  waitlistHead: readonly RsvpRow[];
  headComplete: boolean;
  /** Fresh queue orders, ascending and above every stored one; one per PUT is always enough. */
  draws: readonly number[];
  now: Date;
}

export interface BatchPlan {
  /** One per intent, in order: the caller's RSVP right after it, or null for a withdrawal. */
  answers: (Rsvp | null)[];
  /** `events.rsvpChanged` records for user scopes, in the order they happened (null: deleted). */
  records: { userId: string; data: Rsvp | null; actorId: string }[];
  /** Everyone moved off the waitlist, in promotion order, with the queue order they kept. */
  promoted: RsvpRow[];
  /** Stored rows to delete; done before `upserts` are written (a withdraw-and-return is a new row). */
  deletes: string[];
  /** The final row of every user whose row changed; one per user. */
  upserts: RsvpRow[];
  counts: { goingCount: number; waitlistCount: number };
  /** Who made the last change to the counters (null when they did not move). */
  countsActorId: string | null;
}

/**
 * How much of the stored waitlist a batch must read to promote from: nothing (0), the first `n`
 * entries, or all of it (null). Every intent frees at most one seat or takes at most one entry off
 * the queue, so promotions never reach past the free seats plus the batch size; a batch of "going"
 * with no free seat promotes nobody.
 */
export function waitlistHeadLimit(
  event: { capacity: number | null; goingCount: number; waitlistCount: number },
  intents: readonly RsvpIntent[],
): number | null {
  if (event.waitlistCount <= 0) return 0;
  if (event.capacity === null) return null;
  const free = Math.max(0, event.capacity - event.goingCount);
  if (free === 0 && intents.every((i) => i.action === 'going')) return 0;
  return free + intents.length;
}

/** Whether `loaded` rows read with `limit` are the whole stored waitlist. */
export const isWholeWaitlist = (waitlistCount: number, limit: number | null, loaded: number) =>
  waitlistCount <= 0 || limit === null || loaded < limit;

/** Re-sending what is already in effect changes nothing (a waitlisted "going" keeps its place). */
export const alreadyInEffect = (current: RsvpStatus, choice: RsvpChoice) =>
  current === choice || (choice === 'going' && current === 'waitlisted');

/**
 * Applies a batch of RSVPs in arrival order exactly as if each had been its own transaction under
 * the event row lock: a free seat goes to the waitlist before newcomers, a freed seat promotes the
 * first waitlisted person in queue order (inside or outside the batch), repeats keep their place.
 * Pure: the caller loads `start` and writes the plan.
 */
export function planRsvpBatch(start: BatchStart, intents: readonly RsvpIntent[]): BatchPlan {
  const planner = new Planner(start);
  for (const intent of intents) planner.apply(intent);
  return planner.finish();
}

class Planner {
  readonly start: BatchStart;
  readonly queue: Queue;
  readonly rows: Map<string, RsvpRow | null>;
  readonly dirty = new Set<string>();
  readonly deletes = new Set<string>();
  readonly plan: BatchPlan;
  drawn = 0;

  constructor(start: BatchStart) {
    this.start = start;
    this.queue = createQueue(start);
    this.rows = new Map(start.rows.map((r) => [r.userId, r]));
    this.plan = {
      answers: [],
      records: [],
      promoted: [],
      deletes: [],
      upserts: [],
      counts: { goingCount: start.goingCount, waitlistCount: start.waitlistCount },
      countsActorId: null,
    };
  }

  apply({ userId, action }: RsvpIntent) {
    const { goingCount, waitlistCount } = this.plan.counts;
    this.plan.answers.push(action === 'withdraw' ? this.withdraw(userId) : this.put(userId, action));
    const c = this.plan.counts;
    if (c.goingCount !== goingCount || c.waitlistCount !== waitlistCount) this.plan.countsActorId = userId;
  }

  finish(): BatchPlan {
    const { plan, start } = this;
    if (plan.counts.goingCount === start.goingCount && plan.counts.waitlistCount === start.waitlistCount)
      plan.countsActorId = null;
    plan.deletes = [...this.deletes];
    plan.upserts = [...this.dirty].flatMap((u) => this.rows.get(u) ?? []);
    return plan;
  }

  put(userId: string, choice: RsvpChoice): Rsvp {
    const { start, plan } = this;
    const current = this.rows.get(userId) ?? null;
    if (current && alreadyInEffect(current.status as RsvpStatus, choice)) return this.present(current);
    const from = (current?.status as RsvpStatus | undefined) ?? null;
    if (current && from === 'waitlisted') this.queue.leave(current);
    this.move(from, -1);
    // A free seat goes to the queue first: newcomers wait while anyone is waitlisted.
    const { goingCount, waitlistCount } = plan.counts;
    const hasSeat = start.capacity === null || (goingCount < start.capacity && waitlistCount === 0);
    const status: RsvpStatus = choice === 'going' ? (hasSeat ? 'going' : 'waitlisted') : choice;
    const queueOrder = start.draws[this.drawn++];
    if (queueOrder === undefined) throw new Error('RSVP batch: fewer queue orders drawn than PUTs');
    const createdAt = current?.createdAt ?? start.now;
    const row: RsvpRow = {
      eventId: start.eventId,
      userId,
      status,
      queueOrder,
      createdAt,
      updatedAt: start.now,
    };
    this.write(userId, row);
    this.move(status, +1);
    if (status === 'waitlisted') this.queue.join(row);
    this.settle(userId);
    // Settling may have seated this very RSVP (only if the counters had drifted); answer the truth.
    const answer = this.present(this.rows.get(userId)!);
    plan.records.push({ userId, data: answer, actorId: userId });
    return answer;
  }

  withdraw(userId: string): null {
    const current = this.rows.get(userId);
    if (!current) return null;
    if (current.status === 'waitlisted') this.queue.leave(current);
    this.move(current.status as RsvpStatus, -1);
    this.write(userId, null);
    if (this.start.rows.some((r) => r.userId === userId)) this.deletes.add(userId);
    this.settle(userId);
    this.plan.records.push({ userId, data: null, actorId: userId });
    return null;
  }

  /** `fillFreeSeats` in memory: promotes in queue order while seats are free. */
  settle(actorId: string) {
    const c = this.plan.counts;
    const free = this.start.capacity === null ? c.waitlistCount : this.start.capacity - c.goingCount;
    if (free <= 0 || c.waitlistCount <= 0) return;
    let promoted = 0;
    while (promoted < free) {
      const next = this.queue.first();
      if (!next) break;
      this.queue.leave(next);
      const row: RsvpRow = { ...next, status: 'going', updatedAt: this.start.now };
      this.write(row.userId, row);
      this.plan.promoted.push(row);
      this.plan.records.push({ userId: row.userId, data: presentRsvp(row, null), actorId });
      promoted++;
    }
    c.goingCount += promoted;
    c.waitlistCount -= promoted;
  }

  move(status: RsvpStatus | null, by: number) {
    if (status === 'going') this.plan.counts.goingCount += by;
    if (status === 'waitlisted') this.plan.counts.waitlistCount += by;
  }

  write(userId: string, row: RsvpRow | null) {
    this.rows.set(userId, row);
    this.dirty.add(userId);
  }

  present(row: RsvpRow): Rsvp {
    return presentRsvp(row, row.status === 'waitlisted' ? this.queue.positionOf(row) : null);
  }
}

type Queue = ReturnType<typeof createQueue>;

/**
 * The waitlist as far as the batch can see it: the stored head, the batch's own stored entries and
 * the entries that join during the batch (behind everyone stored). Places are derived from the
 * places before the batch minus the stored entries ahead that left, so no query per answer.
 */
function createQueue(start: BatchStart) {
  const own = start.rows.filter((r) => r.status === 'waitlisted');
  const ownIds = new Set(own.map((r) => r.userId));
  const stored = [...own, ...start.waitlistHead.filter((r) => !ownIds.has(r.userId))].sort(
    (a, b) => a.queueOrder - b.queueOrder,
  );
  const lastKnown = start.headComplete ? Infinity : (start.waitlistHead.at(-1)?.queueOrder ?? -Infinity);
  const left: number[] = []; // queue orders of stored entries that left
  const storedLeft = () => start.waitlistCount - left.length;
  // Entries that joined during the batch, in order; a slot is emptied when its entry leaves.
  const joined: (RsvpRow | null)[] = [];
  const joinedAt = new Map<string, number>();
  const joinedGone: number[] = [];
  let joinedFirst = 0;

  return {
    first(): RsvpRow | undefined {
      const head = stored[0];
      if (head && head.queueOrder <= lastKnown) return head;
      // Past the loaded head there may be stored entries this batch never read.
      if (!start.headComplete && (head || storedLeft() > 0))
        throw new Error('RSVP batch: promotions went past the loaded waitlist head');
      if (head) return head;
      while (joinedFirst < joined.length && !joined[joinedFirst]) joinedFirst++;
      return joined[joinedFirst] ?? undefined;
    },
    join(row: RsvpRow) {
      joinedAt.set(row.userId, joined.length);
      joined.push(row);
    },
    leave(row: RsvpRow) {
      const i = joinedAt.get(row.userId);
      if (i !== undefined) {
        joined[i] = null;
        joinedAt.delete(row.userId);
        joinedGone.push(i);
        return;
      }
      const j = stored.findIndex((r) => r.userId === row.userId);
      if (j >= 0) stored.splice(j, 1);
      left.push(row.queueOrder);
    },
    positionOf(row: RsvpRow): number {
      const i = joinedAt.get(row.userId);
      if (i !== undefined) return storedLeft() + i - joinedGone.filter((g) => g < i).length + 1;
      const before = start.positions.get(row.userId);
      if (before === undefined) throw new Error('RSVP batch: no stored place for a waitlisted user');
      return before - left.filter((q) => q < row.queueOrder).length;
    },
  };
}
