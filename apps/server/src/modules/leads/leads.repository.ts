import { and, asc, desc, eq, lt, or, type SQL, sql } from 'drizzle-orm';
import type { Queryable } from '../../platform/db/client.ts';
import { leadNotes, leadSources, leads } from './leads.tables.ts';

export type LeadRow = typeof leads.$inferSelect;
export type LeadSourceRow = typeof leadSources.$inferSelect;
export type LeadNoteRow = typeof leadNotes.$inferSelect;

export type NewLead = Pick<
  typeof leads.$inferInsert,
  'id' | 'communityId' | 'email' | 'name' | 'company' | 'followUpConsentAt'
>;

/**
 * Creates each person's lead or finds the existing one (de-duplication), in one statement; keyed
 * `communityId\nemail`. Name and company fill in only where the lead has none: a later form never
 * overwrites what a rep typed; follow-up consent is kept once given. `values` must hold each
 * person once.
 */
export async function upsertLeads(
  q: Queryable,
  values: readonly NewLead[],
): Promise<Map<string, { lead: LeadRow; created: boolean }>> {
  const rows = await q
    .insert(leads)
    .values([...values])
    .onConflictDoUpdate({
      target: [leads.communityId, leads.email],
      set: {
        name: sql`coalesce(${leads.name}, excluded.name)`,
        company: sql`coalesce(${leads.company}, excluded.company)`,
        // Consent, once given, stays given (an unsubscribe is what takes it back).
        followUpConsentAt: sql`coalesce(${leads.followUpConsentAt}, excluded.follow_up_consent_at)`,
      },
    })
    .returning();
  const proposed = new Set(values.map((v) => v.id));
  return new Map(
    rows.map((lead) => [`${lead.communityId}\n${lead.email}`, { lead, created: proposed.has(lead.id) }]),
  );
}

/** Inserts sources in one statement; answers the ids actually added (a re-run adds none). */
export async function insertSources(
  q: Queryable,
  values: (typeof leadSources.$inferInsert)[],
): Promise<Set<string>> {
  if (!values.length) return new Set();
  const rows = await q
    .insert(leadSources)
    .values(values)
    .onConflictDoNothing()
    .returning({ id: leadSources.id });
  return new Set(rows.map((r) => r.id));
}

export async function findLead(
  q: Queryable,
  id: string,
  options: { forUpdate?: boolean } = {},
): Promise<LeadRow | undefined> {
  const query = q.select().from(leads).where(eq(leads.id, id));
  const [row] = options.forUpdate ? await query.for('no key update') : await query;
  return row;
}

export async function updateLead(
  q: Queryable,
  id: string,
  values: Partial<Pick<LeadRow, 'stage' | 'assigneeId'>>,
): Promise<LeadRow> {
  const [row] = await q
    .update(leads)
    .set({ ...values, updatedAt: new Date() })
    .where(eq(leads.id, id))
    .returning();
  return row!;
}

export interface LeadFilter {
  communityId: string;
  stage?: string | undefined;
  assigneeId?: string | undefined;
}

const filterOf = (f: LeadFilter): SQL | undefined =>
  and(
    eq(leads.communityId, f.communityId),
    f.stage !== undefined ? eq(leads.stage, f.stage) : undefined,
    f.assigneeId !== undefined ? eq(leads.assigneeId, f.assigneeId) : undefined,
  );

/** Newest first, keyset-paged on `(createdAt, id)`. */
export async function listRecentLeads(
  q: Queryable,
  filter: LeadFilter,
  page: { after: readonly [string, string] | null; limit: number },
): Promise<LeadRow[]> {
  const after = page.after
    ? or(
        lt(leads.createdAt, new Date(page.after[0])),
        and(eq(leads.createdAt, new Date(page.after[0])), lt(leads.id, page.after[1])),
      )
    : undefined;
  return q
    .select()
    .from(leads)
    .where(and(filterOf(filter), after))
    .orderBy(desc(leads.createdAt), desc(leads.id))
    .limit(page.limit);
}

/** Every lead matching the filter, for lists ordered or filtered by score (computed, not stored). */
export async function listAllLeads(q: Queryable, filter: LeadFilter, max: number): Promise<LeadRow[]> {
  return q
    .select()
    .from(leads)
    .where(filterOf(filter))
    .orderBy(desc(leads.createdAt), desc(leads.id))
    .limit(max);
}

export async function sourcesOf(q: Queryable, leadId: string): Promise<LeadSourceRow[]> {
  return q
    .select()
    .from(leadSources)
    .where(eq(leadSources.leadId, leadId))
    .orderBy(asc(leadSources.createdAt));
}

export async function notesOf(q: Queryable, leadId: string): Promise<LeadNoteRow[]> {
  return q.select().from(leadNotes).where(eq(leadNotes.leadId, leadId)).orderBy(asc(leadNotes.createdAt));
}

export async function insertNote(q: Queryable, values: typeof leadNotes.$inferInsert): Promise<LeadNoteRow> {
  const [row] = await q.insert(leadNotes).values(values).returning();
  return row!;
}

export async function countNotes(q: Queryable, leadId: string): Promise<number> {
  const [row] = await q
    .select({ n: sql<number>`count(*)` })
    .from(leadNotes)
    .where(eq(leadNotes.leadId, leadId));
  return Number(row?.n ?? 0);
}

/** The distinct source kinds of each lead, in first-seen order (for exports). */
export async function sourceKindsOf(
  q: Queryable,
  leadIds: readonly string[],
): Promise<Map<string, string[]>> {
  const result = new Map<string, string[]>();
  if (!leadIds.length) return result;
  const rows = await q
    .select({ leadId: leadSources.leadId, kind: leadSources.kind })
    .from(leadSources)
    .where(sql`${leadSources.leadId} = any(${sql.param([...leadIds])}::uuid[])`)
    .orderBy(asc(leadSources.createdAt));
  for (const { leadId, kind } of rows) {
    const kinds = result.get(leadId) ?? [];
    if (!kinds.includes(kind)) kinds.push(kind);
    result.set(leadId, kinds);
  }
  return result;
}
