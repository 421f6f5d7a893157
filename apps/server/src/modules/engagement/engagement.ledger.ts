import { DEFAULT_POINTS, entities, POINT_CAPS_PER_HOUR, type PointAction, scopes } from '@muster/protocol';
import { and, eq, isNotNull, isNull, sql } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import type { Tx } from '../../platform/db/client.ts';
import type { Work } from '../../platform/db/unit-of-work.ts';
import { unlockAchievements } from './engagement.achievements.ts';
import { engagementSettings, pointScores, pointsLedger } from './engagement.tables.ts';

/**
 * What a source says about one (person, action, subject) now: the action stands (`holds`: award
 * its points, again if it had been withdrawn) or it does not (withdraw them). Sources read the
 * state behind a change rather than trusting the change's order, so a redelivered or late job
 * leaves the ledger as the state is.
 */
export interface PointsFact {
  eventId: string;
  userId: string;
  action: PointAction;
  subjectId: string;
  holds: boolean;
  /** Points for this subject when it carries its own (a hunt checkpoint); else the event's setting. */
  points?: number;
}

/** Points per action at an event: the organiser's settings over the defaults. */
export async function pointsTable(tx: Tx, eventId: string): Promise<Record<PointAction, number>> {
  const [row] = await tx
    .select({ points: engagementSettings.points })
    .from(engagementSettings)
    .where(eq(engagementSettings.eventId, eventId));
  return { ...DEFAULT_POINTS, ...(row?.points ?? {}) };
}

/**
 * Applies facts in the caller's transaction and returns the events whose scores moved. Each
 * person's score row is locked first (in one order, so two batches never deadlock), then the
 * ledger row is written, then the score is recomputed from the ledger: concurrent awards for one
 * person serialise on that lock, and the unique (event, person, action, subject) key makes the
 * same award land once however many jobs race for it.
 */
export async function applyFacts(work: Work, facts: readonly PointsFact[]): Promise<Set<string>> {
  const moved = new Set<string>();
  const tables = new Map<string, Record<PointAction, number>>();
  const sorted = [...facts].sort(
    (a, b) => a.eventId.localeCompare(b.eventId) || a.userId.localeCompare(b.userId),
  );
  for (const fact of sorted) {
    const { tx } = work;
    await lockScore(tx, fact.eventId, fact.userId);
    const changed = fact.holds ? await award(tx, fact, tables) : await withdraw(tx, fact);
    if (!changed) continue;
    const points = await recomputeScore(tx, fact.eventId, fact.userId);
    await work.append({
      scope: scopes.user(fact.userId),
      entity: entities.engagement.pointsChanged,
      op: 'upsert',
      id: fact.eventId,
      data: { eventId: fact.eventId, points },
    });
    moved.add(fact.eventId);
    if (fact.holds) await unlockAchievements(work, fact.eventId, fact.userId, fact.action);
  }
  return moved;
}

/**
 * Locks the score rows of the people `facts` name, in one order. A source that read state before
 * taking the lock reads it again after: whatever committed before the lock is then visible, and
 * whatever commits later reacts after this transaction, so the last reaction sees the last state.
 */
export async function lockScores(tx: Tx, facts: readonly PointsFact[]): Promise<void> {
  const people = [...new Set(facts.map((f) => `${f.eventId} ${f.userId}`))].sort();
  for (const person of people) {
    const [eventId, userId] = person.split(' ') as [string, string];
    await lockScore(tx, eventId, userId);
  }
}

export async function lockScore(tx: Tx, eventId: string, userId: string) {
  await tx
    .insert(pointScores)
    .values({ eventId, userId, points: 0, reachedAt: sql`now()`, boardPoints: 0, boardReachedAt: sql`now()` })
    .onConflictDoNothing();
  await tx
    .select({ points: pointScores.points })
    .from(pointScores)
    .where(and(eq(pointScores.eventId, eventId), eq(pointScores.userId, userId)))
    .for('update');
}

