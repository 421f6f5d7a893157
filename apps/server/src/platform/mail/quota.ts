import { and, inArray, lt, sql } from 'drizzle-orm';
import type { MailLimits } from '../../config.ts';
import { sha256 } from '../auth/tokens.ts';
import type { Tx } from '../db/client.ts';
import { claimOnce } from '../jobs/once.ts';
import type { MailJob } from './enqueue.ts';
import { mailQuota } from './mail-quota.tables.ts';

interface Counter {
  key: string;
  windowStart: Date;
  cap: number;
  /** Said in the log when the cap refuses a mail. */
  what: string;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** A counter's key: what it counts per (stored in `mail_quota`, so the form stays). */
const counterKey = (per: 'account' | 'rcpt' | 'community', id: string | undefined) => `${per}:${id}`;
const windowOf = (now: Date, size: number) => new Date(Math.floor(now.getTime() / size) * size);

/** Which counters a mail counts against: one for account mail, two for bulk mail. */
function countersOf(job: MailJob, limits: MailLimits, now: Date): Counter[] {
  const address = sha256(`mail-quota:${job.to.toLowerCase()}`).slice(0, 32);
  if (job.kind !== 'bulk')
    return [
      {
        key: counterKey('account', address),
        windowStart: windowOf(now, HOUR),
        cap: limits.accountPerHour,
        what: 'account mail to this address this hour',
      },
    ];
  return [
    {
      key: counterKey('rcpt', address),
      windowStart: windowOf(now, DAY),
      cap: limits.recipientPerDay,
      what: 'bulk mail to this address today',
    },
    {
      key: counterKey('community', job.communityId),
      windowStart: windowOf(now, DAY),
      cap: job.verified ? limits.verifiedCommunityPerDay : limits.communityPerDay,
      what: "this community's bulk mail today",
    },
  ].sort((a, b) => (a.key < b.key ? -1 : 1));
}

/**
 * Counts one mail against its caps, once per mail (a retried send is not counted again), inside
 * the caller's transaction, in one upsert (atomic on both databases, so two workers cannot both
 * take the last unit). Answers what refused it, or null when it may be sent. A refused mail
 * still counts: a flood against one address keeps that address's window full.
 */
export async function takeMailQuota(
  tx: Tx,
  job: MailJob,
  limits: MailLimits,
  now = new Date(),
): Promise<string | null> {
  if (!(await claimOnce(tx, `mail.counted:${job.id}`))) return null;
  const counters = countersOf(job, limits, now);
  const rows = await tx
    .insert(mailQuota)
    .values(counters.map(({ key, windowStart }) => ({ key, windowStart, sent: 1 })))
    .onConflictDoUpdate({
      target: [mailQuota.key, mailQuota.windowStart],
      set: { sent: sql`${mailQuota.sent} + 1` },
    })
    .returning({ key: mailQuota.key, sent: mailQuota.sent });
  // Earlier windows of these keys are finished: drop them here, a bounded delete by primary key.
  await tx.delete(mailQuota).where(
    and(
      inArray(
        mailQuota.key,
        counters.map((c) => c.key),
      ),
      lt(mailQuota.windowStart, counters[0]!.windowStart),
    ),
  );
  const over = counters.find((c) => (rows.find((r) => r.key === c.key)?.sent ?? 0) > c.cap);
  return over ? `more than ${over.cap} ${over.what}` : null;
}
