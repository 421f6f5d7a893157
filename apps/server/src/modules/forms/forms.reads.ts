import type { Readable } from 'node:stream';
import type { Submission, SubmissionListQuery, SubmissionStatus } from '@muster/protocol';
import type { AuthedCtx, Ctx } from '../../platform/context.ts';
import { notFound } from '../../platform/errors.ts';
import { decodeCursor, pageOf } from '../../platform/paging.ts';
import { requireFormManager } from './forms.access.ts';
import { csvColumns, csvStream } from './forms.csv.ts';
import { presentStatus, presentSubmission } from './forms.presenter.ts';
import { allVersions } from './forms.repository.ts';
import { findSubmission, listSubmissions as listPage } from './forms.submissions.repository.ts';

const EXPORT_LIMIT = { name: 'forms.export', points: 20, durationSeconds: 60 };
const EXPORT_PAGE = 500;

/**
 * A submission's progress, for whoever holds its id. The id is the capability: ids the server
 * makes carry 74 random bits (see `unguessableUuidv7`), so holding one means having submitted it
 * (or having listed it as an owner). Nothing but the status, the lead's id and the error is shown.
 */
export async function getSubmissionStatus(ctx: Ctx, submissionId: string): Promise<SubmissionStatus> {
  const row = await findSubmission(ctx.platform.db, submissionId.toLowerCase());
  if (!row) throw notFound('Submission');
  return presentStatus(row);
}

/** A form's submissions in arrival order, for its managers. */
export async function listSubmissions(
  ctx: AuthedCtx,
  formId: string,
  query: SubmissionListQuery,
): Promise<{ items: Submission[]; nextCursor: string | null }> {
  const db = ctx.platform.db;
  await requireFormManager(db, formId, ctx.actor.userId);
  const limit = query.limit ?? 100;
  const cursor = decodeCursor(query.cursor, ['number'] as const);
  const rows = await listPage(db, formId, {
    status: query.status,
    afterSeq: cursor ? cursor[0] : null,
    limit: limit + 1,
  });
  const page = pageOf(rows, limit, (r) => [r.seq]);
  return { items: page.items.map(presentSubmission), nextCursor: page.nextCursor };
}

/** Every submission of a form as CSV, streamed in pages, for its managers. */
export async function exportSubmissions(
  ctx: AuthedCtx,
  formId: string,
): Promise<{ filename: string; stream: Readable }> {
  const db = ctx.platform.db;
  await requireFormManager(db, formId, ctx.actor.userId);
  await ctx.platform.limits.consume(EXPORT_LIMIT, ctx.actor.userId);
  const columns = csvColumns(await allVersions(db, formId));
  async function* pages() {
    let afterSeq: number | null = null;
    for (;;) {
      const rows = await listPage(db, formId, { afterSeq, limit: EXPORT_PAGE });
      if (rows.length) yield rows;
      if (rows.length < EXPORT_PAGE) return;
      afterSeq = rows.at(-1)!.seq;
    }
  }
  return { filename: `form-${formId}-submissions.csv`, stream: csvStream(columns, pages()) };
}
