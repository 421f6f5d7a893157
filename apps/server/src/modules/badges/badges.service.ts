import type { PassThrough } from 'node:stream';
import { and, asc, desc, eq, notInArray, sql } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import type { AuthedCtx, Platform } from '../../platform/context.ts';
import type { Queryable } from '../../platform/db/client.ts';
import { withTx } from '../../platform/db/unit-of-work.ts';
import { AppError, ErrorCode, notFound } from '../../platform/errors.ts';
import type { JobResult } from '../../platform/jobs/jobs.ts';
import { findEvent, isEventStaff, requireEvent } from '../events/index.ts';
import { users } from '../identity/identity.tables.ts';
import { tickets, ticketTypes } from '../tickets/index.ts';
import { type Badge, type BadgeSize, renderBadges } from './badges.render.ts';
import { badgeJobs } from './badges.tables.ts';

/** Up to this many badges are rendered while the organiser waits; more go to a job. */
export const INLINE_BADGES = 300;
export const RENDER_BADGES = 'badges.render';
export const BADGE_LIMIT = { name: 'badges.render', points: 10, durationSeconds: 60 };
const KEPT_PER_EVENT = 5;

export type BadgeStatus = {
  id: string;
  status: string;
  badges: number | null;
  size: string;
  url: string | null;
  error: string | null;
};

/** Valid tickets of the event as badges, by holder name (accents and case ignored). */
export async function badgesOf(q: Queryable, eventId: string): Promise<Badge[]> {
  const rows = await q
    .select({
      name: tickets.holderName,
      company: users.company,
      ticketType: ticketTypes.name,
      code: tickets.code,
    })
    .from(tickets)
    .innerJoin(ticketTypes, eq(ticketTypes.id, tickets.ticketTypeId))
    .leftJoin(users, eq(users.id, tickets.holderId))
    .where(and(eq(tickets.eventId, eventId), eq(tickets.status, 'valid')))
    .orderBy(asc(tickets.holderName), asc(tickets.id));
  const collator = new Intl.Collator(undefined, { sensitivity: 'base' });
  return rows.sort((a, b) => collator.compare(a.name, b.name));
}

async function countValid(q: Queryable, eventId: string): Promise<number> {
  const [row] = await q
    .select({ n: sql<number>`count(*)::int` })
    .from(tickets)
    .where(and(eq(tickets.eventId, eventId), eq(tickets.status, 'valid')));
  return Number(row?.n ?? 0);
}

/**
 * `GET /events/:id/badges.pdf` (organisers and staff): rendered while the caller waits for up to
 * 300 badges; a larger event answers 409 pointing to the job (`POST /events/:id/badges`), so one
 * request never holds a node's CPU for thousands of pages.
 */
export async function badgesNow(
  ctx: AuthedCtx,
  eventId: string,
  size: BadgeSize,
  inlineLimit = INLINE_BADGES,
): Promise<PassThrough> {
  const access = await requireEvent(ctx.platform.db, eventId, ctx.actor.userId, isEventStaff);
  await ctx.platform.limits.consume(BADGE_LIMIT, ctx.actor.userId);
  if ((await countValid(ctx.platform.db, eventId)) > inlineLimit)
    throw new AppError(
      ErrorCode.conflict,
      `More than ${inlineLimit} badges: request them with POST /api/v1/events/${eventId}/badges and download when ready`,
    );
  return renderBadges(
    access.event.title,
    await badgesOf(ctx.platform.db, eventId),
    size,
  ) as unknown as PassThrough;
}

/** `POST /events/:id/badges {size}`: a job renders the PDF (on a worker) and keeps it. */
export async function requestBadges(ctx: AuthedCtx, eventId: string, size: BadgeSize): Promise<BadgeStatus> {
  await ctx.platform.limits.consume(BADGE_LIMIT, ctx.actor.userId);
  return withTx(ctx.platform, async (work) => {
    await requireEvent(work.tx, eventId, ctx.actor.userId, isEventStaff);
    const [row] = await work.tx
      .insert(badgeJobs)
      .values({ id: uuidv7(), eventId, size, requestedBy: ctx.actor.userId })
      .returning();
    await work.enqueue(RENDER_BADGES, { jobId: row!.id });
    return present(row!);
  });
}

/** `GET /badges/jobs/:id`: organisers and staff of the job's event. */
export async function badgeJob(ctx: AuthedCtx, jobId: string): Promise<BadgeStatus> {
  const row = await visibleJob(ctx, jobId);
  return present(row);
}

/** `GET /badges/jobs/:id/pdf`. */
export async function badgeJobPdf(ctx: AuthedCtx, jobId: string): Promise<Buffer> {
  const row = await visibleJob(ctx, jobId);
  if (row.status !== 'done' || !row.pdf)
    throw new AppError(ErrorCode.conflict, `The badges are ${row.status}`);
  return row.pdf;
}

async function visibleJob(ctx: AuthedCtx, jobId: string) {
  const [row] = await ctx.platform.db.select().from(badgeJobs).where(eq(badgeJobs.id, jobId));
  if (!row) throw notFound('Badge job');
  try {
    await requireEvent(ctx.platform.db, row.eventId, ctx.actor.userId, isEventStaff);
  } catch {
    throw notFound('Badge job');
  }
  return row;
}

/** The job: renders, stores, and keeps only the newest few PDFs of the event. */
export async function renderBadgeJob(platform: Platform, jobId: string): Promise<JobResult> {
  const [row] = await platform.db.select().from(badgeJobs).where(eq(badgeJobs.id, jobId));
  if (row?.status !== 'queued') return 'skipped';
  const event = await findEvent(platform.db, row.eventId);
  if (!event) return 'skipped';
  const badges = await badgesOf(platform.db, row.eventId);
  const pdf = await toBuffer(renderBadges(event.title, badges, row.size as BadgeSize));
  await platform.db
    .update(badgeJobs)
    .set({ status: 'done', pdf, badges: badges.length, finishedAt: new Date() })
    .where(eq(badgeJobs.id, jobId));
  const keep = await platform.db
    .select({ id: badgeJobs.id })
    .from(badgeJobs)
    .where(eq(badgeJobs.eventId, row.eventId))
    .orderBy(desc(badgeJobs.createdAt))
    .limit(KEPT_PER_EVENT);
  await platform.db.delete(badgeJobs).where(
    and(
      eq(badgeJobs.eventId, row.eventId),
      notInArray(
        badgeJobs.id,
        keep.map((k) => k.id),
      ),
    ),
  );
  return 'done';
}

function toBuffer(doc: NodeJS.ReadableStream): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
}

function present(row: typeof badgeJobs.$inferSelect): BadgeStatus {
  return {
    id: row.id,
    status: row.status,
    badges: row.badges,
    size: row.size,
    url: row.status === 'done' ? `/api/v1/badges/jobs/${row.id}/pdf` : null,
    error: row.error,
  };
}
