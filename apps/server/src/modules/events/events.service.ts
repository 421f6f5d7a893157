import type {
  CreateEventBody,
  Event,
  EventListQuery,
  EventStatus,
  EventTransition,
  UpdateEventBody,
} from '@muster/protocol';
import { entities, scopes } from '@muster/protocol';
import { uuidv7 } from 'uuidv7';
import type { AuthedCtx, Ctx } from '../../platform/context.ts';
import { withTx } from '../../platform/db/unit-of-work.ts';
import { AppError, ErrorCode } from '../../platform/errors.ts';
import { decodeCursor, pageOf } from '../../platform/paging.ts';
import { canCreateEventIn, requireCommunityMember } from '../communities/index.ts';
import { requireEvent } from './events.access.ts';
import { buildEventCalendar } from './events.calendar.ts';
import { eventFields, instant } from './events.fields.ts';
import { isEditable, nextStatus } from './events.lifecycle.ts';
import { canEditEvent } from './events.policy.ts';
import { eventUpdated, presentEvent } from './events.presenter.ts';
import * as repo from './events.repository.ts';
import { fillFreeSeats } from './events.rsvp.service.ts';

const anyone = () => true;

/** Creates a draft; the creator becomes its first organiser. */
export async function createEvent(ctx: AuthedCtx, input: CreateEventBody): Promise<Event> {
  const fields = eventFields(input);
  const userId = ctx.actor.userId;
  return withTx(ctx.platform, async ({ tx, append }) => {
    await requireCommunityMember(tx, input.communityId, userId, canCreateEventIn);
    const row = await repo.insertEvent(tx, {
      ...fields,
      id: uuidv7(),
      communityId: input.communityId,
      title: fields.title!,
      startsAt: fields.startsAt!,
      endsAt: fields.endsAt!,
      timezone: fields.timezone!,
      visibility: input.visibility,
      status: 'draft',
      createdBy: userId,
    });
    await repo.upsertRole(tx, row.id, userId, 'organiser');
    const event = presentEvent(row);
    await append({
      scope: scopes.event(row.id),
      entity: entities.events.eventCreated,
      op: 'upsert',
      id: row.id,
      data: event,
      actorId: userId,
    });
    const grant = { eventId: row.id, userId, role: 'organiser' as const };
    await append({
      scope: scopes.user(userId),
      entity: entities.events.roleChanged,
      op: 'upsert',
      id: row.id,
      data: grant,
      actorId: userId,
    });
    return event;
  });
}

export async function getEvent(ctx: Ctx, eventId: string): Promise<Event> {
  const access = await requireEvent(ctx.platform.db, eventId, ctx.actor?.userId, anyone);
  return presentEvent(access.event);
}

/** Discovery list; served from the read side (a replica may lag by a moment, which is fine here). */
export async function listEvents(ctx: Ctx, query: EventListQuery) {
  const limit = query.limit ?? 50;
  const cursor = decodeCursor(query.cursor, ['timestamp', 'uuid'] as const);
  const statuses: EventStatus[] = query.status ? [query.status] : ['published', 'live'];
  const rows = await repo.listVisibleEvents(ctx.platform.readDb, {
    viewerId: ctx.actor?.userId ?? null,
    statuses,
    q: query.q,
    from: query.from ? instant(query.from, 'query.from') : undefined,
    to: query.to ? instant(query.to, 'query.to') : undefined,
    communityId: query.communityId,
    after: cursor ? { startsAt: new Date(cursor[0]), id: cursor[1] } : null,
    limit: limit + 1,
  });
  const page = pageOf(rows, limit, (r) => [r.startsAt.toISOString(), r.id]);
  return { items: page.items.map(presentEvent), nextCursor: page.nextCursor };
}

/**
 * Edits an event under its row lock. Capacity may not drop below the people already going (409:
 * nobody loses a confirmed seat silently); raising or removing it promotes from the waitlist in
 * the same transaction.
 */
export async function updateEvent(ctx: AuthedCtx, eventId: string, input: UpdateEventBody): Promise<Event> {
  const userId = ctx.actor.userId;
  return withTx(ctx.platform, async (work) => {
    const { event } = await requireEvent(work.tx, eventId, userId, canEditEvent, { forUpdate: true });
    if (!isEditable(event.status as EventStatus))
      throw new AppError(ErrorCode.invalid_transition, 'An archived event cannot be edited');
    const fields = eventFields(input, event);
    if (typeof fields.capacity === 'number' && fields.capacity < event.goingCount)
      throw new AppError(
        ErrorCode.conflict,
        `capacity ${fields.capacity} is below the ${event.goingCount} people already going`,
        { errors: [{ field: 'body.capacity', message: `must be at least ${event.goingCount}` }] },
      );
    let row = await repo.updateEvent(work.tx, eventId, fields);
    row = await fillFreeSeats(work, row, userId);
    const dto = presentEvent(row);
    await work.append(eventUpdated(dto, userId));
    return dto;
  });
}

export async function transitionEvent(
  ctx: AuthedCtx,
  eventId: string,
  transition: EventTransition,
): Promise<Event> {
  const userId = ctx.actor.userId;
  return withTx(ctx.platform, async ({ tx, append }) => {
    const { event } = await requireEvent(tx, eventId, userId, canEditEvent, { forUpdate: true });
    const status = nextStatus(event.status as EventStatus, transition);
    if (!status)
      throw new AppError(
        ErrorCode.invalid_transition,
        `Cannot ${transition} an event that is ${event.status}`,
      );
    const dto = presentEvent(await repo.updateEvent(tx, eventId, { status }));
    await append({
      scope: scopes.event(eventId),
      entity: entities.events.statusChanged,
      op: 'upsert',
      id: eventId,
      data: dto,
      actorId: userId,
    });
    return dto;
  });
}

export async function getEventCalendar(
  ctx: Ctx,
  eventId: string,
): Promise<{ ics: string; filename: string }> {
  const { event } = await requireEvent(ctx.platform.db, eventId, ctx.actor?.userId, anyone);
  return { ics: buildEventCalendar(event, ctx.platform.config.publicUrl), filename: `event-${event.id}.ics` };
}
