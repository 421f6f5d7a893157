import type {
  CommunityRole,
  CreateFollowUpSequenceBody,
  FollowUpSequence,
  FollowUpSequenceList,
  PatchFollowUpSequenceBody,
} from '@muster/protocol';
import { desc, eq } from 'drizzle-orm';
import Mustache from 'mustache';
import { uuidv7 } from 'uuidv7';
import { InvalidTokenError } from '../../platform/auth/tokens.ts';
import type { AuthedCtx, Ctx } from '../../platform/context.ts';
import type { Queryable } from '../../platform/db/client.ts';
import { withTx } from '../../platform/db/unit-of-work.ts';
import { AppError, ErrorCode, invalid, notFound } from '../../platform/errors.ts';
import { requireCommunityMember } from '../communities/index.ts';
import { followUpSequences } from './leads.followups.tables.ts';
import { enrolledCounts, stopFollowUps, UNSUBSCRIBE_PURPOSE } from './leads.followups.ts';
import { leads } from './leads.tables.ts';

const MAX_SEQUENCES_PER_COMMUNITY = 50;
export const FOLLOW_UP_WRITE_LIMIT = { name: 'follow-up-write', points: 30, durationSeconds: 60 };
export const UNSUBSCRIBE_LIMIT = { name: 'unsubscribe', points: 60, durationSeconds: 60 };

type SequenceRow = typeof followUpSequences.$inferSelect;

const present = (row: SequenceRow, enrolled: number): FollowUpSequence => ({
  id: row.id,
  communityId: row.communityId,
  name: row.name,
  steps: row.steps,
  active: row.active,
  enrolled,
  createdAt: row.createdAt.toISOString(),
});

const isManager = (role: CommunityRole) => role === 'owner' || role === 'admin';

/** A template that does not parse is the author's mistake to hear now, not a dead job later. */
function checkTemplates(body: CreateFollowUpSequenceBody) {
  body.steps.forEach((step, i) => {
    for (const field of ['subject', 'text'] as const) {
      try {
        Mustache.parse(step[field]);
      } catch (error) {
        throw invalid(`body.steps.${i}.${field}`, `is not a valid template: ${(error as Error).message}`);
      }
    }
  });
}

export async function createSequence(
  ctx: AuthedCtx,
  communityId: string,
  body: CreateFollowUpSequenceBody,
): Promise<FollowUpSequence> {
  checkTemplates(body);
  const me = ctx.actor.userId;
  await ctx.platform.limits.consume(FOLLOW_UP_WRITE_LIMIT, me);
  return withTx(ctx.platform, async ({ tx }) => {
    await requireCommunityMember(tx, communityId, me, isManager, { forUpdate: true });
    const existing = await tx.$count(followUpSequences, eq(followUpSequences.communityId, communityId));
    if (existing >= MAX_SEQUENCES_PER_COMMUNITY)
      throw new AppError(
        ErrorCode.conflict,
        `A community keeps at most ${MAX_SEQUENCES_PER_COMMUNITY} sequences`,
      );
    const [row] = await tx
      .insert(followUpSequences)
      .values({
        id: uuidv7(),
        communityId,
        name: body.name.trim(),
        steps: body.steps,
        active: body.active ?? true,
        createdBy: me,
      })
      .returning();
    return present(row!, 0);
  });
}

export async function listSequences(ctx: AuthedCtx, communityId: string): Promise<FollowUpSequenceList> {
  const q = ctx.platform.db;
  await requireCommunityMember(q, communityId, ctx.actor.userId, isManager);
  const rows = await q
    .select()
    .from(followUpSequences)
    .where(eq(followUpSequences.communityId, communityId))
    .orderBy(desc(followUpSequences.createdAt));
  const counts = await enrolledCounts(
    q,
    rows.map((r) => r.id),
  );
  return { items: rows.map((row) => present(row, counts.get(row.id) ?? 0)) };
}

async function requireSequence(q: Queryable, id: string, userId: string) {
  const [row] = await q.select().from(followUpSequences).where(eq(followUpSequences.id, id)).for('update');
  if (!row) throw notFound('Sequence');
  try {
    await requireCommunityMember(q, row.communityId, userId, isManager);
  } catch {
    throw notFound('Sequence');
  }
  return row;
}

/** Renames or pauses a sequence; a paused sequence enrols nobody new and its pending steps stop. */
export async function patchSequence(
  ctx: AuthedCtx,
  id: string,
  body: PatchFollowUpSequenceBody,
): Promise<FollowUpSequence> {
  const me = ctx.actor.userId;
  await ctx.platform.limits.consume(FOLLOW_UP_WRITE_LIMIT, me);
  return withTx(ctx.platform, async ({ tx }) => {
    const row = await requireSequence(tx, id, me);
    const [updated] = await tx
      .update(followUpSequences)
      .set({
        ...(body.name !== undefined ? { name: body.name.trim() } : {}),
        ...(body.active !== undefined ? { active: body.active } : {}),
      })
      .where(eq(followUpSequences.id, row.id))
      .returning();
    const counts = await enrolledCounts(tx, [row.id]);
    return present(updated!, counts.get(row.id) ?? 0);
  });
}

/**
 * The signed link in every follow-up (and its RFC 8058 one-click header): the lead gets no more
 * follow-up mail from any sequence, now or later. The token is the only credential; a bad one is a
 * 400 naming it. Unsubscribing twice is fine.
 */
export async function unsubscribe(ctx: Ctx, token: string, clientIp: string): Promise<void> {
  await ctx.platform.limits.consume(UNSUBSCRIBE_LIMIT, clientIp);
  let leadId: string;
  try {
    leadId = (await ctx.platform.tokens.verifyPurpose(token, UNSUBSCRIBE_PURPOSE)).subject;
  } catch (error) {
    if (error instanceof InvalidTokenError)
      throw invalid('querystring.token', 'is not a valid unsubscribe link');
    throw error;
  }
  await withTx(ctx.platform, async ({ tx }) => {
    const [lead] = await tx.select().from(leads).where(eq(leads.id, leadId)).for('no key update');
    if (!lead) return;
    if (!lead.unsubscribedAt)
      await tx.update(leads).set({ unsubscribedAt: new Date() }).where(eq(leads.id, lead.id));
    await stopFollowUps(tx, lead.id, 'unsubscribed');
  });
}
