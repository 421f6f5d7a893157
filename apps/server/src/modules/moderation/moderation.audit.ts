import type { AuditEntry, AuditPage, ModerationTargetType } from '@muster/protocol';
import { entities, scopes } from '@muster/protocol';
import { and, desc, eq, inArray, lt } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import type { AuthedCtx } from '../../platform/context.ts';
import type { Queryable } from '../../platform/db/client.ts';
import type { Work } from '../../platform/db/unit-of-work.ts';
import { invalid } from '../../platform/errors.ts';
import { isEventStaff, requireEvent } from '../events/index.ts';
import { users } from '../identity/index.ts';
import { moderationAudit } from './moderation.tables.ts';

type AuditRow = typeof moderationAudit.$inferSelect;

export interface AuditInput {
  eventId: string;
  actorId: string | null;
  source: 'moderator' | 'automatic';
  action: string;
  targetType: ModerationTargetType;
  targetId: string;
  reason: string | null;
  until: Date | null;
}

export async function namesOf(q: Queryable, ids: readonly (string | null)[]): Promise<Map<string, string>> {
  const wanted = [...new Set(ids.filter((id): id is string => id !== null))];
  if (!wanted.length) return new Map();
  const rows = await q
    .select({ id: users.id, name: users.name })
    .from(users)
    .where(inArray(users.id, wanted));
  return new Map(rows.map((r) => [r.id, r.name]));
}

export function presentAudit(row: AuditRow, names: Map<string, string>): AuditEntry {
  return {
    id: row.id,
    eventId: row.eventId,
    actor: row.actorId ? { id: row.actorId, name: names.get(row.actorId) ?? '' } : null,
    source: row.source as AuditEntry['source'],
    action: row.action,
    targetType: row.targetType as ModerationTargetType,
    targetId: row.targetId,
    reason: row.reason,
    until: row.until?.toISOString() ?? null,
    at: row.at.toISOString(),
  };
}

/** Every action, a moderator's or a filter's, leaves one row and one record on the moderation scope. */
export async function recordAudit(work: Work, input: AuditInput): Promise<AuditEntry> {
  const [row] = await work.tx
    .insert(moderationAudit)
    .values({ id: uuidv7(), ...input })
    .returning();
  const entry = presentAudit(row!, await namesOf(work.tx, [input.actorId]));
  await work.append({
    scope: scopes.moderation(input.eventId),
    entity: entities.moderation.actionRecorded,
    op: 'upsert',
    id: entry.id,
    data: entry,
    actorId: input.actorId,
  });
  return entry;
}

const PAGE = 50;

/**
 * Newest first, paged by the entry id (uuidv7, so time-ordered). Event staff read it: they are the
 * ones acting, and the moderation scope that carries each entry live is theirs already.
 */
export async function listAudit(
  ctx: AuthedCtx,
  eventId: string,
  cursor: string | undefined,
): Promise<AuditPage> {
  const q = ctx.platform.db;
  await requireEvent(q, eventId, ctx.actor.userId, isEventStaff);
  if (cursor !== undefined && !/^[0-9a-f-]{36}$/i.test(cursor))
    throw invalid('querystring.cursor', 'is not a cursor');
  const rows = await q
    .select()
    .from(moderationAudit)
    .where(and(eq(moderationAudit.eventId, eventId), cursor ? lt(moderationAudit.id, cursor) : undefined))
    .orderBy(desc(moderationAudit.id))
    .limit(PAGE + 1);
  const page = rows.slice(0, PAGE);
  const names = await namesOf(
    q,
    page.map((r) => r.actorId),
  );
  return {
    items: page.map((r) => presentAudit(r, names)),
    nextCursor: rows.length > PAGE ? page.at(-1)!.id : null,
  };
}
