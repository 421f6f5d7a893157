import { eq } from 'drizzle-orm';
import type { Platform } from '../context.ts';
import type { BatchOutcome, JobDefinition, JobResult, LeasedJob } from '../jobs/jobs.ts';
import { claimOnce } from '../jobs/once.ts';
import { processedJobs } from '../jobs/processed-jobs.tables.ts';
import { MAIL_BULK, MAIL_SEND, type MailJob } from './enqueue.ts';
import { takeMailQuota } from './quota.ts';
import { findMailTemplate, renderMail } from './templates.ts';

export const mailSentKey = (id: string) => `mail.sent:${id}`;

/**
 * Sends one mail, at least once and almost always exactly once. Sending is not transactional, so
 * the order is: skip if this mail is recorded as sent; send; record it as sent (`claimOnce`). A
 * crash between sending and recording re-sends the mail on the retry, with the same Message-ID
 * (`<id@domain>`), so the receiving side can recognise the duplicate; the dev mailbox simply
 * rewrites the same file. A failure to send throws: pg-boss retries with backoff and, after
 * `maxReceives`, moves the job to `mail.send.dead`.
 */
export async function sendMailJob(platform: Platform, job: MailJob): Promise<JobResult> {
  const key = mailSentKey(job.id);
  const [sent] = await platform.db.select().from(processedJobs).where(eq(processedJobs.key, key));
  if (sent) return 'skipped';
  // Over a cap the mail is dropped for good (recorded as sent), not deferred: a flood must not
  // turn into a backlog that is mailed out tomorrow.
  const refused = await platform.db.transaction(async (tx) => {
    const reason = await takeMailQuota(tx, job, platform.config.mailLimits);
    if (reason) await claimOnce(tx, key);
    return reason;
  });
  if (refused) {
    platform.log.warn({ mailId: job.id, kind: job.kind ?? 'account', reason: refused }, 'mail not sent');
    return 'skipped';
  }
  const source = job.inline ?? (job.template ? findMailTemplate(job.template) : undefined);
  if (!source) throw new Error(`mail template ${job.template} is not defined on this node`);
  const rendered = renderMail(source, job.data);
  const { mail } = platform;
  await mail.send({
    id: job.id,
    messageId: `<${job.id}@${mail.domain}>`,
    from: mail.from,
    to: job.to,
    ...rendered,
    headers: job.headers,
  });
  await platform.db.transaction((tx) => claimOnce(tx, key));
  platform.log.info({ mailId: job.id, transport: mail.transport }, 'mail sent');
  return 'done';
}

/**
 * Two queues, each with its own worker, so account mail never waits behind bulk mail. `mail.send`
 * (account mail) leases a few jobs at a time as soon as they are due and sends them in sequence. `mail.bulk` takes at most `MAIL_BULK_PER_SECOND` jobs a second per
 * node and sends them one after another, so at most one bulk mail at a time holds one of the
 * transport's two connections and an account mail always finds the other.
 */
export function mailJobs(platform: Platform): JobDefinition<MailJob>[] {
  // Queue provisioning for the test template reads definitions with a stand-in platform.
  const perSecond = (platform.config as Platform['config'] | undefined)?.mailLimits.bulkPerSecond ?? 2;
  return [
    {
      name: MAIL_SEND,
      // One attempt may take 30 s (SMTP timeouts) and the batch is sent in sequence.
      visibilityTimeoutSeconds: 30 * ACCOUNT_BATCH,
      maxReceives: 8,
      // A batch, not one job per lease: pg-boss polls a one-job worker every half second, which
      // held account mail to 2 a second per node — a thousand sign-ups waited eight minutes for
      // their verification mails. Full batches fetch again at once.
      batchSize: ACCOUNT_BATCH,
      handleBatch: (jobs) => sendInSequence(platform, jobs),
    },
    {
      name: MAIL_BULK,
      // One attempt may take 30 s (SMTP timeouts); the batch is sent in sequence.
      visibilityTimeoutSeconds: Math.min(3600, Math.max(60, 30 * perSecond)),
      maxReceives: 8,
      batchSize: perSecond,
      pacedEverySeconds: 1,
      handleBatch: (jobs) => sendInSequence(platform, jobs),
    },
  ];
}

/** Account mails leased at once; sent one after another on one of the transport's connections. */
const ACCOUNT_BATCH = 5;

/** One mail after another (one connection), each its own outcome: one bad address fails alone. */
async function sendInSequence(platform: Platform, jobs: LeasedJob<MailJob>[]): Promise<BatchOutcome[]> {
  const outcomes: BatchOutcome[] = [];
  for (const job of jobs)
    outcomes.push(await sendMailJob(platform, job.data).catch((error: unknown) => asError(error)));
  return outcomes;
}

const asError = (error: unknown) => (error instanceof Error ? error : new Error(String(error)));
