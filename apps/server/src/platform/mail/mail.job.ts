import { eq } from 'drizzle-orm';
import type { Platform } from '../context.ts';
import type { JobDefinition, JobResult } from '../jobs/jobs.ts';
import { claimOnce } from '../jobs/once.ts';
import { processedJobs } from '../jobs/processed-jobs.tables.ts';
import { MAIL_SEND, type MailJob } from './enqueue.ts';
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

/** The `mail.send` queue; a minute of visibility covers the SMTP timeouts of one attempt. */
export function mailJobs(platform: Platform): JobDefinition<MailJob>[] {
  return [
    {
      name: MAIL_SEND,
      visibilityTimeoutSeconds: 60,
      maxReceives: 8,
      handle: (data) => sendMailJob(platform, data),
    },
  ];
}
