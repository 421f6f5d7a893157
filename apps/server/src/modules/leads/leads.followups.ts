import { and, eq, inArray, sql } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import type { Platform } from '../../platform/context.ts';
import type { Queryable } from '../../platform/db/client.ts';
import { type Work, withTx } from '../../platform/db/unit-of-work.ts';
import type { EnqueueOptions, JobDefinition, JobResult } from '../../platform/jobs/jobs.ts';
import { enqueueMail, mailSafeText } from '../../platform/mail/index.ts';
import { findCommunity } from '../communities/index.ts';
import { followUpEnrolments, followUpSequences } from './leads.followups.tables.ts';
import type { LeadRow } from './leads.repository.ts';
import { leads } from './leads.tables.ts';

export const FOLLOW_UP_DUE = 'leads.followUpDue';
/** Unsubscribe links stay valid for a year: mail is read late, and a dead link is a spam complaint. */
const UNSUBSCRIBE_TTL_SECONDS = 365 * 24 * 3600;
export const UNSUBSCRIBE_PURPOSE = 'unsubscribe';

/** The job of one step of one enrolment; `step` tells a redelivery from the next step. */
export interface FollowUpDue {
  enrolmentId: string;
  step: number;
}

const ENDED_STAGES = new Set(['won', 'lost']);

const stepOptions = (delayMinutes: number): EnqueueOptions =>
  delayMinutes > 0 ? { startAfterSeconds: delayMinutes * 60 } : {};

async function scheduleStep(work: Work, enrolmentId: string, step: number, delayMinutes: number) {
  const job: FollowUpDue = { enrolmentId, step };
  await work.enqueue(FOLLOW_UP_DUE, job, stepOptions(delayMinutes));
}

/**
 * Enrols leads in every active sequence of their communities and schedules each first step: a
 * fixed number of statements per batch of leads. Only for leads that may be mailed (consent and
 * a confirmed address or a verified community: `startFollowUps`, `confirmFollowUps`); one that
 * unsubscribed is never enrolled again, and enrolling twice adds nothing.
 */
export async function enrolLeads(
  work: Work,
  newLeads: readonly Pick<LeadRow, 'id' | 'communityId' | 'unsubscribedAt'>[],
) {
  const candidates = newLeads.filter((lead) => !lead.unsubscribedAt);
  if (!candidates.length) return;
  const communityIds = [...new Set(candidates.map((lead) => lead.communityId))];
  const sequences = await work.tx
    .select()
    .from(followUpSequences)
    .where(and(inArray(followUpSequences.communityId, communityIds), eq(followUpSequences.active, true)));
  if (!sequences.length) return;
  const values = sequences.flatMap((sequence) =>
    candidates
      .filter((lead) => lead.communityId === sequence.communityId)
      .map((lead) => ({ id: uuidv7(), sequenceId: sequence.id, leadId: lead.id })),
  );
  const rows = await work.tx
    .insert(followUpEnrolments)
    .values(values)
    .onConflictDoNothing()
    .returning({ id: followUpEnrolments.id, sequenceId: followUpEnrolments.sequenceId });
  const firstDelayOf = new Map(sequences.map((s) => [s.id, s.steps[0]?.delayMinutes ?? 0]));
  const delayOf = new Map(rows.map((row) => [row.id, firstDelayOf.get(row.sequenceId) ?? 0]));
  // One statement for every first step: a burst's batch enrols hundreds of leads at once.
  await work.enqueueMany(
    FOLLOW_UP_DUE,
    rows.map((row): FollowUpDue => ({ enrolmentId: row.id, step: 0 })),
    (job) => stepOptions(delayOf.get(job.enrolmentId) ?? 0),
  );
}

/** The communities among `communityIds` that have at least one active sequence (one statement). */
export async function communitiesWithActiveSequences(
  q: Queryable,
  communityIds: readonly string[],
): Promise<Set<string>> {
  if (!communityIds.length) return new Set();
  const rows = await q
    .selectDistinct({ communityId: followUpSequences.communityId })
    .from(followUpSequences)
    .where(
      and(inArray(followUpSequences.communityId, [...communityIds]), eq(followUpSequences.active, true)),
    );
  return new Set(rows.map((row) => row.communityId));
}

