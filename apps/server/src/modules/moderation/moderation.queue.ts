import type { ModerationItem, ModerationQueue, ModerationTargetType, QueueReason } from '@muster/protocol';
import { entities, scopes } from '@muster/protocol';
import { and, asc, desc, eq, sql } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import type { AuthedCtx } from '../../platform/context.ts';
import type { Queryable } from '../../platform/db/client.ts';
import type { Work } from '../../platform/db/unit-of-work.ts';
import { isEventStaff, requireEvent } from '../events/index.ts';
import { namesOf } from './moderation.audit.ts';
import { moderationItems } from './moderation.tables.ts';

type ItemRow = typeof moderationItems.$inferSelect;

/** Moderators see the text whole, but an item is not a place to store a novel. */
const EXCERPT_MAX = 2_000;
const FLAGS_MAX = 20;

export function presentItem(row: ItemRow, names: Map<string, string>): ModerationItem {
  return {
    id: row.id,
    eventId: row.eventId,
    targetType: row.targetType as ModerationTargetType,
    targetId: row.targetId,
    reason: row.reason as QueueReason,
    excerpt: row.excerpt,
    author: row.authorId ? { id: row.authorId, name: names.get(row.authorId) ?? '' } : null,
    flags: row.flags,
    reports: row.reports,
    status: row.status as ModerationItem['status'],
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

async function recordItem(work: Work, row: ItemRow, actorId: string | null) {
  const data = presentItem(row, await namesOf(work.tx, [row.authorId]));
  await work.append({
    scope: scopes.moderation(row.eventId),
    entity: entities.moderation.itemChanged,
    op: row.status === 'open' ? 'upsert' : 'delete',
    id: row.id,
    data,
    actorId,
  });
  return data;
}

export interface QueueInput {
  eventId: string;
  targetType: ModerationTargetType;
  targetId: string;
  reason: QueueReason;
  excerpt: string | null;
  authorId: string | null;
  flags: readonly string[];
  /** Reports add one each; filter hits and pre-moderation add none. */
  reports?: number;
}

/**
 * Creates the target's open item or bumps it (flags merged, reports added, a report outranks a
 * filter hit as the reason), in the caller's transaction, with its record on the moderation scope.
 */
export async function queueForModeration(work: Work, input: QueueInput, actorId: string | null = null) {
  const excerpt = input.excerpt === null ? null : [...input.excerpt].slice(0, EXCERPT_MAX).join('');
  const flags = [...new Set(input.flags)].slice(0, FLAGS_MAX);
  const reports = input.reports ?? 0;
  const [row] = await work.tx
    .insert(moderationItems)
    .values({
      id: uuidv7(),
      eventId: input.eventId,
      targetType: input.targetType,
      targetId: input.targetId,
      reason: input.reason,
      excerpt,
      authorId: input.authorId,
      flags,
      reports,
    })
    .onConflictDoUpdate({
      target: [moderationItems.targetType, moderationItems.targetId],
      targetWhere: sql`${moderationItems.status} = 'open'`,
      set: {
        flags: sql`(select coalesce(array_agg(distinct f), '{}') from unnest(${moderationItems.flags} || excluded.flags) f)`,
        reports: sql`${moderationItems.reports} + excluded.reports`,
        reason: reports > 0 ? sql`'reported'` : sql`${moderationItems.reason}`,
        updatedAt: new Date(),
      },
    })
    .returning();
  return recordItem(work, row!, actorId);
}

/** Closes the target's open item (an action settled it); the record is a delete on the moderation scope. */
export async function resolveItems(
  work: Work,
  targetType: ModerationTargetType,
  targetId: string,
  actorId: string,
) {
  const rows = await work.tx
    .update(moderationItems)
    .set({ status: 'resolved', updatedAt: new Date() })
    .where(
      and(
        eq(moderationItems.targetType, targetType),
        eq(moderationItems.targetId, targetId),
        eq(moderationItems.status, 'open'),
      ),
    )
    .returning();
  for (const row of rows) await recordItem(work, row, actorId);
}

export async function listQueue(
  ctx: AuthedCtx,
  eventId: string,
  query: {
    status?: 'open' | 'resolved' | undefined;
    limit?: number | undefined;
    offset?: number | undefined;
  },
): Promise<ModerationQueue> {
  const q: Queryable = ctx.platform.db;
  await requireEvent(q, eventId, ctx.actor.userId, isEventStaff);
  const rows = await q
    .select()
    .from(moderationItems)
    .where(
      and(
        eq(moderationItems.eventId, eventId),
        query.status ? eq(moderationItems.status, query.status) : undefined,
      ),
    )
    // Open before resolved ('open' > 'resolved' is false alphabetically, so sort on the test).
    .orderBy(
      desc(sql`${moderationItems.status} = 'open'`),
      desc(moderationItems.updatedAt),
      asc(moderationItems.id),
    )
    .limit(query.limit ?? 50)
    .offset(query.offset ?? 0);
  const names = await namesOf(
    q,
    rows.map((r) => r.authorId),
  );
  return { items: rows.map((r) => presentItem(r, names)) };
}
