import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import { describe, expect, it } from 'vitest';
import { useTestServer } from '../../../test/harness.ts';
import { processedJobs } from '../jobs/processed-jobs.tables.ts';
import type { MailJob } from './enqueue.ts';
import { mailSentKey, sendMailJob } from './mail.job.ts';
import { defineMailTemplate } from './templates.ts';

const note = defineMailTemplate({ name: 'test.quotaNote', subject: 'Note', text: 'A note.' });

const server = useTestServer({
  env: {
    MAIL_RECIPIENT_PER_DAY: '2',
    MAIL_COMMUNITY_PER_DAY: '3',
    MAIL_VERIFIED_COMMUNITY_PER_DAY: '5',
    MAIL_ACCOUNT_PER_HOUR: '2',
  },
});

const bulk = (to: string, communityId: string, verified = false): MailJob => ({
  id: uuidv7(),
  to,
  template: note.name,
  inline: null,
  data: {},
  headers: {},
  kind: 'bulk',
  communityId,
  verified,
});
const account = (to: string): MailJob => ({
  id: uuidv7(),
  to,
  template: note.name,
  inline: null,
  data: {},
  headers: {},
  kind: 'account',
});
const send = (job: MailJob) => sendMailJob(server.platform, job);
const delivered = async (to: string) =>
  (await server.platform.mail.mailbox!.list({ limit: 200 })).items.filter((m) => m.to === to).length;

describe('mail caps', () => {
  it('stops bulk mail to one address at the per-recipient daily cap, counted over all communities', async () => {
    const to = `rcpt-${randomUUID()}@example.test`;
    expect(await send(bulk(to, randomUUID()))).toBe('done');
    expect(await send(bulk(to.toUpperCase(), randomUUID()))).toBe('done');
    expect(await send(bulk(to, randomUUID(), true))).toBe('skipped');
    expect(await delivered(to)).toBe(1);
    expect(await delivered(to.toUpperCase())).toBe(1);
  });

  it('stops an unverified community at its daily cap, a verified one at its higher cap', async () => {
    const unverified = randomUUID();
    const results = [];
    for (let i = 0; i < 4; i++)
      results.push(await send(bulk(`u${i}-${randomUUID()}@example.test`, unverified)));
    expect(results).toEqual(['done', 'done', 'done', 'skipped']);
    const verified = randomUUID();
    const more = [];
    for (let i = 0; i < 6; i++)
      more.push(await send(bulk(`v${i}-${randomUUID()}@example.test`, verified, true)));
    expect(more).toEqual(['done', 'done', 'done', 'done', 'done', 'skipped']);
  });

  it('stops account mail to one address at the hourly cap, and counts a re-sent mail once', async () => {
    const to = `acct-${randomUUID()}@example.test`;
    const first = account(to);
    expect(await send(first)).toBe('done');
    // A crash before the send was recorded: the retry sends again but is not counted again.
    await server.platform.db.delete(processedJobs).where(eq(processedJobs.key, mailSentKey(first.id)));
    expect(await send(first)).toBe('done');
    expect(await send(account(to))).toBe('done');
    expect(await send(account(to))).toBe('skipped');
    // A refused mail is recorded as handled: its redelivery does not try again.
    const refused = account(to);
    expect(await send(refused)).toBe('skipped');
    expect(await send(refused)).toBe('skipped');
    // Bulk caps and account caps are counted apart.
    expect(await send(bulk(to, randomUUID()))).toBe('done');
  });
});
