import {
  type CheckinBatchBody,
  type CheckinBatchResult,
  CheckinBody,
  type CheckinKeys,
  type CheckinResult,
  type DoorStats,
  type TicketSearchQuery,
  type TicketSearchResult,
} from '@muster/protocol';
import { and, eq, exists, ilike, isNull, or, sql } from 'drizzle-orm';
import { Compile } from 'typebox/compile';
import type { AuthedCtx } from '../../platform/context.ts';
import { withTx } from '../../platform/db/unit-of-work.ts';
import { AppError, ErrorCode, notFound } from '../../platform/errors.ts';
import { isEventScanner, isEventStaff, requireEvent } from '../events/index.ts';
import { eventPublicKeys, eventSigningKey, tickets } from '../tickets/index.ts';
import {
  appendCheckins,
  atDoor,
  presentCheckin,
  recordScan,
  type Scanner,
  ticketTypeNames,
} from './checkin.scan.ts';
import { doorStats, doorStatsPublisher } from './checkin.stats.ts';
import { checkins } from './checkin.tables.ts';

/** A hardware scanner reads a code a second; a script posting thousands is not a door. */
export const SCAN_LIMIT = { name: 'checkin.scan', points: 600, durationSeconds: 60 };
export const BATCH_LIMIT = { name: 'checkin.batch', points: 30, durationSeconds: 60 };
export const SEARCH_LIMIT = { name: 'checkin.search', points: 120, durationSeconds: 60 };
/**
 * Scans of one batch decided per transaction: short enough that the online scans of the other doors
 * interleave with an offline door's upload (PGlite runs one transaction at a time).
 */
const BATCH_CHUNK = 10;

const checkScan = Compile(CheckinBody);

async function scannerOf(ctx: AuthedCtx, eventId: string): Promise<Scanner> {
  const access = await requireEvent(ctx.platform.db, eventId, ctx.actor.userId, isEventScanner);
  return { userId: ctx.actor.userId, mayPickByHand: isEventStaff(access) };
}

/** `GET /events/:id/checkin/keys`: everything a scanner needs to decide with no network. */
export async function checkinKeys(ctx: AuthedCtx, eventId: string): Promise<CheckinKeys> {
  await scannerOf(ctx, eventId);
  const db = ctx.platform.db;
  // Made on first use, so scanners can be prepared before the first ticket is sold.
  await eventSigningKey(db, eventId);
  const revoked = await db
    .select({ id: tickets.id })
    .from(tickets)
    .where(and(eq(tickets.eventId, eventId), eq(tickets.status, 'void')));
  return {
    eventId,
    algorithm: 'Ed25519',
    keys: await eventPublicKeys(db, eventId),
    revoked: revoked.map((r) => r.id),
    at: new Date().toISOString(),
  };
}

/** `POST /events/:id/checkins`: one scan, decided online. */
export async function scanOne(ctx: AuthedCtx, eventId: string, scan: CheckinBody): Promise<CheckinResult> {
  const scanner = await scannerOf(ctx, eventId);
  await ctx.platform.limits.consume(SCAN_LIMIT, scanner.userId);
  if ((scan.qr === undefined) === (scan.ticketId === undefined))
    throw new AppError(ErrorCode.validation_failed, 'Give exactly one of qr or ticketId');
  if (scan.ticketId !== undefined && !scanner.mayPickByHand)
    throw new AppError(ErrorCode.forbidden, 'Volunteers scan codes; picking a ticket by hand is for staff');
  const { result } = await withTx(ctx.platform, (work) => recordScan(work, eventId, scanner, scan));
  doorStatsPublisher(ctx.platform).touch(eventId);
  return result;
}

/**
 * `POST /events/:id/checkins/batch`: an offline scanner's queue. Each item is checked on its own (a
 * malformed one answers `rejected`, the rest apply), decided in order of `scannedAt`, in chunks of
 * short transactions; every `scanId` is applied once however often the batch is sent.
 */
export async function scanBatch(
  ctx: AuthedCtx,
  eventId: string,
  body: CheckinBatchBody,
): Promise<CheckinBatchResult> {
  const scanner = await scannerOf(ctx, eventId);
  await ctx.platform.limits.consume(BATCH_LIMIT, scanner.userId);
  const results: CheckinResult[] = new Array(body.scans.length);
  const valid: { index: number; scan: CheckinBody }[] = [];
  body.scans.forEach((item, index) => {
    const problem = problemOf(item, scanner);
    if (problem) results[index] = rejected(item, problem);
    else valid.push({ index, scan: item as CheckinBody });
  });
  valid.sort((a, b) => Date.parse(a.scan.scannedAt) - Date.parse(b.scan.scannedAt));
  for (let start = 0; start < valid.length; start += BATCH_CHUNK) {
    const chunk = valid.slice(start, start + BATCH_CHUNK);
    const answers = await withTx(ctx.platform, async (work) => {
      const out: CheckinResult[] = [];
      for (const { scan } of chunk) out.push((await recordScan(work, eventId, scanner, scan)).result);
      return out;
    });
    chunk.forEach(({ index }, i) => {
      results[index] = answers[i]!;
    });
    // PGlite answers in microtasks: without a turn of the event loop between chunks, a long upload
    // would run to its end before any timer (the dashboard's publication) or other request.
    await new Promise((resolve) => setImmediate(resolve));
  }
  if (valid.length) doorStatsPublisher(ctx.platform).touch(eventId);
  return { results };
}

