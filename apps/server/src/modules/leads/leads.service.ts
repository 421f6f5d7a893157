import type {
  AddLeadNoteBody,
  CaptureLeadBody,
  Lead,
  LeadCaptureReceipt,
  LeadDetail,
  LeadListQuery,
  LeadNote,
  LeadPage,
  PatchLeadBody,
} from '@muster/protocol';
import { entities, scopes } from '@muster/protocol';
import { stringify } from 'csv-stringify/sync';
import { uuidv7 } from 'uuidv7';
import type { AuthedCtx } from '../../platform/context.ts';
import type { Queryable } from '../../platform/db/client.ts';
import { type Work, withTx } from '../../platform/db/unit-of-work.ts';
import { AppError, ErrorCode, invalid, notFound } from '../../platform/errors.ts';
import { csvCell } from '../../platform/http/csv.ts';
import { decodeCursor, encodeCursor, pageOf } from '../../platform/paging.ts';
import { communityRoleOf, requireCommunityMember } from '../communities/index.ts';
import { isEventStaff, loadEventAccess } from '../events/index.ts';
import { stopFollowUps } from './leads.followups.ts';
import { recordLead } from './leads.pipeline.ts';
import { canBeAssigned, canManageLeads, canWorkLead, type LeadAccess } from './leads.policy.ts';
import { presentLead, presentLeadDetail } from './leads.presenter.ts';
import * as repo from './leads.repository.ts';
import { scoreOf } from './leads.scoring.ts';
import { signalsOf } from './leads.signals.repository.ts';

/** Lists filtered or sorted by score read at most this many leads of a community (scores are computed). */
const MAX_SCORED_LEADS = 20_000;
const MAX_NOTES_PER_LEAD = 500;
export const LEAD_WRITE_LIMIT = { name: 'lead-write', points: 120, durationSeconds: 60 };
const LEAD_EXPORT_LIMIT = { name: 'lead-export', points: 10, durationSeconds: 60 };

async function scored(q: Queryable, communityId: string, rows: repo.LeadRow[]) {
  const signals = await signalsOf(q, communityId, rows);
  return rows.map((row) => ({ row, ...scoreOf(signals.get(row.id)!) }));
}

/**
 * A community's leads. Managers see all of them (the "hot leads" list is `sort=score&minScore=`);
 * a member sees only the leads assigned to them; anyone else gets `not_found`.
 */
export async function listLeads(
  ctx: AuthedCtx,
  communityId: string,
  query: LeadListQuery,
): Promise<LeadPage> {
  const q = ctx.platform.db;
  const me = ctx.actor.userId;
  const { role } = await requireCommunityMember(q, communityId, me, () => true);
  const assigneeId = canManageLeads({ communityRole: role, userId: me }) ? query.assigneeId : me;
  const filter = { communityId, stage: query.stage, assigneeId };
  const limit = query.limit ?? 50;
  if (query.sort !== 'score' && query.minScore === undefined) {
    const after = decodeCursor(query.cursor, ['timestamp', 'uuid'] as const);
    const rows = await repo.listRecentLeads(q, filter, { after, limit: limit + 1 });
    const page = pageOf(rows, limit, (row) => [row.createdAt.toISOString(), row.id]);
    const items = await scored(q, communityId, page.items);
    return { items: items.map((s) => presentLead(s.row, s.score)), nextCursor: page.nextCursor };
  }
  const [offset] = decodeCursor(query.cursor, ['number'] as const) ?? [0];
  const all = await scored(q, communityId, await repo.listAllLeads(q, filter, MAX_SCORED_LEADS));
  const matching = all.filter((s) => s.score >= (query.minScore ?? 0));
  if (query.sort === 'score') matching.sort((a, b) => b.score - a.score);
  const items = matching.slice(offset, offset + limit);
  const more = offset + limit < matching.length;
  return {
    items: items.map((s) => presentLead(s.row, s.score)),
    nextCursor: more ? encodeCursor([offset + limit]) : null,
  };
}

