import type { FormField } from '@muster/protocol';
import type { Work } from '../../platform/db/unit-of-work.ts';
import { recordLead } from '../leads/index.ts';
import { attributeReferral } from '../referrals/index.ts';
import { validateAnswers } from './forms.answers.ts';
import type { SubmissionRow } from './forms.presenter.ts';
import type { FormRow } from './forms.repository.ts';

/** One stored submission on its way through processing, with its form and the version it answered. */
export interface PipelineItem {
  submission: SubmissionRow;
  form: Pick<FormRow, 'id' | 'eventId' | 'communityId' | 'purpose'>;
  fields: FormField[];
}

export interface PipelineResult {
  leadId: string | null;
}

/**
 * What processing a submission means, step by step, inside the processing transaction. A step
 * that throws rolls the submission back to where it was (the job is retried, then dead-lettered);
 * a step must therefore write only through `work` (state, change records, jobs).
 */
export async function runPipeline(work: Work, item: PipelineItem): Promise<PipelineResult> {
  // 1. The stored answers must still be valid for the version they answered. Intake checked them;
  //    a row changed since (or a bug) must stop here rather than flow into leads.
  validateAnswers(item.fields, item.submission.answers);
  // 2. Leads.
  const leadId = await leadStep(work, item);
  return { leadId };
}

/** The answer of the first field of `type`, or of the field whose key names it (`name`, `company`). */
function answerOf(item: PipelineItem, match: (field: FormField) => boolean): string | null {
  const field = item.fields.find(match);
  const value = field ? item.submission.answers[field.key] : undefined;
  return typeof value === 'string' && value.trim() ? value.trim() : null;
}

const keyed =
  (...keys: string[]) =>
  (field: FormField) =>
    keys.includes(field.key.toLowerCase());

/**
 * The lead step: registration and lead forms that asked for an e-mail make (or find) the person's
 * lead in the form's community, with the submission as its source; a `ref` that is a referral code
 * credits its owner and becomes a source too. Surveys and forms without an e-mail make no lead.
 * Everything here is idempotent (unique source and attribution keys), as a re-run job requires.
 */
export async function leadStep(work: Work, item: PipelineItem): Promise<string | null> {
  const { form, submission } = item;
  const email = answerOf(item, (field) => field.type === 'email');
  const referral = submission.ref
    ? await attributeReferral(work, {
        code: submission.ref,
        kind: 'submission',
        subjectId: submission.id,
        referredUserId: submission.submitterId,
        eventId: form.eventId,
        communityId: form.communityId,
      })
    : null;
  if (form.purpose === 'survey' || !email) return null;
  const person = {
    communityId: form.communityId,
    email,
    name: answerOf(item, keyed('name', 'fullname', 'full_name')),
    company: answerOf(item, keyed('company', 'organisation', 'organization')),
  };
  const { leadId } = await recordLead(work, {
    ...person,
    source: { kind: 'form', formId: form.id, submissionId: submission.id, eventId: form.eventId },
  });
  if (referral)
    await recordLead(work, {
      ...person,
      source: { kind: 'referral', referralCode: submission.ref!.toUpperCase() },
    });
  return leadId;
}