/** Stops every running sequence of a lead (won, lost, unsubscribed); idempotent. */
export async function stopFollowUps(q: Queryable, leadId: string, reason: string) {
  await q
    .update(followUpEnrolments)
    .set({ status: 'stopped', stoppedReason: reason, updatedAt: new Date() })
    .where(and(eq(followUpEnrolments.leadId, leadId), eq(followUpEnrolments.status, 'active')));
}

export function unsubscribeLink(platform: Platform, token: string): string {
  return `${platform.config.publicUrl}/api/v1/unsubscribe?token=${encodeURIComponent(token)}`;
}

/**
 * Sends one step. The enrolment row is locked and must still expect this step: a redelivered job
 * (a crash after commit, a duplicate) finds `nextStep` already past it and sends nothing. The mail
 * itself is enqueued in the same transaction, so it goes out exactly when the step is recorded.
 * The lead's stage and subscription are checked at send time, not at enrolment.
 */
export async function sendFollowUp(platform: Platform, job: FollowUpDue): Promise<JobResult> {
  return withTx(platform, async (work) => {
    const [enrolment] = await work.tx
      .select()
      .from(followUpEnrolments)
      .where(eq(followUpEnrolments.id, job.enrolmentId))
      .for('update');
    if (enrolment?.status !== 'active' || enrolment.nextStep !== job.step) return 'skipped';
    const [lead] = await work.tx.select().from(leads).where(eq(leads.id, enrolment.leadId));
    const [sequence] = await work.tx
      .select()
      .from(followUpSequences)
      .where(eq(followUpSequences.id, enrolment.sequenceId));
    const community = lead ? await findCommunity(work.tx, lead.communityId) : undefined;
    const stop = !lead
      ? 'lead_gone'
      : lead.unsubscribedAt
        ? 'unsubscribed'
        : !lead.followUpConsentAt
          ? 'no_consent'
          : !lead.confirmedAt && !community?.verifiedAt
            ? 'not_confirmed'
            : ENDED_STAGES.has(lead.stage)
              ? lead.stage
              : !sequence?.active
                ? 'sequence_paused'
                : null;
    if (stop || !lead || !sequence || !community) {
      await stopFollowUps(work.tx, enrolment.leadId, stop ?? 'lead_gone');
      return 'skipped';
    }
    const step = sequence.steps[job.step];
    if (!step) return 'skipped';
    const token = await platform.tokens.signPurpose(
      UNSUBSCRIBE_PURPOSE,
      lead.id,
      {},
      UNSUBSCRIBE_TTL_SECONDS,
    );
    const link = unsubscribeLink(platform, token);
    await enqueueMail(work, {
      kind: 'bulk',
      community: { id: community.id, verified: !!community.verifiedAt },
      to: lead.email,
      template: { subject: step.subject, text: `${step.text}\n\n--\nUnsubscribe: {{{unsubscribeUrl}}}\n` },
      data: {
        name: mailSafeText(lead.name ?? ''),
        company: mailSafeText(lead.company ?? ''),
        communityName: mailSafeText(community.name, 120),
        unsubscribeUrl: link,
      },
      headers: { 'List-Unsubscribe': `<${link}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
    });
    const next = job.step + 1;
    const done = next >= sequence.steps.length;
    await work.tx
      .update(followUpEnrolments)
      .set({ nextStep: next, status: done ? 'completed' : 'active', updatedAt: new Date() })
      .where(eq(followUpEnrolments.id, enrolment.id));
    if (!done) await scheduleStep(work, enrolment.id, next, sequence.steps[next]!.delayMinutes);
    return 'done';
  });
}

/** How many leads each sequence has enrolled, for the sequence list. */
export async function enrolledCounts(q: Queryable, sequenceIds: string[]): Promise<Map<string, number>> {
  if (!sequenceIds.length) return new Map();
  const rows = await q
    .select({ id: followUpEnrolments.sequenceId, n: sql<number>`count(*)` })
    .from(followUpEnrolments)
    .where(inArray(followUpEnrolments.sequenceId, sequenceIds))
    .groupBy(followUpEnrolments.sequenceId);
  return new Map(rows.map((r) => [r.id, Number(r.n)]));
}

export function followUpJobs(platform: Platform): JobDefinition<FollowUpDue>[] {
  return [{ name: FOLLOW_UP_DUE, maxReceives: 5, handle: (data) => sendFollowUp(platform, data) }];
}
