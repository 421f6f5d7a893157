import {
  type Checkin,
  type CheckinBody,
  type CheckinResult,
  entities,
  scopes,
  type TicketAtDoor,
} from '@muster/protocol';
import { and, asc, eq, inArray, isNull } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import type { Queryable } from '../../platform/db/client.ts';
import type { Work } from '../../platform/db/unit-of-work.ts';
import { type TicketRow, tickets, ticketTypes, verifyTicketCode } from '../tickets/index.ts';
import { checkins } from './checkin.tables.ts';

export type CheckinRow = typeof checkins.$inferSelect;

/** Who scans, and what they may do beyond scanning a code. */
export interface Scanner {
  userId: string;
  /** Staff may pick a ticket by hand (search); volunteers only scan codes. */
  mayPickByHand: boolean;
}

const refused = (
  scanId: string | null,
  result: 'invalid' | 'void',
  ticket: TicketAtDoor | null = null,
): CheckinResult => ({
  scanId,
  result,
  checkinId: null,
  ticket,
  firstCheckin: null,
  conflict: false,
});

/**
 * Decides and records one scan inside the caller's transaction (PRODUCT F4, F5):
 * - a code must verify under the event's key (forged, altered, other event: `invalid`); a voided
 *   ticket is `void`; neither is recorded (nothing was admitted);
 * - the ticket row is locked, so two doors scanning it at the same instant are decided one after the
 *   other: one `admitted`, the other `already_checked_in`;
 * - a scan whose `scanId` was recorded before answers what it answered then (uploads repeat);
 * - an offline scanner that already let the ticket in (`offlineVerdict: 'admitted'`) while it was
 *   inside is recorded as admitted too, and both admissions are flagged `conflict` — the double entry
 *   is shown, never merged away.
 */
export async function recordScan(
  work: Work,
  eventId: string,
  scanner: Scanner,
  scan: CheckinBody,
): Promise<{ result: CheckinResult; recorded: Checkin[] }> {
  const ticketId = await resolveTicket(work.tx, eventId, scanner, scan);
  if (!ticketId) return { result: refused(scan.scanId, 'invalid'), recorded: [] };
  const [ticket] = await work.tx
    .select()
    .from(tickets)
    .where(and(eq(tickets.id, ticketId), eq(tickets.eventId, eventId)))
    .for('update');
  if (!ticket) return { result: refused(scan.scanId, 'invalid'), recorded: [] };
  const typeName = await ticketTypeName(work.tx, ticket.ticketTypeId);
  const history = await ticketHistory(work.tx, ticket.id);
  const earlier = history.find((row) => row.scanId === scan.scanId);
  if (earlier) return { result: resultOf(earlier, history, ticket, typeName), recorded: [] };
  if (ticket.status === 'void')
    return { result: refused(scan.scanId, 'void', atDoor(ticket, typeName, history)), recorded: [] };

  const direction = scan.direction ?? 'in';
  const inside = isInside(history);
  const secondAdmission = direction === 'in' && inside !== null && scan.offlineVerdict === 'admitted';
  const outcome =
    direction === 'out' ? 'exited' : inside && !secondAdmission ? 'already_checked_in' : 'admitted';
  const [row] = await work.tx
    .insert(checkins)
    .values({
      id: uuidv7(),
      eventId,
      ticketId: ticket.id,
      scanId: scan.scanId,
      doorId: scan.doorId ?? null,
      direction,
      result: outcome,
      conflict: secondAdmission,
      offline: scan.offlineVerdict !== undefined,
      scannedAt: clampScanTime(scan.scannedAt),
      byUserId: scanner.userId,
    })
    .returning();
  const changed: CheckinRow[] = [row!];
  if (secondAdmission) {
    // The admission it collides with is a conflict too: both doors and the dashboard see the pair.
    const flagged = await work.tx
      .update(checkins)
      .set({ conflict: true })
      .where(and(eq(checkins.id, inside.id), eq(checkins.conflict, false)))
      .returning();
    changed.push(...flagged);
  }
  const after = [...history.filter((h) => !changed.some((c) => c.id === h.id)), ...changed];
  const recorded = changed.map((c) => presentCheckin(c, ticket.holderName));
  await appendCheckins(work, eventId, recorded);
  return { result: resultOf(row!, sortByScan(after), ticket, typeName), recorded };
}

