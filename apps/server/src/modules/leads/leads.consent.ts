import { eq, inArray } from 'drizzle-orm';
import { ExpiredTokenError, InvalidTokenError, type PurposeClaims } from '../../platform/auth/tokens.ts';
import type { Ctx, Platform } from '../../platform/context.ts';
import { type Work, withTx } from '../../platform/db/unit-of-work.ts';
import { invalid } from '../../platform/errors.ts';
import type { JobDefinition, JobResult } from '../../platform/jobs/jobs.ts';
import { defineMailTemplate, enqueueMail, mailSafeText } from '../../platform/mail/index.ts';
import { communities } from '../communities/index.ts';
import { communitiesWithActiveSequences, enrolLeads } from './leads.followups.ts';
import type { LeadRow } from './leads.repository.ts';
import { leads } from './leads.tables.ts';

/*
 * Follow-up mail goes only to people who asked for it: they answered a form's `consent` field with
 * yes, and they proved the address is theirs by following a confirmation link (double opt-in) —
 * unless an instance administrator verified the community, which skips the link, never the consent.
 * Without this anyone could type a stranger's address into their own form and have this instance
 * mail them whatever the sequence says.
 */

export const CONFIRMATION_DUE = 'leads.confirmationDue';
export const CONFIRM_PURPOSE = 'follow-up-confirm';
const CONFIRM_TTL_SECONDS = 14 * 24 * 3600;
/** One confirmation mail per lead a day, however often the form is submitted. */
const CONFIRMATION_INTERVAL_MS = 24 * 3600 * 1000;
export const CONFIRM_LIMIT = { name: 'follow-up-confirm', points: 60, durationSeconds: 60 };

/** Data: communityName, link, days. */
export const confirmFollowUpsMail = defineMailTemplate({
  name: 'leads.confirmFollowUps',
  subject: 'Confirm mail from {{communityName}}',
  text: `Hello,

this address was given on a form of "{{communityName}}" on Muster, asking for their follow-up mail. Nothing is sent unless you confirm here:

{{link}}

The link works for {{days}} days. If this was not you, ignore this mail: you will not hear from them.
`,
  html: `<p>Hello,</p>
<p>this address was given on a form of “{{communityName}}” on Muster, asking for their follow-up mail. Nothing is sent unless you confirm.</p>
<p><a href="{{link}}" style="display: inline-block; padding: 0.6rem 1rem; background: #3b5bdb; color: #fff; text-decoration: none; border-radius: 6px;">Yes, send me their mail</a></p>
<p style="color: #555; font-size: 0.9rem;">Or open this link: {{link}}<br>It works for {{days}} days. If this was not you, ignore this mail: you will not hear from them.</p>`,
});

/**
 * Leads that just gave consent on a form, inside the processing transaction: those already
 * confirmed, or of a verified community, are enrolled in the active sequences now; the others get
 * a confirmation mail (queued as a job, which signs the link outside this transaction). A
 * community with no active sequence has nothing to send, so nobody is asked to confirm anything
 * (new leads are enrolled only in the sequences active when they arrive). A fixed number of
 * statements per batch: a burst's worker batch brings hundreds of consenting people at once.
 */
export async function startFollowUps(work: Work, consenting: readonly LeadRow[]): Promise<void> {
  const consented = consenting.filter((lead) => lead.followUpConsentAt && !lead.unsubscribedAt);
  if (!consented.length) return;
  const sending = await communitiesWithActiveSequences(work.tx, [
    ...new Set(consented.map((lead) => lead.communityId)),
  ]);
  const candidates = consented.filter((lead) => sending.has(lead.communityId));
  if (!candidates.length) return;
  const rows = await work.tx
    .select({ id: communities.id, verifiedAt: communities.verifiedAt })
    .from(communities)
    .where(inArray(communities.id, [...sending]));
  const verified = new Set(rows.filter((r) => r.verifiedAt).map((r) => r.id));
  const ready = candidates.filter((lead) => lead.confirmedAt || verified.has(lead.communityId));
  await enrolLeads(work, ready);
  const enrolled = new Set(ready);
  const unconfirmed = candidates.filter((lead) => !enrolled.has(lead));
  await work.enqueueMany(
    CONFIRMATION_DUE,
    unconfirmed.map((lead) => ({ leadId: lead.id })),
    (job) => ({ singletonKey: `confirm:${job.leadId}` }),
  );
}

