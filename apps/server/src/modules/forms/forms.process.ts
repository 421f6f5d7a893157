import { isUuid } from '@muster/protocol';
import { sql } from 'drizzle-orm';
import type { ChangeInput } from '../../platform/changes/change-log.ts';
import type { Platform } from '../../platform/context.ts';
import type { Queryable } from '../../platform/db/client.ts';
import { type Work, withTx } from '../../platform/db/unit-of-work.ts';
import { AppError } from '../../platform/errors.ts';
import type { BatchOutcome, JobResult, LeasedJob } from '../../platform/jobs/jobs.ts';
import { intakeQuiet } from './forms.intake.ts';
import { counted } from './forms.live.ts';
import { type PipelineItem, runPipeline } from './forms.pipeline.ts';
import { findFields } from './forms.repository.ts';
import * as subs from './forms.submissions.repository.ts';
import { forms } from './forms.tables.ts';

/** The processing job's payload: only the id; the submission row holds everything else. */
export interface ProcessSubmission {
  submissionId: string;
}

type Leased = LeasedJob<ProcessSubmission>;
/**
 * How long workers yield to a running burst, counted from its start: a 10,000-person burst is
 * answered in 2–4 s on the embedded database; well under the 30 s visibility timeout.
 */
const INTAKE_FIRST_MAX_YIELD_MS = 5000;
type FormOfBatch = PipelineItem['form'] & { receivedCount: number };

const idOf = (job: Leased) =>
  typeof job.data?.submissionId === 'string' && isUuid(job.data.submissionId) ? job.data.submissionId : null;

/**
 * Processes a leased batch. The submission row is the idempotency record: its status is read
 * under a row lock and set to `done` in the same transaction as every effect, so a redelivered job
 * (a worker died after commit, before the acknowledgement) finds `done` and is skipped. The batch
 * is one transaction; if any submission fails, each is retried in a transaction of its own so the
 * others are not held back by it.
 */
export async function processSubmissions(platform: Platform, jobs: Leased[]): Promise<BatchOutcome[]> {
  await intakeQuiet(platform, INTAKE_FIRST_MAX_YIELD_MS);
  const ids = [...new Set(jobs.map(idOf).filter((id) => id !== null))];
  if (ids.length) await subs.markProcessing(platform.db, ids);
  try {
    return await withTx(platform, (work) => processTogether(work, jobs));
  } catch (error) {
    if (jobs.length === 1) return [await failure(platform, jobs[0]!, error)];
    const outcomes: BatchOutcome[] = [];
    for (const job of jobs) {
      try {
        outcomes.push(...(await withTx(platform, (work) => processTogether(work, [job]))));
      } catch (alone) {
        outcomes.push(await failure(platform, job, alone));
      }
    }
    return outcomes;
  }
}

async function processTogether(work: Work, jobs: Leased[]): Promise<JobResult[]> {
  const ids = [...new Set(jobs.map(idOf).filter((id) => id !== null))];
  const rows = ids.length ? await subs.lockSubmissions(work.tx, ids) : [];
  const byId = new Map(rows.map((r) => [r.id, r]));
  const formsById = await formsOf(work.tx, [...new Set(rows.map((r) => r.formId))]);
  const fieldsOf = new Map<string, PipelineItem['fields']>();
  const done: { id: string; leadId: string | null }[] = [];
  const deltas = new Map<string, Delta>();
  const outcomes: JobResult[] = [];
  const items: PipelineItem[] = [];
  for (const job of jobs) {
    const row = byId.get(idOf(job) ?? '');
    const form = row && formsById.get(row.formId);
    // Gone (form deleted), done already, or a second job for the same submission in this batch.
    if (!row || !form || row.status === 'done' || items.some((item) => item.submission.id === row.id)) {
      outcomes.push('skipped');
      continue;
    }
    const key = `${row.formId}:${row.version}`;
    if (!fieldsOf.has(key)) fieldsOf.set(key, await findFields(work.tx, row.formId, row.version));
    items.push({ submission: row, form, fields: fieldsOf.get(key)! });
    // A replayed submission that had failed no longer counts as failed.
    add(deltas, row.formId, { processed: 1, failed: row.error === null ? 0 : -1 });
    outcomes.push('done');
  }
  const results = await runPipeline(work, items);
  for (const [i, item] of items.entries()) done.push({ id: item.submission.id, leadId: results[i]!.leadId });
  await subs.markDone(work.tx, done);
  await work.appendMany(await countAll(work, formsById, deltas));
  return outcomes;
}

/**
 * A receive that failed. The job is retried with backoff; on its last receive the submission is
 * marked `failed` with the reason (the job then moves to the dead-letter queue, from where a
 * replay processes it again). Only validation messages are shown to the submitter.
 */
async function failure(platform: Platform, job: Leased, error: unknown): Promise<Error> {
  const reason = error instanceof AppError ? error.message : 'Processing failed';
  const id = idOf(job);
  if (job.lastReceive && id)
    await markFailedOnce(platform, id, reason).catch((cause: unknown) =>
      platform.log.error({ err: cause, submissionId: id }, 'could not mark a submission failed'),
    );
  return error instanceof Error ? error : new Error(String(error));
}

/** Marks a submission failed and counts it, once (a replayed one that fails again is counted already). */
async function markFailedOnce(platform: Platform, id: string, reason: string) {
  await withTx(platform, async (work) => {
    const [row] = await subs.lockSubmissions(work.tx, [id]);
    if (!row || row.status === 'done') return;
    await subs.markFailed(work.tx, id, reason);
    if (row.error !== null) return;
    const formsById = await formsOf(work.tx, [row.formId]);
    const deltas = new Map([[row.formId, { processed: 0, failed: 1 }]]);
    await work.appendMany(await countAll(work, formsById, deltas));
  });
}

interface Delta {
  processed: number;
  failed: number;
}

function add(deltas: Map<string, Delta>, formId: string, delta: Delta) {
  const d = deltas.get(formId) ?? { processed: 0, failed: 0 };
  deltas.set(formId, { processed: d.processed + delta.processed, failed: d.failed + delta.failed });
}

/** Adds the batch to each form's counters (in form order: one lock order) and tells each owner. */
async function countAll(
  work: Work,
  formsById: Map<string, FormOfBatch>,
  deltas: Map<string, Delta>,
): Promise<ChangeInput[]> {
  const changes: ChangeInput[] = [];
  for (const formId of [...deltas.keys()].sort()) {
    const form = formsById.get(formId)!;
    const { processed, failed } = deltas.get(formId)!;
    const totals = await subs.addProcessed(work.tx, formId, processed, failed);
    changes.push(counted(form, { received: form.receivedCount, ...totals }));
  }
  return changes;
}

/** The forms of a batch, read without a lock: workers never wait for intake on the form row. */
async function formsOf(q: Queryable, ids: string[]): Promise<Map<string, FormOfBatch>> {
  if (!ids.length) return new Map();
  const rows = await q
    .select({
      id: forms.id,
      eventId: forms.eventId,
      communityId: forms.communityId,
      purpose: forms.purpose,
      receivedCount: forms.receivedCount,
    })
    .from(forms)
    .where(sql`${forms.id} = ANY(${sql.param(ids)}::uuid[])`);
  return new Map(rows.map((r) => [r.id, r]));
}