/** Authorise before revealing: a lead the caller may not work is `not_found`, like a missing one. */
async function requireLead(
  q: Queryable,
  leadId: string,
  userId: string,
  options: { forUpdate?: boolean } = {},
) {
  const lead = await repo.findLead(q, leadId, options);
  const access: LeadAccess = {
    communityRole: lead ? await communityRoleOf(q, lead.communityId, userId) : null,
    userId,
  };
  if (!lead || !canWorkLead(access, lead)) throw notFound('Lead');
  return { lead, access };
}

async function detailOf(q: Queryable, lead: repo.LeadRow): Promise<LeadDetail> {
  const signals = await signalsOf(q, lead.communityId, [lead]);
  return presentLeadDetail(
    lead,
    scoreOf(signals.get(lead.id)!),
    await repo.sourcesOf(q, lead.id),
    await repo.notesOf(q, lead.id),
  );
}

export async function getLead(ctx: AuthedCtx, leadId: string): Promise<LeadDetail> {
  const { lead } = await requireLead(ctx.platform.db, leadId, ctx.actor.userId);
  return detailOf(ctx.platform.db, lead);
}

/**
 * Moves a lead along the pipeline or (managers only) assigns it to a member. The assignee is told
 * on their own scope (`leads.leadAssigned`), so their list updates live.
 */
export async function patchLead(ctx: AuthedCtx, leadId: string, body: PatchLeadBody): Promise<LeadDetail> {
  const me = ctx.actor.userId;
  await ctx.platform.limits.consume(LEAD_WRITE_LIMIT, me);
  return withTx(ctx.platform, async (work) => {
    const { lead, access } = await requireLead(work.tx, leadId, me, { forUpdate: true });
    const changes: Partial<Pick<repo.LeadRow, 'stage' | 'assigneeId'>> = {};
    if (body.stage !== undefined && body.stage !== lead.stage) changes.stage = body.stage;
    if (body.assigneeId !== undefined && body.assigneeId !== lead.assigneeId) {
      if (!canManageLeads(access))
        throw new AppError(ErrorCode.forbidden, 'Only community owners and admins assign leads');
      if (
        body.assigneeId !== null &&
        !canBeAssigned(await communityRoleOf(work.tx, lead.communityId, body.assigneeId))
      )
        throw invalid('body.assigneeId', 'must be a member of the community');
      changes.assigneeId = body.assigneeId;
    }
    if (!Object.keys(changes).length) return detailOf(work.tx, lead);
    const updated = await repo.updateLead(work.tx, lead.id, changes);
    if (changes.stage === 'won' || changes.stage === 'lost')
      await stopFollowUps(work.tx, lead.id, changes.stage);
    if (changes.assigneeId) await tellAssignee(work, updated, changes.assigneeId, me);
    return detailOf(work.tx, updated);
  });
}

async function tellAssignee(work: Work, lead: repo.LeadRow, assigneeId: string, actorId: string) {
  await work.append({
    scope: scopes.user(assigneeId),
    entity: entities.leads.leadAssigned,
    op: 'upsert',
    id: lead.id,
    data: presentLead(lead, 0),
    actorId,
  });
}

export async function addLeadNote(ctx: AuthedCtx, leadId: string, body: AddLeadNoteBody): Promise<LeadNote> {
  const me = ctx.actor.userId;
  const text = body.body.trim();
  if (!text) throw invalid('body.body', 'must not be blank');
  await ctx.platform.limits.consume(LEAD_WRITE_LIMIT, me);
  return withTx(ctx.platform, async ({ tx }) => {
    const { lead } = await requireLead(tx, leadId, me, { forUpdate: true });
    if ((await repo.countNotes(tx, lead.id)) >= MAX_NOTES_PER_LEAD)
      throw new AppError(ErrorCode.conflict, `A lead keeps at most ${MAX_NOTES_PER_LEAD} notes`);
    const row = await repo.insertNote(tx, { id: uuidv7(), leadId: lead.id, authorId: me, body: text });
    return { id: row.id, authorId: row.authorId, body: row.body, createdAt: row.createdAt.toISOString() };
  });
}

