import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { createTestServer, useTestServer } from '../../../test/harness.ts';
import { startSmtpSink, useSmtpSink } from '../../../test/smtp-sink.ts';
import { withTx } from '../db/unit-of-work.ts';
import { processedJobs } from '../jobs/processed-jobs.tables.ts';
import { enqueueMail, type MailJob } from './enqueue.ts';
import { mailSentKey, sendMailJob } from './mail.job.ts';
import { defineMailTemplate } from './templates.ts';

const welcome = defineMailTemplate({
  name: 'test.smtpWelcome',
  subject: 'Willkommen, {{name}}',
  text: 'Grüße, {{name}}! Your link: {{link}}',
  html: '<p>Grüße, <b>{{name}}</b></p>',
});

const sink = useSmtpSink();
const server = useTestServer(() => ({
  env: { SMTP_URL: sink.url, MAIL_FROM: 'Muster Events <events@muster.test>' },
}));

describe('mail over SMTP (a real smtp-server, with login)', () => {
  it('delivers to the recipient with subject, both parts, Message-ID and the caller’s headers', async () => {
    const link = `https://muster.test/verify-email?token=${'t'.repeat(300)}`;
    const id = await withTx(server.platform, (work) =>
      enqueueMail(work, {
        to: 'zoe@example.test',
        template: welcome.name,
        data: { name: 'Zoë', link },
        headers: { 'List-Unsubscribe': '<https://muster.test/u/1>' },
      }),
    );
    const mail = await sink.waitFor((m) => m.headers['message-id'] === `<${id}@muster.test>`);
    expect(mail.envelopeTo).toEqual(['zoe@example.test']);
    expect(mail.envelopeFrom).toBe('events@muster.test');
    expect(mail.headers.from).toBe('Muster Events <events@muster.test>');
    expect(mail.subject).toBe('Willkommen, Zoë');
    expect(mail.text).toBe(`Grüße, Zoë! Your link: ${link}`);
    expect(mail.html).toContain('<p>Grüße, <b>Zoë</b></p>');
    expect(mail.headers['list-unsubscribe']).toBe('<https://muster.test/u/1>');
  });

  it('re-sends with the same Message-ID when the send was not recorded (crash before the record)', async () => {
    const job: MailJob = {
      id: '01900000-0000-7000-8000-0000000000b2',
      to: 'eve@example.test',
      template: welcome.name,
      inline: null,
      data: { name: 'Eve', link: 'https://muster.test/x' },
      headers: {},
    };
    expect(await sendMailJob(server.platform, job)).toBe('done');
    await server.platform.db.delete(processedJobs).where(eq(processedJobs.key, mailSentKey(job.id)));
    expect(await sendMailJob(server.platform, job)).toBe('done');
    expect(await sendMailJob(server.platform, job)).toBe('skipped');
    const copies = sink.received.filter((m) => m.envelopeTo.includes('eve@example.test'));
    expect(copies.map((m) => m.headers['message-id'])).toEqual([
      `<${job.id}@muster.test>`,
      `<${job.id}@muster.test>`,
    ]);
  });

  it('fails the attempt (so pg-boss retries) when the SMTP server refuses the login', async () => {
    const strict = await startSmtpSink({ user: 'mailer', pass: 'another-secret' });
    const wrong = await createTestServer({
      env: { SMTP_URL: strict.url.replace('another-secret', 'wrong') },
    });
    try {
      const job: MailJob = {
        id: '01900000-0000-7000-8000-0000000000c3',
        to: 'fay@example.test',
        template: welcome.name,
        inline: null,
        data: { name: 'Fay' },
        headers: {},
      };
      await expect(sendMailJob(wrong.platform, job)).rejects.toThrow();
      const [record] = await wrong.platform.db
        .select()
        .from(processedJobs)
        .where(eq(processedJobs.key, mailSentKey(job.id)));
      expect(record).toBeUndefined();
      expect(strict.received).toHaveLength(0);
    } finally {
      await wrong.stop();
      await strict.close();
    }
  });
});