function problemOf(item: unknown, scanner: Scanner): string | null {
  if (!checkScan.Check(item)) {
    const first = checkScan.Errors(item)[0];
    return first ? `${first.instancePath || '/'} ${first.message}` : 'not a scan';
  }
  const scan = item as CheckinBody;
  if ((scan.qr === undefined) === (scan.ticketId === undefined)) return 'give exactly one of qr or ticketId';
  if (scan.ticketId !== undefined && !scanner.mayPickByHand) return 'picking a ticket by hand is for staff';
  return null;
}

function rejected(item: unknown, error: string): CheckinResult {
  const scanId = (item as { scanId?: unknown } | null)?.scanId;
  return {
    scanId: typeof scanId === 'string' && /^[0-9a-f-]{36}$/i.test(scanId) ? scanId : null,
    result: 'rejected',
    checkinId: null,
    ticket: null,
    firstCheckin: null,
    conflict: false,
    error,
  };
}

/** `DELETE /checkins/:id`: staff take back a scan made by mistake; it leaves the counts at once. */
export async function undoCheckin(ctx: AuthedCtx, checkinId: string): Promise<void> {
  const eventId = await withTx(ctx.platform, async (work) => {
    const [row] = await work.tx.select().from(checkins).where(eq(checkins.id, checkinId));
    if (!row) throw notFound('Check-in');
    await requireEvent(work.tx, row.eventId, ctx.actor.userId, isEventStaff);
    const [undone] = await work.tx
      .update(checkins)
      .set({ undoneAt: new Date() })
      .where(and(eq(checkins.id, checkinId), isNull(checkins.undoneAt)))
      .returning();
    if (!undone) return row.eventId;
    const [ticket] = await work.tx
      .select({ holderName: tickets.holderName })
      .from(tickets)
      .where(eq(tickets.id, undone.ticketId));
    await appendCheckins(work, undone.eventId, [presentCheckin(undone, ticket?.holderName ?? '')]);
    return undone.eventId;
  });
  doorStatsPublisher(ctx.platform).touch(eventId);
}

/** `GET /events/:id/tickets?q=`: staff find a ticket by holder name, ticket id or order id. */
export async function searchTickets(
  ctx: AuthedCtx,
  eventId: string,
  query: TicketSearchQuery,
): Promise<TicketSearchResult> {
  const db = ctx.platform.db;
  await requireEvent(db, eventId, ctx.actor.userId, isEventStaff);
  await ctx.platform.limits.consume(SEARCH_LIMIT, ctx.actor.userId);
  const q = query.q.trim();
  const pattern = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const isId = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(q);
  const admitted = exists(
    db
      .select({ one: sql`1` })
      .from(checkins)
      .where(
        and(eq(checkins.ticketId, tickets.id), eq(checkins.result, 'admitted'), isNull(checkins.undoneAt)),
      ),
  );
  const rows = await db
    .select({ ticket: tickets, checkedIn: sql<boolean>`${admitted}` })
    .from(tickets)
    .where(
      and(
        eq(tickets.eventId, eventId),
        isId ? or(eq(tickets.id, q), eq(tickets.orderId, q)) : ilike(tickets.holderName, pattern),
      ),
    )
    .orderBy(tickets.holderName)
    .limit(query.limit ?? 20);
  const names = await ticketTypeNames(
    db,
    rows.map((r) => r.ticket.ticketTypeId),
  );
  return {
    items: rows.map(({ ticket, checkedIn }) => ({
      ...atDoor(ticket, names.get(ticket.ticketTypeId) ?? '', []),
      checkedIn: Boolean(checkedIn),
    })),
  };
}

/** `GET /events/:id/door`: the dashboard, for everyone who scans at this event's doors. */
export async function getDoorStats(ctx: AuthedCtx, eventId: string): Promise<DoorStats> {
  await requireEvent(ctx.platform.db, eventId, ctx.actor.userId, isEventScanner);
  return doorStats(ctx.platform.db, eventId);
}