async function award(tx: Tx, fact: PointsFact, tables: Map<string, Record<PointAction, number>>) {
  const table = tables.get(fact.eventId) ?? (await pointsTable(tx, fact.eventId));
  tables.set(fact.eventId, table);
  const points = (await overCap(tx, fact)) ? 0 : (fact.points ?? table[fact.action]);
  const rows = await tx
    .insert(pointsLedger)
    .values({
      id: uuidv7(),
      eventId: fact.eventId,
      userId: fact.userId,
      action: fact.action,
      subjectId: fact.subjectId,
      points,
      awardedAt: sql`now()`,
    })
    .onConflictDoUpdate({
      target: [pointsLedger.eventId, pointsLedger.userId, pointsLedger.action, pointsLedger.subjectId],
      // Only a withdrawn award comes back (with its original points, and reached anew); a live one
      // stays, and a voided one stays void.
      set: { withdrawnAt: null, awardedAt: sql`now()` },
      setWhere: and(isNotNull(pointsLedger.withdrawnAt), isNull(pointsLedger.voidedAt)),
    })
    .returning({ id: pointsLedger.id });
  return rows.length > 0;
}

/** Whether the person already has the hour's cap of scoring lines for this action here (POINT_CAPS_PER_HOUR). */
async function overCap(tx: Tx, fact: PointsFact): Promise<boolean> {
  const cap = POINT_CAPS_PER_HOUR[fact.action];
  if (cap === undefined) return false;
  const [row] = await tx
    .select({ n: sql<number>`count(*)::int` })
    .from(pointsLedger)
    .where(
      and(
        eq(pointsLedger.eventId, fact.eventId),
        eq(pointsLedger.userId, fact.userId),
        eq(pointsLedger.action, fact.action),
        sql`${pointsLedger.points} <> 0`,
        sql`${pointsLedger.awardedAt} > now() - interval '1 hour'`,
      ),
    );
  return (row?.n ?? 0) >= cap;
}

async function withdraw(tx: Tx, fact: PointsFact) {
  const rows = await tx
    .update(pointsLedger)
    .set({ withdrawnAt: sql`now()` })
    .where(
      and(
        eq(pointsLedger.eventId, fact.eventId),
        eq(pointsLedger.userId, fact.userId),
        eq(pointsLedger.action, fact.action),
        eq(pointsLedger.subjectId, fact.subjectId),
        isNull(pointsLedger.withdrawnAt),
      ),
    )
    .returning({ id: pointsLedger.id });
  return rows.length > 0;
}

/**
 * The person's total and when they reached it, from the ledger. The board's copy moves with it
 * until the event's freeze time; after it, only the person's own total does.
 */
export async function recomputeScore(tx: Tx, eventId: string, userId: string): Promise<number> {
  const [row] = await tx
    .update(pointScores)
    .set({
      points: sql`coalesce(live.total, 0)`,
      reachedAt: sql`coalesce(live.reached, ${pointScores.reachedAt})`,
      boardPoints: sql`case when ${boardMoves(eventId)} then coalesce(live.total, 0) else ${pointScores.boardPoints} end`,
      boardReachedAt: sql`case when ${boardMoves(eventId)} then coalesce(live.reached, ${pointScores.boardReachedAt}) else ${pointScores.boardReachedAt} end`,
    })
    .from(
      sql`(select sum(points)::int as total, max(awarded_at) as reached from ${pointsLedger}
           where event_id = ${eventId} and user_id = ${userId} and withdrawn_at is null) as live`,
    )
    .where(and(eq(pointScores.eventId, eventId), eq(pointScores.userId, userId)))
    .returning({ points: pointScores.points });
  return row?.points ?? 0;
}

/** True while the event's board is not frozen (no freeze time, or one still ahead). */
const boardMoves = (eventId: string) =>
  sql`not exists (select 1 from ${engagementSettings} where ${engagementSettings.eventId} = ${eventId}
      and ${engagementSettings.freezeAt} is not null and ${engagementSettings.freezeAt} <= now())`;
