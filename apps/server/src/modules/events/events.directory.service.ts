import type { DirectoryEntry, DirectoryQuery } from '@muster/protocol';
import type { Limit } from '../../platform/auth/rate-limiter.ts';
import type { AuthedCtx } from '../../platform/context.ts';
import { decodeCursor, pageOf } from '../../platform/paging.ts';
import { requireEvent } from './events.access.ts';
import { listDirectory, TAKING_PART } from './events.directory.repository.ts';
import { isEventStaff } from './events.policy.ts';
import { findRsvp } from './events.rsvp.repository.ts';

/** Reads per person: enough to page and search by hand, not to crawl every event's attendees. */
export const DIRECTORY_READ_LIMIT: Limit = { name: 'directory-read', points: 60, durationSeconds: 60 };

/** Search words beyond this many are ignored (each one is a condition on every row). */
const MAX_WORDS = 5;

const takingPart = new Set<string>(TAKING_PART);

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
  const mine = await findRsvp(db, eventId, me);
  await requireEvent(
    db,
    eventId,
    me,
    (a) => isEventStaff(a) || a.eventRole !== null || takingPart.has(mine?.status ?? ''),
  );
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
