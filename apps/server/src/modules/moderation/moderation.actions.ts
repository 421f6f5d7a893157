import type {
  AuditEntry,
  BulkModerationBody,
  BulkModerationResult,
  ModerationActionBody,
} from '@muster/protocol';
import { scopes } from '@muster/protocol';
import type { AuthedCtx } from '../../platform/context.ts';
import type { Queryable } from '../../platform/db/client.ts';
import { type Work, withTx } from '../../platform/db/unit-of-work.ts';
import { AppError, ErrorCode, invalid, notFound } from '../../platform/errors.ts';
import { canViewEvent, isEventStaff, loadEventAccess } from '../events/index.ts';
import { findUserById } from '../identity/index.ts';
import { raiseNotifications } from '../notifications/index.ts';
import { recordAudit } from './moderation.audit.ts';
import { resolveItems } from './moderation.queue.ts';
import { lift, restrict } from './moderation.restrictions.ts';
import { type ContentAction, moderationTarget, type TargetFacts } from './moderation.targets.ts';

/** 120 actions a minute per moderator (a bulk of n counts n): fast triage, not a runaway script. */
export const ACTION_LIMIT = { name: 'moderation-action', points: 120, durationSeconds: 60 };
const MAX_MUTE_MS = 30 * 24 * 3600_000;
const DEFAULT_MUTE_MS = 3600_000;

/** What an action acts on: a thing through its module's handler, or a person in an event. */
export async function resolveTarget(
  q: Queryable,
  type: ModerationActionBody['targetType'],
  id: string,
  eventId: string | undefined,
): Promise<TargetFacts> {
  if (type === 'user') {
    if (!eventId) throw invalid('body.eventId', 'is required for a user');
    if (!(await findUserById(q, id))) throw notFound('Target');
    return { eventId, authorId: id, excerpt: null };
  }
  const facts = await moderationTarget(type)?.load(q, id);
  if (!facts || (eventId !== undefined && facts.eventId !== eventId)) throw notFound('Target');
  return facts;
}

function untilOf(body: ModerationActionBody): Date | null {
  if (body.until === undefined) return body.action === 'mute' ? new Date(Date.now() + DEFAULT_MUTE_MS) : null;
  const until = new Date(body.until);
  if (Number.isNaN(until.getTime()) || until.getTime() <= Date.now())
    throw invalid('body.until', 'must be in the future');
  if (body.action === 'mute' && until.getTime() - Date.now() > MAX_MUTE_MS)
    throw invalid('body.until', 'must be at most 30 days ahead');
  return until;
}

const TOLD: Partial<Record<ModerationActionBody['action'], string>> = {
  hide: 'A moderator hid your post',
  delete: 'A moderator removed your post',
  restore: 'A moderator restored your post',
  approve: 'Your post was approved and is visible',
  mute: 'You are muted in this event',
  unmute: 'You may post again in this event',
  ban: 'You were removed from this event',
  unban: 'You may take part in this event again',
};

/**
 * The person whose content or standing changed is told (social), once per audit-worthy action:
 * a moderation they never hear of feels like a bug. Dismissing a report tells nobody.
 */
async function tellAuthor(
  work: Work,
  facts: TargetFacts,
  body: ModerationActionBody,
  actorId: string,
  until: Date | null,
) {
  const title = TOLD[body.action];
  if (!title || !facts.authorId || facts.authorId === actorId) return;
  await raiseNotifications(work, [
    {
      key: `moderation.action/${body.action}:${body.targetType}:${body.targetId}:${Date.now()}`,
      category: 'social',
      priority: 'normal',
      kind: `moderation.${body.action}`,
      audience: { users: [facts.authorId] },
      groupKey: scopes.moderation(facts.eventId),
      title,
      body:
        [
          facts.excerpt ? `"${facts.excerpt}"` : null,
          body.reason ?? null,
          until ? `Until ${until.toISOString()}` : null,
        ]
          .filter(Boolean)
          .join(' — ') || null,
      url: `/events/${facts.eventId}`,
      muteScopes: [scopes.event(facts.eventId)],
      data: {
        eventId: facts.eventId,
        action: body.action,
        targetType: body.targetType,
        targetId: body.targetId,
      },
    },
  ]);
}

