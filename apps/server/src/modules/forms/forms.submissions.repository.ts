import { and, asc, eq, gt, sql } from 'drizzle-orm';
import { type Queryable, queryRows } from '../../platform/db/client.ts';
import type { Answers } from './forms.answers.ts';
import type { SubmissionRow } from './forms.presenter.ts';
import { formStats, formSubmissions } from './forms.tables.ts';

export interface NewSubmission {
  id: string;
  version: number;
  answers: Answers;
  fingerprint: string;
  ref: string | null;
  submitterId: string | null;
}

const uuids = (ids: readonly string[]) => sql`${sql.param([...ids])}::uuid[]`;

/**
 * Inserts a batch in one statement (one JSON parameter, see gotchas). An id that exists already
 * is skipped, not an error, and also when a concurrent transaction is inserting it: PostgreSQL
 * waits for that one and then skips. Returns the ids this call inserted, in arrival order.
 */
export async function insertSubmissions(
  q: Queryable,
  formId: string,
  items: readonly NewSubmission[],
): Promise<Set<string>> {
  const json = items.map((i) => ({ ...i, submitter_id: i.submitterId }));
  const rows = await queryRows<{ id: string }>(
    q,
    sql`INSERT INTO form_submissions (id, form_id, version, answers, fingerprint, ref, submitter_id)
        SELECT x.id, ${formId}::uuid, x.version, x.answers, x.fingerprint, x.ref, x.submitter_id
        FROM jsonb_to_recordset(${JSON.stringify(json)}::jsonb)
          AS x(id uuid, version int, answers jsonb, fingerprint text, ref text, submitter_id uuid)
        ON CONFLICT (id) DO NOTHING
        RETURNING id`,
  );
  return new Set(rows.map((r) => r.id));
}

export async function findFingerprints(q: Queryable, ids: readonly string[]) {
  if (!ids.length) return new Map<string, { formId: string; fingerprint: string }>();
  const rows = await q
    .select({
      id: formSubmissions.id,
      formId: formSubmissions.formId,
      fingerprint: formSubmissions.fingerprint,
    })
    .from(formSubmissions)
    .where(sql`${formSubmissions.id} = ANY(${uuids(ids)})`);
  return new Map(rows.map((r) => [r.id, r]));
}

export async function findSubmission(q: Queryable, id: string): Promise<SubmissionRow | undefined> {
  const [row] = await q.select().from(formSubmissions).where(eq(formSubmissions.id, id));
  return row;
}

/** Shows workers' progress (`processing`) before the effect transaction; done ones stay done. */
export async function markProcessing(q: Queryable, ids: readonly string[]): Promise<void> {
  await q.execute(
    sql`UPDATE form_submissions SET status = 'processing'
        WHERE id = ANY(${uuids(ids)}) AND status IN ('queued', 'failed')`,
  );
}

/** Locks the batch's rows (in id order, so two workers never deadlock) for the effect transaction. */
export async function lockSubmissions(q: Queryable, ids: readonly string[]): Promise<SubmissionRow[]> {
  return q
    .select()
    .from(formSubmissions)
    .where(sql`${formSubmissions.id} = ANY(${uuids(ids)})`)
    .orderBy(asc(formSubmissions.id))
    .for('update');
}

export async function markDone(q: Queryable, done: readonly { id: string; leadId: string | null }[]) {
  if (!done.length) return;
  await q.execute(
    sql`UPDATE form_submissions s
        SET status = 'done', lead_id = x."leadId", error = NULL, processed_at = now()
        FROM jsonb_to_recordset(${JSON.stringify(done)}::jsonb) AS x(id uuid, "leadId" uuid)
        WHERE s.id = x.id`,
  );
}

export async function markFailed(q: Queryable, id: string, error: string) {
  await q
    .update(formSubmissions)
    .set({ status: 'failed', error, processedAt: new Date() })
    .where(eq(formSubmissions.id, id));
}

/** Adds to a form's processing counters and returns them. */
export async function addProcessed(q: Queryable, formId: string, processed: number, failed: number) {
  const [row] = await q
    .insert(formStats)
    .values({ formId, processed, failed })
    .onConflictDoUpdate({
      target: formStats.formId,
      set: {
        processed: sql`${formStats.processed} + ${processed}`,
        failed: sql`${formStats.failed} + ${failed}`,
      },
    })
    .returning({ processed: formStats.processed, failed: formStats.failed });
  return row!;
}

/** A page of a form's submissions in arrival order. */
export async function listSubmissions(
  q: Queryable,
  formId: string,
  options: { status?: string | undefined; afterSeq: number | null; limit: number },
): Promise<SubmissionRow[]> {
  return q
    .select()
    .from(formSubmissions)
    .where(
      and(
        eq(formSubmissions.formId, formId),
        options.status ? eq(formSubmissions.status, options.status) : undefined,
        options.afterSeq !== null ? gt(formSubmissions.seq, options.afterSeq) : undefined,
      ),
    )
    .orderBy(asc(formSubmissions.seq))
    .limit(options.limit);
}
