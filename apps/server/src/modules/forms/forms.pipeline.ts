import type { FormField } from '@muster/protocol';
import type { Work } from '../../platform/db/unit-of-work.ts';
import { type LeadInput, recordLeads } from '../leads/index.ts';
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
 * What processing a batch of submissions means, step by step, inside one processing transaction,
 * in a fixed number of statements for the batch. A step that throws rolls the batch back (the
 * worker then retries each submission alone, so a poison one fails by itself); a step must write
 * only through `work` (state, change records, jobs). Answers one result per item, in order.
 */
export async function runPipeline(work: Work, items: readonly PipelineItem[]): Promise<PipelineResult[]> {
  // 1. The stored answers must still be valid for the version they answered. Intake checked them;
  //    a row changed since (or a bug) must stop here rather than flow into leads.
  for (const item of items) validateAnswers(item.fields, item.submission.answers);
  // 2. Leads.
  const leadIds = await leadStep(work, items);
  return leadIds.map((leadId) => ({ leadId }));
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
 * lead in the form's community, with the submission as its source. A `ref` that is a referral code
 * credits its owner (and becomes a source too) only when the submission brought the community a
 * new person, that is when it created the lead: a known e-mail, a repeat, the referrer's own
 * e-mail or a submission without an e-mail earns nothing. Surveys and forms without an e-mail make
 * no lead. Everything here is idempotent (unique source and attribution keys), as a re-run job
 * requires.
 */
export async function leadStep(work: Work, items: readonly PipelineItem[]): Promise<(string | null)[]> {
  const inputs: LeadInput[] = [];
  const inputOf: (number | null)[] = [];
  for (const item of items) {
    const { form } = item;
    const email = answerOf(item, (field) => field.type === 'email');
    if (form.purpose === 'survey' || !email) {
      inputOf.push(null);
      continue;
    }
    inputOf.push(inputs.length);
    inputs.push({
      ...personOf(item, email),
      source: { kind: 'form', formId: form.id, submissionId: item.submission.id, eventId: form.eventId },
    });
  }
  const recorded = await recordLeads(work, inputs);
  const referred: LeadInput[] = [];
  for (const [index, item] of items.entries()) {
    const { form, submission } = item;
    const at = inputOf[index];
    if (!submission.ref || at === null || at === undefined) continue;
    const email = inputs[at]!.email;
    const credited = await attributeReferral(work, {
      code: submission.ref,
      kind: 'submission',
      subjectId: submission.id,
      referredUserId: submission.submitterId,
      referredEmail: email,
      newToCommunity: recorded[at]!.created,
      eventId: form.eventId,
      communityId: form.communityId,
    });
    if (credited)
      referred.push({
        ...personOf(item, email),
        source: { kind: 'referral', referralCode: submission.ref.toUpperCase() },
      });
  }
  await recordLeads(work, referred);
  return inputOf.map((i) => (i === null ? null : recorded[i]!.leadId));
}

function personOf(item: PipelineItem, email: string) {
  return {
    communityId: item.form.communityId,
    email,
    name: answerOf(item, keyed('name', 'fullname', 'full_name')),
    company: answerOf(item, keyed('company', 'organisation', 'organization')),
    // A consent field answered yes is consent to the community's follow-up mail.
    followUpConsent: item.fields.some((f) => f.type === 'consent' && item.submission.answers[f.key] === true),
  };
}
