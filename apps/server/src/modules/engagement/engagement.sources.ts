import { type Change, type ChangeEntity, entities, parseScope } from '@muster/protocol';
import { and, eq, isNotNull, isNull, or, sql } from 'drizzle-orm';
import type { Queryable } from '../../platform/db/client.ts';
import { sessionEventId } from '../agenda/index.ts';
import { checkins, sessionCheckins } from '../checkin/index.ts';
import { sessionFeedback } from '../feedback/index.ts';
import { connections } from '../networking/index.ts';
import { pollBallots, pollEventId } from '../polls/index.ts';
import { questions } from '../questions/index.ts';
import { isCredited, referralAttributions } from '../referrals/index.ts';
import { tickets } from '../tickets/index.ts';
import type { PointsFact } from './engagement.ledger.ts';
import { pointsLedger } from './engagement.tables.ts';

/**
 * Where points come from: for each change entity the engagement reactor receives, what the change
 * means for someone's points now. Each source reads the owning module's committed state (through
 * its index) instead of trusting the change's data or arrival order.
 */
type Source = (db: Queryable, change: Change) => Promise<PointsFact[]>;

/** A check-in scores once per person and event, while one of their tickets stands admitted. */
const checkedIn: Source = async (db, change) => {
  const { ticketId, eventId } = change.data as { ticketId: string; eventId: string };
  const [ticket] = await db
    .select({ holderId: tickets.holderId })
    .from(tickets)
    .where(eq(tickets.id, ticketId));
  if (!ticket?.holderId) return [];
  const [admitted] = await db
    .select({ id: checkins.id })
    .from(checkins)
    .innerJoin(tickets, eq(tickets.id, checkins.ticketId))
    .where(
      and(
        eq(checkins.eventId, eventId),
        eq(tickets.holderId, ticket.holderId),
        eq(checkins.result, 'admitted'),
        eq(checkins.direction, 'in'),
        isNull(checkins.undoneAt),
      ),
    )
    .limit(1);
  return [
    { eventId, userId: ticket.holderId, action: 'checkin', subjectId: eventId, holds: Boolean(admitted) },
  ];
};

/** A vote scores once per poll while the ballot exists. */
const voted: Source = async (db, change) => {
  const userId = parseScope(change.scope, ['user'])?.id;
  const pollId = change.id;
  const eventId = userId ? await pollEventId(db, pollId) : null;
  if (!userId || !eventId) return [];
  const [ballot] = await db
    .select({ pollId: pollBallots.pollId })
    .from(pollBallots)
    .where(and(eq(pollBallots.pollId, pollId), eq(pollBallots.userId, userId)));
  return [{ eventId, userId, action: 'poll_voted', subjectId: pollId, holds: Boolean(ballot) }];
};

/** Session feedback scores once per session while it exists. */
const gaveFeedback: Source = async (db, change) => {
  const userId = parseScope(change.scope, ['user'])?.id;
  const sessionId = change.id;
  const eventId = userId ? await sessionEventId(db, sessionId) : null;
  if (!userId || !eventId) return [];
  const [row] = await db
    .select({ sessionId: sessionFeedback.sessionId })
    .from(sessionFeedback)
    .where(and(eq(sessionFeedback.sessionId, sessionId), eq(sessionFeedback.userId, userId)));
  return [{ eventId, userId, action: 'feedback_given', subjectId: sessionId, holds: Boolean(row) }];
};

/**
 * A question scores while the audience can see it (visible or answered): not while it waits for a
 * moderator, and no longer once hidden. The asker comes from the question's row, since an
 * anonymous question's change does not name them.
 */
const asked: Source = async (db, change) => {
  const [question] = await db
    .select({ eventId: questions.eventId, askerId: questions.askerId, state: questions.state })
    .from(questions)
    .where(eq(questions.id, change.id));
  if (question)
    return [
      {
        eventId: question.eventId,
        userId: question.askerId,
        action: 'question_asked',
        subjectId: change.id,
        holds: question.state === 'visible' || question.state === 'answered',
      },
    ];
  // Deleted outright: withdraw whatever it earned.
  return withdrawSubject(db, 'question_asked', change.id);
};

/**
 * A connection made at an event scores once per person met, for each of the two, while it stands
 * (each side's own change record scores that side). A removed connection's record carries no data,
 * so its side re-checks every connection it scored for.
 */
