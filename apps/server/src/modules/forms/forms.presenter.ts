import type {
  Form,
  FormField,
  FormOwnerType,
  FormPurpose,
  Submission,
  SubmissionState,
  SubmissionStatus,
} from '@muster/protocol';
import { ownerIdOf } from './forms.access.ts';
import type { FormRow, FormStatsRow } from './forms.repository.ts';
import type { formSubmissions } from './forms.tables.ts';

export type SubmissionRow = typeof formSubmissions.$inferSelect;

/** The public definition; with `stats` (managers only) the allowance and the counters too. */
export function presentForm(row: FormRow, fields: FormField[], stats?: FormStatsRow): Form {
  return {
    id: row.id,
    ownerType: row.ownerType as FormOwnerType,
    ownerId: ownerIdOf(row),
    purpose: row.purpose as FormPurpose,
    title: row.title,
    version: row.version,
    open: row.isOpen,
    fields,
    ...(stats
      ? {
          burstPerMinute: row.burstPerMinute,
          receivedCount: row.receivedCount,
          processedCount: stats.processed,
          failedCount: stats.failed,
        }
      : {}),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export function presentStatus(
  row: Pick<SubmissionRow, 'id' | 'status' | 'leadId' | 'error'>,
): SubmissionStatus {
  return {
    submissionId: row.id,
    status: row.status as SubmissionState,
    ...(row.leadId ? { leadId: row.leadId } : {}),
    ...(row.error ? { error: row.error } : {}),
  };
}

export function presentSubmission(row: SubmissionRow): Submission {
  return {
    id: row.id,
    formId: row.formId,
    version: row.version,
    answers: row.answers,
    status: row.status as SubmissionState,
    ref: row.ref,
    submitterId: row.submitterId,
    leadId: row.leadId,
    error: row.error,
    receivedAt: row.receivedAt.toISOString(),
    processedAt: row.processedAt?.toISOString() ?? null,
  };
}