/**
 * A rep captures a lead by hand (a booth conversation, a scanned badge): community managers, or
 * the staff, vendors and sponsors of one of the community's events when `eventId` names it.
 * A capture creates the lead or enriches it (name and company fill in only where empty), but only
 * managers get the lead back: anyone else gets a receipt of what they sent, identical for a new
 * and a known person, so capturing an e-mail cannot read the pipeline (authorise before revealing).
 */
export async function captureLead(
  ctx: AuthedCtx,
  communityId: string,
  body: CaptureLeadBody,
): Promise<{ lead: Lead } | { receipt: LeadCaptureReceipt }> {
  const me = ctx.actor.userId;
  await ctx.platform.limits.consume(LEAD_WRITE_LIMIT, me);
  return withTx(ctx.platform, async (work) => {
    const role = await communityRoleOf(work.tx, communityId, me);
    const manager = canManageLeads({ communityRole: role, userId: me });
    let eventId: string | null = null;
    if (body.eventId !== undefined) {
      const access = await loadEventAccess(work.tx, body.eventId, me);
      if (!access || access.event.communityId !== communityId)
        throw invalid('body.eventId', 'is not an event of this community');
      const rep = access.eventRole === 'vendor' || access.eventRole === 'sponsor' || isEventStaff(access);
      if (!manager && !rep) throw notFound('Community');
      eventId = access.event.id;
    } else if (!manager) throw notFound('Community');
    const email = body.email.trim().toLowerCase();
    const { leadId } = await recordLead(work, {
      communityId,
      email,
      name: body.name,
      company: body.company,
      source: { kind: 'rep', repId: me, eventId },
    });
    if (!manager) {
      const typed = (text: string | undefined) => text?.trim() || null;
      const receipt = { email, name: typed(body.name), company: typed(body.company), eventId };
      return { receipt: { ...receipt, capturedAt: new Date().toISOString() } };
    }
    const lead = (await repo.findLead(work.tx, leadId))!;
    const [withScore] = await scored(work.tx, communityId, [lead]);
    return { lead: presentLead(lead, withScore!.score) };
  });
}

const CSV_COLUMNS = [
  'id',
  'email',
  'name',
  'company',
  'stage',
  'assigneeId',
  'score',
  'sources',
  'createdAt',
] as const;

/**
 * The community's leads as CSV (RFC 4180) for a CRM import: managers only, every lead with its
 * score and source kinds, cells defused against formula injection.
 */
export async function exportLeads(ctx: AuthedCtx, communityId: string): Promise<string> {
  const q = ctx.platform.db;
  const me = ctx.actor.userId;
  const { role } = await requireCommunityMember(q, communityId, me, () => true);
  if (!canManageLeads({ communityRole: role, userId: me }))
    throw new AppError(ErrorCode.forbidden, 'Only community owners and admins export leads');
  await ctx.platform.limits.consume(LEAD_EXPORT_LIMIT, me);
  const leads = await scored(q, communityId, await repo.listAllLeads(q, { communityId }, MAX_SCORED_LEADS));
  const kinds = await repo.sourceKindsOf(
    q,
    leads.map((l) => l.row.id),
  );
  const rows = leads.map(({ row, score }) =>
    [
      row.id,
      row.email,
      row.name,
      row.company,
      row.stage,
      row.assigneeId,
      score,
      kinds.get(row.id) ?? [],
      row.createdAt.toISOString(),
    ].map(csvCell),
  );
  return stringify(rows, { header: true, columns: [...CSV_COLUMNS] });
}
