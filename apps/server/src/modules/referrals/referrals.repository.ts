import { and, desc, eq, isNull, lt, or, type SQL, sql } from 'drizzle-orm';
import type { Queryable } from '../../platform/db/client.ts';
import { rsvps } from '../events/index.ts';
import { users } from '../identity/index.ts';
import { referralAttributions, referralCodes } from './referrals.tables.ts';

export type ReferralCodeRow = typeof referralCodes.$inferSelect;
export type AttributionRow = typeof referralAttributions.$inferSelect;

const t = referralAttributions;

/**
 * Whether an attribution counts, decided when read so that it follows what happened since: a
 * sign-up or an RSVP counts once the referred person has verified their address, an RSVP only
 * while it stands (declined or withdrawn, the credit goes), a submission only when it brought the
 * community a new person (`referredEmail`, set at attribution). The ledger, its total, the
 * leaderboard and the lead score all count through this one rule.
 */
export const isCredited: SQL = sql`(
  (${t.kind} = 'submission' and ${t.referredEmail} is not null)
  or (${t.kind} in ('registration', 'rsvp')
    and exists (select 1 from ${users} where ${users.id} = ${t.referredUserId} and ${users.emailVerifiedAt} is not null)
    and (${t.kind} = 'registration' or exists (select 1 from ${rsvps}
      where ${rsvps.eventId} = ${t.eventId} and ${rsvps.userId} = ${t.referredUserId} and ${rsvps.status} <> 'declined'))))`;

/** The person an attribution stands for: distinct people are counted, not actions. */
export const referredPerson: SQL = sql`coalesce(${t.referredUserId}::text, ${t.referredEmail})`;

export async function findCode(q: Queryable, code: string): Promise<ReferralCodeRow | undefined> {
  const [row] = await q.select().from(referralCodes).where(eq(referralCodes.code, code));
  return row;
}

export async function findCodeOf(
  q: Queryable,
  userId: string,
  eventId: string | null,
): Promise<ReferralCodeRow | undefined> {
  const [row] = await q
    .select()
    .from(referralCodes)
    .where(
      and(
        eq(referralCodes.userId, userId),
        eventId ? eq(referralCodes.eventId, eventId) : isNull(referralCodes.eventId),
      ),
    );
  return row;
}

/** Undefined when the person already has a code for this event, or the random code is taken. */
export async function insertCode(
  q: Queryable,
  values: typeof referralCodes.$inferInsert,
): Promise<ReferralCodeRow | undefined> {
  const [row] = await q.insert(referralCodes).values(values).onConflictDoNothing().returning();
  return row;
}

export async function codesOf(q: Queryable, userId: string): Promise<ReferralCodeRow[]> {
  return q
    .select()
    .from(referralCodes)
    .where(eq(referralCodes.userId, userId))
    .orderBy(desc(referralCodes.createdAt));
}

/** The row added, or null when the subject was already attributed (to this code or another: first touch wins). */
export async function insertAttribution(
  q: Queryable,
  values: typeof referralAttributions.$inferInsert,
): Promise<typeof referralAttributions.$inferSelect | null> {
  const [row] = await q.insert(referralAttributions).values(values).onConflictDoNothing().returning();
  return row ?? null;
}

export async function ledgerOf(
  q: Queryable,
  referrerId: string,
  page: { after: readonly [string, string] | null; limit: number },
): Promise<AttributionRow[]> {
  const after = page.after
    ? or(
        lt(t.createdAt, new Date(page.after[0])),
        and(eq(t.createdAt, new Date(page.after[0])), lt(t.id, page.after[1])),
      )
    : undefined;
  return q
    .select()
    .from(t)
    .where(and(eq(t.referrerId, referrerId), isCredited, after))
    .orderBy(desc(t.createdAt), desc(t.id))
    .limit(page.limit);
}

/** Distinct people credited to the referrer. */
export async function countReferrals(q: Queryable, referrerId: string): Promise<number> {
  const [row] = await q
    .select({ n: sql<number>`count(distinct ${referredPerson})` })
    .from(referralAttributions)
    .where(and(eq(referralAttributions.referrerId, referrerId), isCredited));
  return Number(row?.n ?? 0);
}

/** Who brought the most people to an event: registrations and RSVPs count, anonymous forms do not. */
export async function leadersOf(q: Queryable, eventId: string, limit: number) {
  const n = sql<number>`count(distinct ${t.referredUserId})`;
  const rows = await q
    .select({ userId: t.referrerId, name: users.name, referrals: n })
    .from(t)
    .innerJoin(users, eq(users.id, t.referrerId))
    .where(and(eq(t.eventId, eventId), sql`${t.referredUserId} is not null`, isCredited))
    .groupBy(t.referrerId, users.name)
    .orderBy(desc(n), t.referrerId)
    .limit(limit);
  return rows.map((r) => ({ ...r, referrals: Number(r.referrals) }));
}