export async function appendCheckins(work: Work, eventId: string, rows: readonly Checkin[]): Promise<void> {
  if (rows.length === 0) return;
  await work.appendMany(
    rows.map((data) => ({
      scope: scopes.door(eventId),
      entity: entities.checkin.checkinRecorded,
      op: 'upsert' as const,
      id: data.id,
      data,
    })),
  );
}

async function resolveTicket(
  q: Queryable,
  eventId: string,
  scanner: Scanner,
  scan: CheckinBody,
): Promise<string | null> {
  if (scan.qr !== undefined) return (await verifyTicketCode(q, eventId, scan.qr))?.ticketId ?? null;
  if (scan.ticketId !== undefined && scanner.mayPickByHand) return scan.ticketId;
  return null;
}

/** A ticket's door history, oldest scan first (undone scans left out: they never happened). */
async function ticketHistory(q: Queryable, ticketId: string): Promise<CheckinRow[]> {
  return q
    .select()
    .from(checkins)
    .where(and(eq(checkins.ticketId, ticketId), isNull(checkins.undoneAt)))
    .orderBy(asc(checkins.scannedAt), asc(checkins.recordedAt));
}

const sortByScan = (rows: CheckinRow[]) =>
  rows.sort(
    (a, b) =>
      a.scannedAt.getTime() - b.scannedAt.getTime() || a.recordedAt.getTime() - b.recordedAt.getTime(),
  );

/** The admission that has the ticket inside now (the last admission with no exit after it), if any. */
export function isInside(history: readonly CheckinRow[]): CheckinRow | null {
  let inside: CheckinRow | null = null;
  for (const row of history) {
    if (row.result === 'admitted') inside ??= row;
    else if (row.result === 'exited') inside = null;
  }
  return inside;
}

function resultOf(
  row: CheckinRow,
  history: readonly CheckinRow[],
  ticket: TicketRow,
  typeName: string,
): CheckinResult {
  const first =
    history.find((h) => h.result === 'admitted' && h.id !== row.id && h.scannedAt <= row.scannedAt) ??
    (row.result === 'already_checked_in' ? history.find((h) => h.result === 'admitted') : undefined);
  return {
    scanId: row.scanId,
    result: row.result as CheckinResult['result'],
    checkinId: row.id,
    ticket: atDoor(ticket, typeName, history),
    firstCheckin:
      first && (row.conflict || row.result === 'already_checked_in')
        ? { at: first.scannedAt.toISOString(), doorId: first.doorId }
        : null,
    conflict: row.conflict,
  };
}

export function atDoor(ticket: TicketRow, typeName: string, history: readonly CheckinRow[]): TicketAtDoor {
  return {
    id: ticket.id,
    holderName: ticket.holderName,
    ticketTypeName: typeName,
    status: ticket.status === 'void' ? 'void' : 'valid',
    checkedIn: history.some((h) => h.result === 'admitted'),
  };
}

export function presentCheckin(row: CheckinRow, holderName: string): Checkin {
  return {
    id: row.id,
    eventId: row.eventId,
    ticketId: row.ticketId,
    scanId: row.scanId,
    doorId: row.doorId,
    direction: row.direction === 'out' ? 'out' : 'in',
    result: row.result as Checkin['result'],
    conflict: row.conflict,
    holderName,
    scannedAt: row.scannedAt.toISOString(),
    recordedAt: row.recordedAt.toISOString(),
    byUserId: row.byUserId ?? '00000000-0000-0000-0000-000000000000',
    undoneAt: row.undoneAt?.toISOString() ?? null,
  };
}

export async function ticketTypeName(q: Queryable, ticketTypeId: string): Promise<string> {
  const [row] = await q
    .select({ name: ticketTypes.name })
    .from(ticketTypes)
    .where(eq(ticketTypes.id, ticketTypeId));
  return row?.name ?? '';
}

export async function ticketTypeNames(q: Queryable, ids: readonly string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await q
    .select({ id: ticketTypes.id, name: ticketTypes.name })
    .from(ticketTypes)
    .where(inArray(ticketTypes.id, [...new Set(ids)]));
  return new Map(rows.map((r) => [r.id, r.name]));
}

/**
 * A scanner's clock may be wrong; a scan is never dated in the future (it would sort after scans
 * that really came later) nor more than a day back (an offline door uploads within the event).
 */
function clampScanTime(scannedAt: string): Date {
  const now = Date.now();
  const at = Date.parse(scannedAt);
  return new Date(Math.min(now, Math.max(now - 86_400_000, Number.isFinite(at) ? at : now)));
}
