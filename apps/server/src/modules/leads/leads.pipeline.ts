import type { LeadSourceKind } from '@muster/protocol';
import { uuidv7 } from 'uuidv7';
import type { Work } from '../../platform/db/unit-of-work.ts';
import { enrolLead } from './leads.followups.ts';
import * as repo from './leads.repository.ts';

/** What a source of a lead knows about the person and where they came from. */
export interface LeadInput {
  communityId: string;
  email: string;
  name?: string | null | undefined;
  company?: string | null | undefined;
  source: {
    kind: LeadSourceKind;
    eventId?: string | null | undefined;
    formId?: string | null | undefined;
    submissionId?: string | null | undefined;
    referralCode?: string | null | undefined;
    repId?: string | null | undefined;
  };
}

/** The same source twice (a re-run job, a rep scanning the same badge again) is recorded once. */
function dedupeKeyOf(source: LeadInput['source']): string {
  switch (source.kind) {
    case 'form':
      return `form:${source.submissionId ?? source.formId}`;
    case 'referral':
      return `referral:${source.referralCode}`;
    case 'rep':
      return `rep:${source.repId}:${source.eventId ?? ''}`;
    default:
      return `event:${source.eventId}`;
  }
}

/**
 * Records a lead from any source, inside the caller's transaction: one lead per person per
 * community (by lower-cased e-mail) and one source row per distinct source. Idempotent, so a job
 * that runs twice leaves exactly what one run leaves. A new lead is enrolled in the community's
 * active follow-up sequences in the same transaction.
 */
export async function recordLead(
  work: Work,
  input: LeadInput,
): Promise<{ leadId: string; created: boolean; sourceAdded: boolean }> {
  const { lead, created } = await repo.upsertLead(work.tx, {
    id: uuidv7(),
    communityId: input.communityId,
    email: input.email.trim().toLowerCase(),
    name: input.name?.trim() || null,
    company: input.company?.trim() || null,
  });
  const sourceAdded = await repo.insertSource(work.tx, {
    id: uuidv7(),
    leadId: lead.id,
    kind: input.source.kind,
    eventId: input.source.eventId ?? null,
    formId: input.source.formId ?? null,
    submissionId: input.source.submissionId ?? null,
    referralCode: input.source.referralCode ?? null,
    repId: input.source.repId ?? null,
    dedupeKey: dedupeKeyOf(input.source),
  });
  if (created) await enrolLead(work, lead);
  return { leadId: lead.id, created, sourceAdded };
}
