import type { DirectoryEntry, DirectoryQuery } from '@muster/protocol';
import type { Limit } from '../../platform/auth/rate-limiter.ts';
import type { AuthedCtx } from '../../platform/context.ts';
import type { Queryable } from '../../platform/db/client.ts';
import { AppError, ErrorCode } from '../../platform/errors.ts';
import { decodeCursor, pageOf } from '../../platform/paging.ts';
import { requireEvent } from './events.access.ts';
import { listDirectory, TAKING_PART } from './events.directory.repository.ts';
import { type EventAccess, isEventStaff } from './events.policy.ts';
import { findRsvp } from './events.rsvp.repository.ts';

/** Reads per person: enough to page and search by hand, not to crawl every event's attendees. */
export const DIRECTORY_READ_LIMIT: Limit = { name: 'directory-read', points: 60, durationSeconds: 60 };

/** Search words beyond this many are ignored (each one is a condition on every row). */
const MAX_WORDS = 5;

const takingPart = new Set<string>(TAKING_PART);

/**
 * The event as seen by someone taking part in it (RSVP other than "not going", a role, or staff);
 * `extra` lets a module add its own way in (a ticket). Anyone else who can see the event is refused
 * with `forbidden`; who cannot see it gets `not_found`.
 */
export async function requireParticipant(
  db: Queryable,
  eventId: string,
  userId: string,
  extra: (access: EventAccess) => boolean | Promise<boolean> = () => false,
): Promise<EventAccess> {
  const mine = await findRsvp(db, eventId, userId);
  const access = await requireEvent(db, eventId, userId, () => true);
  if (isEventStaff(access) || access.eventRole !== null || takingPart.has(mine?.status ?? '')) return access;
  if (await extra(access)) return access;
  throw new AppError(ErrorCode.forbidden, 'Only people taking part in this event can see this');
}

/**
 * `GET /api/v1/events/:id/directory`: the people taking part who opted in, for the others taking
 * part (RSVP other than "not going", a role, or staff). Anyone else who can see the event is
 * refused with `forbidden`; who cannot see it gets `not_found`.
 */
export async function eventDirectory(
  ctx: AuthedCtx,
  eventId: string,
  query: DirectoryQuery,
): Promise<{ items: DirectoryEntry[]; nextCursor: string | null }> {
  const me = ctx.actor.userId;
  await ctx.platform.limits.consume(DIRECTORY_READ_LIMIT, me);
  const db = ctx.platform.db;
  await requireParticipant(db, eventId, me);
  const limit = query.limit ?? 50;
  const after = decodeCursor(query.cursor, ['number', 'uuid'] as const);
  const words = (query.q ?? '').trim().split(/\s+/).filter(Boolean).slice(0, MAX_WORDS);
  const rows = await listDirectory(db, eventId, me, {
    words,
    interest: query.interest ?? null,
    after,
    limit: limit + 1,
  });
  const page = pageOf(rows, limit, (r) => [r.queueOrder, r.userId]);
  return {
    items: page.items.map(({ queueOrder: _q, ...entry }) => entry),
    nextCursor: page.nextCursor,
  };
}
