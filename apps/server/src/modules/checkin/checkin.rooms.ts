import {
  entities,
  type SessionAttendance,
  type SessionCheckinBody,
  type SessionCheckinResult,
  scopes,
} from '@muster/protocol';
import { and, eq, sql } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import type { AuthedCtx } from '../../platform/context.ts';
import type { Queryable } from '../../platform/db/client.ts';
import { withTx } from '../../platform/db/unit-of-work.ts';
import { AppError, ErrorCode, notFound } from '../../platform/errors.ts';
import { sessions } from '../agenda/agenda.tables.ts';
import {
  canViewEvent,
  isEventScanner,
  isEventStaff,
  loadEventAccess,
  requireEvent,
} from '../events/index.ts';
import { tickets, verifyTicketCode } from '../tickets/index.ts';
import { atDoor, ticketTypeName } from './checkin.scan.ts';
import { SCAN_LIMIT } from './checkin.service.ts';
import { sessionCheckins } from './checkin.tables.ts';

/**
 * Room attendance (PRODUCT F6). A scan at a room's door records an entry or exit; `present` is the
 * people whose last scan there is an entry, `attended` everyone who ever entered. An entry into a
 * full room is refused (`full`) and not recorded. Scans of one room are decided one at a time (the
 * session row is locked), so two doors of a room never both fill its last seat.
 */
export async function roomCheckin(
  ctx: AuthedCtx,
  sessionId: string,
  scan: SessionCheckinBody,
): Promise<SessionCheckinResult> {
  await ctx.platform.limits.consume(SCAN_LIMIT, ctx.actor.userId);
  if ((scan.qr === undefined) === (scan.ticketId === undefined))
    throw new AppError(ErrorCode.validation_failed, 'Give exactly one of qr or ticketId');
  return withTx(ctx.platform, async (work) => {
    const [session] = await work.tx.select().from(sessions).where(eq(sessions.id, sessionId)).for('update');
    if (!session) throw notFound('Session');
    const access = await requireEvent(work.tx, session.eventId, ctx.actor.userId, isEventScanner);
    if (scan.ticketId !== undefined && !isEventStaff(access))
      throw new AppError(ErrorCode.forbidden, 'Volunteers scan codes; picking a ticket by hand is for staff');
    const ticketId =
      scan.qr !== undefined
        ? (await verifyTicketCode(work.tx, session.eventId, scan.qr))?.ticketId
        : scan.ticketId;
    const [ticket] = ticketId
      ? await work.tx
          .select()
          .from(tickets)
          .where(and(eq(tickets.id, ticketId), eq(tickets.eventId, session.eventId)))
      : [];
    const capacity = session.capacity ?? null;
    if (!ticket)
      return { result: 'invalid', attendance: await attendance(work.tx, sessionId, capacity), ticket: null };
    const door = atDoor(ticket, await ticketTypeName(work.tx, ticket.ticketTypeId), []);
    if (ticket.status === 'void')
      return { result: 'void', attendance: await attendance(work.tx, sessionId, capacity), ticket: door };

    const [repeat] = await work.tx
      .select()
      .from(sessionCheckins)
      .where(and(eq(sessionCheckins.sessionId, sessionId), eq(sessionCheckins.scanId, scan.scanId)));
    const direction = scan.direction ?? 'in';
    const before = await attendance(work.tx, sessionId, capacity);
    if (repeat)
      return { result: repeat.direction === 'out' ? 'exited' : 'admitted', attendance: before, ticket: door };
    const inside = await isInRoom(work.tx, sessionId, ticket.id);
    if (direction === 'in' && inside)
      return { result: 'already_checked_in', attendance: before, ticket: door };
    if (direction === 'in' && before.full) return { result: 'full', attendance: before, ticket: door };
    await work.tx.insert(sessionCheckins).values({
      id: uuidv7(),
      sessionId,
      ticketId: ticket.id,
      scanId: scan.scanId,
      direction,
      byUserId: ctx.actor.userId,
    });
    const after = await attendance(work.tx, sessionId, capacity);
    await work.append({
      scope: scopes.session(sessionId),
      entity: entities.checkin.attendanceChanged,
      op: 'upsert',
      id: sessionId,
      data: after,
    });
    return { result: direction === 'out' ? 'exited' : 'admitted', attendance: after, ticket: door };
  });
}

/** `GET /sessions/:id/attendance`: whoever may see the session's event. */
export async function getAttendance(ctx: AuthedCtx, sessionId: string): Promise<SessionAttendance> {
  const db = ctx.platform.db;
  const [session] = await db.select().from(sessions).where(eq(sessions.id, sessionId));
  const access = session ? await loadEventAccess(db, session.eventId, ctx.actor.userId) : null;
  if (!session || !access || !canViewEvent(access)) throw notFound('Session');
  return attendance(db, sessionId, session.capacity ?? null);
}

async function isInRoom(q: Queryable, sessionId: string, ticketId: string): Promise<boolean> {
  const [last] = await q
    .select({ direction: sessionCheckins.direction })
    .from(sessionCheckins)
    .where(and(eq(sessionCheckins.sessionId, sessionId), eq(sessionCheckins.ticketId, ticketId)))
    .orderBy(sql`${sessionCheckins.at} desc, ${sessionCheckins.id} desc`)
    .limit(1);
  return last?.direction === 'in';
}

async function attendance(
  q: Queryable,
  sessionId: string,
  capacity: number | null,
): Promise<SessionAttendance> {
  // Per ticket, its last scan in this room (ids are time-ordered uuidv7, which breaks ties in `at`).
  const [row] = await q
    .select({
      present: sql<number>`count(*) filter (where last_direction = 'in')::int`,
      attended: sql<number>`count(*)::int`,
    })
    .from(
      sql`(select distinct on (ticket_id) ticket_id, direction as last_direction
             from ${sessionCheckins}
            where session_id = ${sessionId}
            order by ticket_id, at desc, id desc) as last_scans`,
    );
  const present = Number(row?.present ?? 0);
  return {
    sessionId,
    present,
    attended: Number(row?.attended ?? 0),
    capacity,
    full: capacity !== null && present >= capacity,
  };
}
