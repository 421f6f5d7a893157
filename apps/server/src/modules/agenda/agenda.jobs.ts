import type { Session } from '@muster/protocol';
import { entities, scopes } from '@muster/protocol';
import { and, eq, inArray } from 'drizzle-orm';
import type { Platform } from '../../platform/context.ts';
import { type Work, withTx } from '../../platform/db/unit-of-work.ts';
import type { JobDefinition, JobResult } from '../../platform/jobs/jobs.ts';
import { claimOnce } from '../../platform/jobs/once.ts';
import { rsvps } from '../events/index.ts';
import { type NotificationIntent, raiseNotifications } from '../notifications/index.ts';
import { bookmarks } from './agenda.tables.ts';

export const SESSION_CHANGE_FANNED_OUT = 'agenda.sessionChangeFannedOut';

/** A change to a session that people may have planned around: time, room, title or cancellation. */
export interface SessionChangeFanout {
  eventId: string;
  sessionId: string;
  /** Seq of the change on `event:<id>`: with the session id, the business key of this fan-out. */
  seq: number;
  kind: 'updated' | 'cancelled';
  changed: string[];
  before: Record<string, unknown> | null;
  after: Session;
}

/** Fields whose change affects someone's plans; a typo fix in the description does not. */
export const PLAN_FIELDS = ['title', 'startsAt', 'endsAt', 'room'];

const AFFECTED_RSVP = ['going', 'waitlisted', 'interested'];
const CHUNK = 1000;

/**
 * "What changed for you": one record on the user scope of everyone who bookmarked the session or
 * RSVP'd to the event. Runs as a job so the organiser's edit commits at once however large the
 * audience; the event scope already carried the change to every live subscriber.
 */
export async function fanOutSessionChange(platform: Platform, job: SessionChangeFanout): Promise<JobResult> {
  return withTx(platform, async (work) => {
    const { tx, appendMany } = work;
    if (!(await claimOnce(tx, `${SESSION_CHANGE_FANNED_OUT}:${job.sessionId}:${job.seq}`))) return 'skipped';
    const bookmarked = await tx
      .select({ userId: bookmarks.userId })
      .from(bookmarks)
      .where(eq(bookmarks.sessionId, job.sessionId));
    const attending = await tx
      .select({ userId: rsvps.userId })
      .from(rsvps)
      .where(and(eq(rsvps.eventId, job.eventId), inArray(rsvps.status, AFFECTED_RSVP)));
    const bookmarkedIds = new Set(bookmarked.map((b) => b.userId));
    const users = [...new Set([...bookmarkedIds, ...attending.map((a) => a.userId)])];
    for (let i = 0; i < users.length; i += CHUNK) {
      await appendMany(
        users.slice(i, i + CHUNK).map((userId) => ({
          scope: scopes.user(userId),
          entity: entities.agenda.sessionChangedForYou,
          op: 'upsert' as const,
          id: job.sessionId,
          data: {
            eventId: job.eventId,
            sessionId: job.sessionId,
            kind: job.kind,
            changed: job.changed,
            before: job.before,
            session: job.after,
            bookmarked: bookmarkedIds.has(userId),
          },
        })),
      );
    }
    await raiseSessionChangeNotifications(work, job, users, bookmarkedIds);
    return users.length ? 'done' : 'skipped';
  });
}

/** Critical when it concerns a bookmarked session starting within this long (E4). */
const SOON_MS = 2 * 3600_000;

function describeChange(job: SessionChangeFanout): string {
  if (job.kind === 'cancelled') return 'Cancelled.';
  const parts: string[] = [];
  if (job.changed.includes('startsAt') || job.changed.includes('endsAt')) parts.push('new time');
  if (job.changed.includes('room')) parts.push(job.after.room ? `now in ${job.after.room}` : 'no room yet');
  if (job.changed.includes('title')) parts.push(`renamed from "${String(job.before?.title ?? '')}"`);
  const text = parts.join(', ') || 'details changed';
  return `${text[0]!.toUpperCase()}${text.slice(1)}.`;
}

/**
 * The same change as notifications: critical (at once, also in quiet hours) for people who
 * bookmarked a session that starts within 2 hours (or started before the change moved it),
 * normal for the other bookmarkers, low (inbox and digest) for the rest of the event's people. Grouped per session, so a session edited three times in a
 * minute is one item that says so.
 */
async function raiseSessionChangeNotifications(
  work: Work,
  job: SessionChangeFanout,
  users: readonly string[],
  bookmarked: ReadonlySet<string>,
) {
  const startsAt = Date.parse(job.after.startsAt);
  const before = typeof job.before?.startsAt === 'string' ? Date.parse(job.before.startsAt) : startsAt;
  const soon = Math.min(startsAt, before) - Date.now() < SOON_MS;
  const urgent = users.filter((id) => soon && bookmarked.has(id));
  const planned = users.filter((id) => !soon && bookmarked.has(id));
  // Going to the event without this session in their plan: the inbox and the next digest.
  const rest = users.filter((id) => !bookmarked.has(id));
  const groupKey = scopes.session(job.sessionId);
  const common = {
    category: 'agenda' as const,
    kind: job.kind === 'cancelled' ? 'agenda.cancelled' : 'agenda.changed',
    groupKey,
    title: job.kind === 'cancelled' ? `Cancelled: ${job.after.title}` : `Changed: ${job.after.title}`,
    groupTitle: `${job.after.title}: {count} changes`,
    body: describeChange(job),
    url: `/sessions/${job.sessionId}`,
    muteScopes: [groupKey, scopes.event(job.eventId)],
    data: { eventId: job.eventId, sessionId: job.sessionId, changed: job.changed },
  };
  const intents: NotificationIntent[] = [];
  if (urgent.length)
    intents.push({
      ...common,
      key: `agenda.sessionChange:${job.sessionId}:${job.seq}:soon`,
      priority: 'critical',
      audience: { users: urgent },
    });
  if (planned.length)
    intents.push({
      ...common,
      key: `agenda.sessionChange:${job.sessionId}:${job.seq}`,
      priority: 'normal',
      audience: { users: planned },
    });
  if (rest.length)
    intents.push({
      ...common,
      key: `agenda.sessionChange:${job.sessionId}:${job.seq}:rest`,
      priority: 'low',
      audience: { users: rest },
    });
  await raiseNotifications(work, intents);
}

export function agendaJobs(platform: Platform): JobDefinition<SessionChangeFanout>[] {
  return [
    {
      name: SESSION_CHANGE_FANNED_OUT,
      maxReceives: 5,
      handle: (data) => fanOutSessionChange(platform, data),
    },
  ];
}
