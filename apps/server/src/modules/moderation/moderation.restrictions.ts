import type { Restriction } from '@muster/protocol';
import { entities, scopes } from '@muster/protocol';
import { and, eq, gt, inArray, isNull, or } from 'drizzle-orm';
import type { Queryable } from '../../platform/db/client.ts';
import type { Work } from '../../platform/db/unit-of-work.ts';
import { AppError, ErrorCode } from '../../platform/errors.ts';
import { moderationRestrictions } from './moderation.tables.ts';

export type RestrictionKind = 'mute' | 'ban';
export type RestrictionRow = typeof moderationRestrictions.$inferSelect;

/** A ban outweighs a mute; an expired mute is no restriction (its row is replaced or lifted later). */
export async function activeRestriction(
  q: Queryable,
  eventId: string,
  userId: string,
): Promise<RestrictionRow | undefined> {
  const rows = await q
    .select()
    .from(moderationRestrictions)
    .where(
      and(
        eq(moderationRestrictions.eventId, eventId),
        eq(moderationRestrictions.userId, userId),
        or(isNull(moderationRestrictions.until), gt(moderationRestrictions.until, new Date())),
      ),
    );
  return rows.find((r) => r.kind === 'ban') ?? rows[0];
}

/** The active restriction of each (event, user) among these, keyed `eventId:userId` (bans first). */
export async function activeRestrictionsAmong(
  q: Queryable,
  eventIds: readonly string[],
  userIds: readonly string[],
): Promise<Map<string, RestrictionRow>> {
  const rows = await q
    .select()
    .from(moderationRestrictions)
    .where(
      and(
        inArray(moderationRestrictions.eventId, [...eventIds]),
        inArray(moderationRestrictions.userId, [...userIds]),
        or(isNull(moderationRestrictions.until), gt(moderationRestrictions.until, new Date())),
      ),
    );
  const byPair = new Map<string, RestrictionRow>();
  for (const row of rows) {
    const key = `${row.eventId}:${row.userId}`;
    if (!byPair.has(key) || row.kind === 'ban') byPair.set(key, row);
  }
  return byPair;
}

export function restrictionError(row: RestrictionRow): AppError {
  if (row.kind === 'ban') return new AppError(ErrorCode.forbidden, 'You are banned from this event');
  const until = row.until ? ` until ${row.until.toISOString()}` : '';
  return new AppError(ErrorCode.forbidden, `You are muted in this event${until}`);
}

/** Non-text writes (votes, upvotes, feedback): a banned person may no longer take part. */
export async function assertMayParticipate(q: Queryable, eventId: string, userId: string): Promise<void> {
  const row = await activeRestriction(q, eventId, userId);
  if (row?.kind === 'ban') throw restrictionError(row);
}

/**
 * `assertMayParticipate` for many people of one event in one statement (a vote batch): the refusal
 * of each banned person among them, keyed by user id; everyone else may take part.
 */
export async function participationRefusals(
  q: Queryable,
  eventId: string,
  userIds: readonly string[],
): Promise<Map<string, AppError>> {
  const refusals = new Map<string, AppError>();
  if (!userIds.length) return refusals;
  for (const row of (await activeRestrictionsAmong(q, [eventId], userIds)).values())
    if (row.kind === 'ban') refusals.set(row.userId, restrictionError(row));
  return refusals;
}

/** Text writes: banned or muted people may not write. */
export async function assertMayWrite(q: Queryable, eventId: string, userId: string): Promise<void> {
  const row = await activeRestriction(q, eventId, userId);
  if (row) throw restrictionError(row);
}

const present = (row: RestrictionRow): Restriction => ({
  eventId: row.eventId,
  kind: row.kind as RestrictionKind,
  until: row.until?.toISOString() ?? null,
  reason: row.reason,
});

/** Sets (or replaces) a mute or ban and tells the person on their own scope, so their app can say why. */
export async function restrict(
  work: Work,
  input: {
    eventId: string;
    userId: string;
    kind: RestrictionKind;
    until: Date | null;
    reason: string | null;
  },
  actorId: string | null,
): Promise<void> {
  const set = { until: input.until, reason: input.reason, createdAt: new Date() };
  const [row] = await work.tx
    .insert(moderationRestrictions)
    .values({ ...input, ...set })
    .onConflictDoUpdate({
      target: [moderationRestrictions.eventId, moderationRestrictions.userId, moderationRestrictions.kind],
      set,
    })
    .returning();
  await work.append({
    scope: scopes.user(input.userId),
    entity: entities.moderation.restrictionChanged,
    op: 'upsert',
    id: input.eventId,
    data: present(row!),
    actorId,
  });
}

/** Lifts a mute or ban; the person's record becomes null, or their other restriction when one remains. */
export async function lift(
  work: Work,
  input: { eventId: string; userId: string; kind: RestrictionKind },
  actorId: string | null,
): Promise<boolean> {
  const removed = await work.tx
    .delete(moderationRestrictions)
    .where(
      and(
        eq(moderationRestrictions.eventId, input.eventId),
        eq(moderationRestrictions.userId, input.userId),
        eq(moderationRestrictions.kind, input.kind),
      ),
    )
    .returning();
  if (!removed.length) return false;
  const other = await activeRestriction(work.tx, input.eventId, input.userId);
  await work.append({
    scope: scopes.user(input.userId),
    entity: entities.moderation.restrictionChanged,
    op: other ? 'upsert' : 'delete',
    id: input.eventId,
    data: other ? present(other) : null,
    actorId,
  });
  return true;
}
