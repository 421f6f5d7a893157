import type { Event, EventRole, RoleAssignment, Rsvp, RsvpEntry, RsvpStatus } from '@muster/protocol';
import { entities, scopes } from '@muster/protocol';
import type { ChangeInput } from '../../platform/changes/change-log.ts';
import type { EventRow } from './events.access.ts';
import type { RoleRow } from './events.repository.ts';
import type { RsvpEntryRow, RsvpRow } from './events.rsvp.repository.ts';

export function presentEvent(row: EventRow): Event {
  return {
    id: row.id,
    communityId: row.communityId,
    title: row.title,
    description: row.description,
    status: row.status as Event['status'],
    visibility: row.visibility as Event['visibility'],
    startsAt: row.startsAt.toISOString(),
    endsAt: row.endsAt.toISOString(),
    timezone: row.timezone,
    venue: row.venue,
    onlineUrl: row.onlineUrl,
    coverImageUrl: row.coverImageUrl,
    coverImage: row.coverImage ?? null,
    capacity: row.capacity,
    goingCount: row.goingCount,
    waitlistCount: row.waitlistCount,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** The record every viewer of the event gets when its fields, cover or counts change. */
export function eventUpdated(dto: Event, actorId: string): ChangeInput {
  return {
    scope: scopes.event(dto.id),
    entity: entities.events.eventUpdated,
    op: 'upsert',
    id: dto.id,
    data: dto,
    actorId,
  };
}

/** `waitlistPosition` is present only while waitlisted (the protocol's promise). */
export function presentRsvp(row: RsvpRow, waitlistPosition: number | null): Rsvp {
  return {
    eventId: row.eventId,
    status: row.status as RsvpStatus,
    ...(row.status === 'waitlisted' && waitlistPosition ? { waitlistPosition } : {}),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export function presentRsvpEntry(row: RsvpEntryRow): RsvpEntry {
  return {
    userId: row.userId,
    name: row.name,
    status: row.status as RsvpStatus,
    ...(row.status === 'waitlisted' && row.waitlistPosition
      ? { waitlistPosition: row.waitlistPosition }
      : {}),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export function presentRole(row: RoleRow): RoleAssignment {
  return { userId: row.userId, name: row.name, role: row.role as EventRole };
}