const connected: Source = async (db, change) => {
  const me = parseScope(change.scope, ['user'])?.id;
  if (!me) return [];
  const scored = await db
    .select({ eventId: pointsLedger.eventId, subjectId: pointsLedger.subjectId })
    .from(pointsLedger)
    .where(and(eq(pointsLedger.userId, me), eq(pointsLedger.action, 'connection_made')));
  const [row] = await db.select().from(connections).where(eq(connections.id, change.id));
  const current =
    row?.eventId && row.status === 'accepted'
      ? [{ eventId: row.eventId, subjectId: row.requesterId === me ? row.addresseeId : row.requesterId }]
      : [];
  const subjects = [...scored, ...current];
  const facts: PointsFact[] = [];
  for (const { eventId, subjectId } of subjects) {
    if (facts.some((f) => f.eventId === eventId && f.subjectId === subjectId)) continue;
    facts.push({
      eventId,
      userId: me,
      action: 'connection_made',
      subjectId,
      holds: await stillConnected(db, me, subjectId),
    });
  }
  return facts;
};

async function stillConnected(db: Queryable, a: string, b: string): Promise<boolean> {
  const [row] = await db
    .select({ id: connections.id })
    .from(connections)
    .where(
      and(
        eq(connections.status, 'accepted'),
        or(
          and(eq(connections.requesterId, a), eq(connections.addresseeId, b)),
          and(eq(connections.requesterId, b), eq(connections.addresseeId, a)),
        ),
      ),
    );
  return Boolean(row);
}

/**
 * A referral scores its referrer once it counts (the referred person verified their address and
 * still goes: `isCredited`), and stops scoring when it no longer does. Reacts to the credit itself
 * and to the referred person's verification and RSVP changes.
 */
const referred: Source = async (db, change) => {
  const person = parseScope(change.scope, ['user'])?.id;
  if (!person) return [];
  const which =
    change.entity === entities.referrals.referralAttributed
      ? eq(referralAttributions.id, change.id)
      : eq(referralAttributions.referredUserId, person);
  const rows = await db
    .select({
      id: referralAttributions.id,
      referrerId: referralAttributions.referrerId,
      eventId: referralAttributions.eventId,
      credited: sql<boolean>`${isCredited}`,
    })
    .from(referralAttributions)
    .where(and(which, isNotNull(referralAttributions.eventId)));
  return rows.map((row) => ({
    eventId: row.eventId!,
    userId: row.referrerId,
    action: 'referral_verified' as const,
    subjectId: row.id,
    holds: Boolean(row.credited),
  }));
};

/**
 * Walking into a session's room scores once per session: each room scan's change scores whoever
 * scanned in and has not scored for it yet (never withdrawn: leaving the room does not undo having
 * been there).
 */
const attended: Source = async (db, change) => {
  const sessionId = change.id;
  const eventId = await sessionEventId(db, sessionId);
  if (!eventId) return [];
  const rows = await db
    .selectDistinct({ userId: tickets.holderId })
    .from(sessionCheckins)
    .innerJoin(tickets, eq(tickets.id, sessionCheckins.ticketId))
    .where(
      and(
        eq(sessionCheckins.sessionId, sessionId),
        eq(sessionCheckins.direction, 'in'),
        isNotNull(tickets.holderId),
        sql`not exists (select 1 from ${pointsLedger} l where l.event_id = ${eventId} and l.user_id = ${tickets.holderId}
          and l.action = 'session_attended' and l.subject_id = ${sessionId} and l.withdrawn_at is null)`,
      ),
    )
    .limit(500);
  return rows.map((row) => ({
    eventId,
    userId: row.userId!,
    action: 'session_attended' as const,
    subjectId: sessionId,
    holds: true,
  }));
};

async function withdrawSubject(
  db: Queryable,
  action: 'question_asked',
  subjectId: string,
): Promise<PointsFact[]> {
  const rows = await db
    .select({ eventId: pointsLedger.eventId, userId: pointsLedger.userId })
    .from(pointsLedger)
    .where(and(eq(pointsLedger.action, action), eq(pointsLedger.subjectId, subjectId)));
  return rows.map((row) => ({ ...row, action, subjectId, holds: false }));
}

export const POINT_SOURCES: Partial<Record<ChangeEntity, Source>> = {
  [entities.checkin.checkinRecorded]: checkedIn,
  [entities.polls.ballotSaved]: voted,
  [entities.feedback.feedbackSaved]: gaveFeedback,
  [entities.questions.questionChanged]: asked,
  [entities.networking.connectionChanged]: connected,
  [entities.referrals.referralAttributed]: referred,
  [entities.identity.emailVerified]: referred,
  [entities.events.rsvpChanged]: referred,
  [entities.checkin.attendanceChanged]: attended,
};

export const SOURCE_ENTITIES = Object.keys(POINT_SOURCES) as ChangeEntity[];

/** The facts behind one change; an entity without a source means nothing for points. */
export function factsOf(db: Queryable, change: Change): Promise<PointsFact[]> {
  const source = POINT_SOURCES[change.entity as ChangeEntity];
  return source ? source(db, change) : Promise.resolve([]);
}
