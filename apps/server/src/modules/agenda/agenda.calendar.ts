import type { CalendarToken } from '@muster/protocol';
import ical from 'ical-generator';
import { newOpaqueToken, sha256 } from '../../platform/auth/tokens.ts';
import type { AuthedCtx, Ctx } from '../../platform/context.ts';
import { withTx } from '../../platform/db/unit-of-work.ts';
import { notFound } from '../../platform/errors.ts';
// Not yet exported from the events index; the same VTIMEZONE source keeps both feeds consistent.
import { calendarTimes, vtimezoneOf } from '../events/events.timezones.ts';
import { visibleSchedule } from './agenda.personal.service.ts';
import * as repo from './agenda.repository.ts';

/** Calendar apps re-fetch a subscribed feed on their own schedule; this is the interval we suggest. */
const FEED_TTL_SECONDS = 15 * 60;

/**
 * Issues the secret of my subscribable schedule feed. Only its SHA-256 is stored, and issuing a new
 * one replaces it: the previous URL stops working at once (rotation is revocation).
 */
export async function issueCalendarToken(ctx: AuthedCtx): Promise<CalendarToken> {
  const token = newOpaqueToken();
  const stored = await withTx(ctx.platform, ({ tx }) =>
    repo.setCalendarTokenHash(tx, ctx.actor.userId, sha256(token)),
  );
  if (!stored) throw notFound('User');
  const url = `${ctx.platform.config.publicUrl}/api/v1/me/schedule.ics?token=${encodeURIComponent(token)}`;
  return { token, url };
}

/**
 * My schedule as iCalendar, authorised by the feed token alone (calendar apps send no bearer). Each
 * session keeps its event's time zone, as the events module's calendar.ics does (`calendarTimes`:
 * wall time with TZID plus one VTIMEZONE per zone, UTC where a wall time would be ambiguous).
 */
export async function renderScheduleFeed(ctx: Ctx, token: string): Promise<string> {
  const q = ctx.platform.db;
  const userId = await repo.findUserIdByCalendarTokenHash(q, sha256(token));
  if (!userId) throw notFound('Calendar feed');
  const { sessions, events } = await visibleSchedule(q, userId);
  const calendar = ical({
    name: 'My Muster schedule',
    prodId: { company: 'Muster', product: 'Muster', language: 'EN' },
    ttl: FEED_TTL_SECONDS,
    timezone: { name: null, generator: (tzid) => vtimezoneOf(tzid)?.block ?? null },
  });
  for (const session of sessions) {
    const event = events.get(session.eventId)?.event;
    calendar.createEvent({
      id: `${session.id}@muster`,
      // Grows with every edit, so calendar apps replace their copy instead of keeping a stale one.
      sequence: Math.max(0, Math.floor((session.updatedAt.getTime() - session.createdAt.getTime()) / 1000)),
      ...calendarTimes(session.startsAt, session.endsAt, event?.timezone ?? 'UTC'),
      stamp: session.updatedAt,
      lastModified: session.updatedAt,
      summary: session.title,
      description: [event?.title, session.description].filter(Boolean).join('\n\n') || null,
      location: [session.room, event?.venue].filter(Boolean).join(', ') || null,
      categories: session.tags.map((name) => ({ name })),
    });
  }
  return calendar.toString();
}
