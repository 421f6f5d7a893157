import type { LeadSourceKind } from '@muster/protocol';
import { uuidv7 } from 'uuidv7';
import type { Work } from '../../platform/db/unit-of-work.ts';
import { startFollowUps } from './leads.consent.ts';
import * as repo from './leads.repository.ts';

/** What a source of a lead knows about the person and where they came from. */
export interface LeadInput {
  communityId: string;
  email: string;
  name?: string | null | undefined;
  company?: string | null | undefined;
  /** The person answered a form's consent field with yes (see leads.consent.ts). */
  followUpConsent?: boolean | undefined;
  source: {
    kind: LeadSourceKind;
    eventId?: string | null | undefined;
    formId?: string | null | undefined;
    submissionId?: string | null | undefined;
    referralCode?: string | null | undefined;
    repId?: string | null | undefined;
  };
}

/**
 * The same source twice (a re-run job, a rep scanning the same badge again) is recorded once: the
 * key is the source's kind and what identifies a source of that kind (stored; do not change).
 */
const sourceKeyOf: { [K in LeadSourceKind]: (source: LeadInput['source']) => string } = {
  form: (s) => `${s.submissionId ?? s.formId}`,
  referral: (s) => `${s.referralCode}`,
  rep: (s) => `${s.repId}:${s.eventId ?? ''}`,
  event: (s) => `${s.eventId}`,
};
const dedupeKeyOf = (source: LeadInput['source']): string =>
  `${source.kind}:${sourceKeyOf[source.kind](source)}`;

/**
 * Records leads from any source, inside the caller's transaction, in a fixed number of statements
 * however many there are (a worker's batch of form submissions): one lead per person per community
 * (by lower-cased e-mail) and one source row per distinct source. Idempotent, so a job that runs
 * twice leaves exactly what one run leaves. People who consented to follow-up mail are enrolled
 * in their community's active sequences, or mailed a confirmation link first, in the same
 * transaction. Answers one result per input, in order.
 */
export async function recordLeads(
  work: Work,
  inputs: readonly LeadInput[],
): Promise<{ leadId: string; created: boolean; sourceAdded: boolean }[]> {
  if (!inputs.length) return [];
  const personKey = (communityId: string, email: string) => `${communityId}\n${email}`;
  // One row per person: the same person twice in one statement would be "affected twice".
  const people = new Map<string, repo.NewLead>();
  const now = new Date();
  const consenting = new Set<string>();
  for (const input of inputs) {
    const email = input.email.trim().toLowerCase();
    const key = personKey(input.communityId, email);
    const known = people.get(key);
    people.set(key, {
      id: known?.id ?? uuidv7(),
      communityId: input.communityId,
      email,
      name: known?.name ?? (input.name?.trim() || null),
      company: known?.company ?? (input.company?.trim() || null),
      followUpConsentAt: known?.followUpConsentAt ?? (input.followUpConsent ? now : null),
    });
    if (input.followUpConsent) consenting.add(key);
  }
  const stored = await repo.upsertLeads(work.tx, [...people.values()]);
  const leadOf = (input: LeadInput) =>
    stored.get(personKey(input.communityId, input.email.trim().toLowerCase()))!;
  const sources = inputs.map((input) => ({
    id: uuidv7(),
    leadId: leadOf(input).lead.id,
    kind: input.source.kind,
    eventId: input.source.eventId ?? null,
    formId: input.source.formId ?? null,
    submissionId: input.source.submissionId ?? null,
    referralCode: input.source.referralCode ?? null,
    repId: input.source.repId ?? null,
    dedupeKey: dedupeKeyOf(input.source),
  }));
  const added = await repo.insertSources(work.tx, sources);
  // Follow-ups start (or their confirmation is mailed) only for people who consented just now.
  await startFollowUps(
    work,
    [...consenting].map((key) => stored.get(key)!.lead),
  );
  const enrolledOnce = new Set<string>();
  return inputs.map((input, i) => {
    const { lead, created: isNew } = leadOf(input);
    // Only the first input of a new person reports it as created.
    const first = isNew && !enrolledOnce.has(lead.id);
    enrolledOnce.add(lead.id);
    return { leadId: lead.id, created: first, sourceAdded: added.has(sources[i]!.id) };
  });
}

/** `recordLeads` for one source (a rep's capture, a referral). */
export async function recordLead(
  work: Work,
  input: LeadInput,
): Promise<{ leadId: string; created: boolean; sourceAdded: boolean }> {
  return (await recordLeads(work, [input]))[0]!;
}