/** One action in its own transaction: authorised on the target's event (staff), applied, audited. */
async function applyIn(work: Work, actorId: string, body: ModerationActionBody): Promise<AuditEntry> {
  const facts = await resolveTarget(work.tx, body.targetType, body.targetId, body.eventId);
  const access = await loadEventAccess(work.tx, facts.eventId, actorId);
  if (!access || !canViewEvent(access)) throw notFound('Target');
  if (!isEventStaff(access)) throw new AppError(ErrorCode.forbidden, 'Only event staff may moderate');
  const reason = body.reason ?? null;
  if (reason?.includes('\u0000')) throw invalid('body.reason', 'must not contain NUL');
  let until: Date | null = null;
  switch (body.action) {
    case 'mute':
    case 'ban':
    case 'unmute':
    case 'unban': {
      const userId = facts.authorId;
      if (!userId) throw invalid('body.targetId', 'has no author to restrict');
      if (userId === actorId) throw invalid('body.targetId', 'is yourself');
      const subject = await loadEventAccess(work.tx, facts.eventId, userId);
      if (subject && isEventStaff(subject))
        throw new AppError(ErrorCode.forbidden, 'Event staff cannot be muted or banned');
      const kind = body.action === 'mute' || body.action === 'unmute' ? 'mute' : 'ban';
      if (body.action === 'mute' || body.action === 'ban') {
        until = untilOf(body);
        await restrict(work, { eventId: facts.eventId, userId, kind, until, reason }, actorId);
      } else await lift(work, { eventId: facts.eventId, userId, kind }, actorId);
      break;
    }
    case 'dismiss':
      break;
    default: {
      if (body.targetType === 'user') throw invalid('body.action', `cannot ${body.action} a user`);
      await moderationTarget(body.targetType)!.apply(
        work,
        body.targetId,
        body.action as ContentAction,
        actorId,
        reason,
      );
    }
  }
  if (body.action !== 'unmute' && body.action !== 'unban')
    await resolveItems(work, body.targetType, body.targetId, actorId);
  await tellAuthor(work, facts, body, actorId, until);
  return recordAudit(work, {
    eventId: facts.eventId,
    actorId,
    source: 'moderator',
    action: body.action,
    targetType: body.targetType,
    targetId: body.targetId,
    reason,
    until,
  });
}

export async function applyAction(ctx: AuthedCtx, body: ModerationActionBody): Promise<AuditEntry> {
  await ctx.platform.limits.consume(ACTION_LIMIT, ctx.actor.userId);
  return withTx(ctx.platform, (work) => applyIn(work, ctx.actor.userId, body));
}

/** Each action in its own transaction, so one refusal (unknown target, no right) never undoes the others. */
export async function applyBulk(ctx: AuthedCtx, body: BulkModerationBody): Promise<BulkModerationResult> {
  await ctx.platform.limits.consume(ACTION_LIMIT, ctx.actor.userId, body.actions.length);
  const results: BulkModerationResult['results'] = [];
  for (const action of body.actions) {
    try {
      const entry = await withTx(ctx.platform, (work) => applyIn(work, ctx.actor.userId, action));
      results.push({ ok: true, entry });
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      results.push({ ok: false, status: error.status, code: error.code, message: error.message });
    }
  }
  // Nothing the caller may act on at all: the bulk is refused as a whole, as a single action would
  // be (a stranger learns nothing from a 200 of refusals, and an attendee gets the plain 403).
  const refusals = results.filter((r) => !r.ok);
  if (refusals.length === results.length && refusals.every((r) => r.status === 403 || r.status === 404))
    throw refusals.some((r) => r.status === 404)
      ? notFound('Target')
      : new AppError(ErrorCode.forbidden, 'Only event staff may moderate');
  return { results };
}