/** May this lead be mailed follow-ups now? Checked again at every step. */
export function mayFollowUp(
  lead: Pick<LeadRow, 'followUpConsentAt' | 'confirmedAt' | 'unsubscribedAt'>,
  communityVerified: boolean,
): boolean {
  return !!lead.followUpConsentAt && !lead.unsubscribedAt && (!!lead.confirmedAt || communityVerified);
}

export const confirmLink = (platform: Platform, token: string) =>
  `${platform.config.publicUrl}/confirm-follow-ups?token=${encodeURIComponent(token)}`;

/**
 * Mails the confirmation link, at most once a day per lead: the lead row is locked and
 * `confirmationSentAt` moves in the transaction that enqueues the mail. It is bulk mail of the
 * community (counted against its caps and the address's), ahead of its other bulk mail.
 */
export async function sendConfirmation(platform: Platform, leadId: string): Promise<JobResult> {
  const [current] = await platform.db.select().from(leads).where(eq(leads.id, leadId));
  if (!current) return 'skipped';
  const token = await platform.tokens.signPurpose(
    CONFIRM_PURPOSE,
    current.id,
    { email: current.email },
    CONFIRM_TTL_SECONDS,
  );
  return withTx(platform, async (work) => {
    const [lead] = await work.tx.select().from(leads).where(eq(leads.id, leadId)).for('no key update');
    if (!lead?.followUpConsentAt || lead.confirmedAt || lead.unsubscribedAt) return 'skipped';
    if (lead.confirmationSentAt && Date.now() - lead.confirmationSentAt.getTime() < CONFIRMATION_INTERVAL_MS)
      return 'skipped';
    const [community] = await work.tx.select().from(communities).where(eq(communities.id, lead.communityId));
    if (!community) return 'skipped';
    await enqueueMail(work, {
      kind: 'bulk',
      community: { id: community.id, verified: !!community.verifiedAt },
      urgent: true,
      to: lead.email,
      template: confirmFollowUpsMail.name,
      data: {
        communityName: mailSafeText(community.name),
        link: confirmLink(platform, token),
        days: CONFIRM_TTL_SECONDS / 86_400,
      },
    });
    await work.tx.update(leads).set({ confirmationSentAt: new Date() }).where(eq(leads.id, lead.id));
    return 'done';
  });
}

/**
 * The double opt-in: the token names the lead and the address it was mailed to. The lead is
 * confirmed and enrolled in the community's active sequences; confirming twice changes nothing.
 */
export async function confirmFollowUps(ctx: Ctx, token: string, clientIp: string): Promise<void> {
  await ctx.platform.limits.consume(CONFIRM_LIMIT, clientIp);
  let verified: PurposeClaims;
  try {
    verified = await ctx.platform.tokens.verifyPurpose(token, CONFIRM_PURPOSE);
  } catch (error) {
    if (error instanceof ExpiredTokenError) throw invalid('body.token', 'has expired');
    if (error instanceof InvalidTokenError) throw invalid('body.token', 'is not a valid confirmation link');
    throw error;
  }
  await withTx(ctx.platform, async (work) => {
    const [lead] = await work.tx
      .select()
      .from(leads)
      .where(eq(leads.id, verified.subject))
      .for('no key update');
    if (!lead || lead.email !== verified.claims.email)
      throw invalid('body.token', 'is not a valid confirmation link');
    if (lead.confirmedAt || lead.unsubscribedAt || !lead.followUpConsentAt) return;
    const [confirmed] = await work.tx
      .update(leads)
      .set({ confirmedAt: new Date() })
      .where(eq(leads.id, lead.id))
      .returning();
    await enrolLeads(work, [confirmed!]);
  });
}

export function consentJobs(platform: Platform): JobDefinition<{ leadId: string }>[] {
  return [
    { name: CONFIRMATION_DUE, maxReceives: 5, handle: (data) => sendConfirmation(platform, data.leadId) },
  ];
}
