import type { Event } from '@muster/protocol';
import type { EventRow } from './events.access.ts';

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
    capacity: row.capacity,
    goingCount: row.goingCount,
    waitlistCount: row.waitlistCount,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
