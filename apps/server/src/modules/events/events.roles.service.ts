import type { EventRole, EventRoleGrant, RoleAssignment, RoleListQuery } from '@muster/protocol';
import { entities, scopes } from '@muster/protocol';
import type { AuthedCtx } from '../../platform/context.ts';
import { type Work, withTx } from '../../platform/db/unit-of-work.ts';
import { AppError, ErrorCode, notFound } from '../../platform/errors.ts';
import { decodeCursor, pageOf } from '../../platform/paging.ts';
import { findUserById } from '../identity/index.ts';
import { requireEvent } from './events.access.ts';
import { canAssignRoles, canSeeRoles } from './events.policy.ts';
import { presentRole } from './events.presenter.ts';
import * as repo from './events.repository.ts';

export async function listRoles(ctx: AuthedCtx, eventId: string, query: RoleListQuery) {
  const db = ctx.platform.db;
  await requireEvent(db, eventId, ctx.actor.userId, canSeeRoles);
  const limit = query.limit ?? 100;
  const cursor = decodeCursor(query.cursor, ['uuid'] as const);
  const rows = await repo.listRoles(db, eventId, cursor ? cursor[0] : null, limit + 1);
  const page = pageOf(rows, limit, (r) => [r.userId]);
  return { items: page.items.map(presentRole), nextCursor: page.nextCursor };
}

/**
 * An event always keeps an organiser: taking the role from the last one is refused (409). The
 * event row lock serialises role changes, so two organisers demoting each other at the same moment
 * cannot both succeed.
 */
async function assertOrganiserRemains(work: Work, eventId: string, userId: string, next: EventRole | null) {
  if (next === 'organiser' || (await repo.findRole(work.tx, eventId, userId)) !== 'organiser') return;
  if ((await repo.countRole(work.tx, eventId, 'organiser')) <= 1)
    throw new AppError(ErrorCode.conflict, 'An event must keep at least one organiser');
}

export async function putRole(
  ctx: AuthedCtx,
  eventId: string,
  userId: string,
  role: EventRole,
): Promise<RoleAssignment> {
  const actorId = ctx.actor.userId;
  return withTx(ctx.platform, async (work) => {
    await requireEvent(work.tx, eventId, actorId, canAssignRoles, { forUpdate: true });
    const user = await findUserById(work.tx, userId);
    if (!user) throw notFound('User');
    await assertOrganiserRemains(work, eventId, userId, role);
    await repo.upsertRole(work.tx, eventId, userId, role);
    const grant: EventRoleGrant = { eventId, userId, role };
    await work.append({
      scope: scopes.user(userId),
      entity: entities.events.roleChanged,
      op: 'upsert',
      id: eventId,
      data: grant,
      actorId,
    });
    return presentRole({ userId, name: user.name, role });
  });
}

export async function removeRole(ctx: AuthedCtx, eventId: string, userId: string): Promise<void> {
  const actorId = ctx.actor.userId;
  await withTx(ctx.platform, async (work) => {
    await requireEvent(work.tx, eventId, actorId, canAssignRoles, { forUpdate: true });
    if (!(await repo.findRole(work.tx, eventId, userId))) return;
    await assertOrganiserRemains(work, eventId, userId, null);
    await repo.deleteRole(work.tx, eventId, userId);
    await work.append({
      scope: scopes.user(userId),
      entity: entities.events.roleChanged,
      op: 'delete',
      id: eventId,
      data: null,
      actorId,
    });
  });
}
