import type { Session } from '@muster/protocol';
import { entities, scopes } from '@muster/protocol';
import { and, eq, inArray } from 'drizzle-orm';
import type { Platform } from '../../platform/context.ts';
import { withTx } from '../../platform/db/unit-of-work.ts';
import type { JobDefinition, JobResult } from '../../platform/jobs/jobs.ts';
import { claimOnce } from '../../platform/jobs/once.ts';
import { rsvps } from '../events/index.ts';
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
  return withTx(platform, async ({ tx, appendMany }) => {
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
    return users.length ? 'done' : 'skipped';
  });
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
