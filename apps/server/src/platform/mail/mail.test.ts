import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { useTestServer } from '../../../test/harness.ts';
import { queryRows } from '../db/client.ts';
import { withTx } from '../db/unit-of-work.ts';
import { AppError } from '../errors.ts';
import { enqueueMail, type MailJob, type MailRequest } from './enqueue.ts';
import { sendMailJob } from './mail.job.ts';
import type { StoredMail } from './mailbox.ts';
import { defineMailTemplate } from './templates.ts';

const greeting = defineMailTemplate({
  name: 'test.greeting',
  subject: 'Hi {{name}}',
  text: 'Hello {{name}}, see {{link}}',
  html: '<p>Hello {{name}}</p>',
});

const server = useTestServer();

async function waitForMail(id: string): Promise<StoredMail> {
  const mailbox = server.platform.mail.mailbox!;
  for (;;) {
    const mail = await mailbox.read(id);
    if (mail) return mail;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const enqueue = (request: MailRequest) => withTx(server.platform, (work) => enqueueMail(work, request));

async function jobsFor(id: string): Promise<number> {
  const rows = await queryRows<{ n: number }>(
    server.platform.db,
    sql`SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'mail.send' AND data->>'id' = ${id}`,
  );
  return rows[0]!.n;
}

describe('mail through the job queue into the dev mailbox', () => {
  it('renders a code template: text unescaped, HTML escaped, inside the shared layout', async () => {
    const id = await enqueue({
      to: 'ann@example.test',
      template: greeting.name,
      data: { name: 'Tom & <Jerry>', link: 'https://x.test/?a=1&b=2' },
    });
    const mail = await waitForMail(id);
    expect(mail.subject).toBe('Hi Tom & <Jerry>');
    expect(mail.text).toBe('Hello Tom & <Jerry>, see https://x.test/?a=1&b=2');
    expect(mail.html).toContain('<p>Hello Tom &amp; &lt;Jerry&gt;</p>');
    expect(mail.html).toMatch(/^<!doctype html>/);
    expect(mail.messageId).toBe(`<${id}@localhost>`);
    expect(mail.from).toBe('Muster <no-reply@localhost>');
  });

  it('sends an inline template with the caller’s headers (a follow-up with List-Unsubscribe)', async () => {
    const id = await enqueue({
      to: 'bob@example.test',
      template: {
        subject: 'After {{event}}\r\nBcc: evil@example.test',
        text: 'Thanks for coming to {{event}}.',
      },
      data: { event: 'MusterConf' },
      headers: {
        'List-Unsubscribe': '<https://muster.test/unsubscribe/abc>',
        'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
      },
    });
    const mail = await waitForMail(id);
    // A line break in a rendered subject cannot start a new header.
    expect(mail.subject).toBe('After MusterConf Bcc: evil@example.test');
    expect(mail.html).toBeNull();
    expect(mail.headers).toMatchObject({
      'List-Unsubscribe': '<https://muster.test/unsubscribe/abc>',
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    });
  });

  it('enqueues nothing when the business transaction rolls back', async () => {
    const committed = await enqueue({ to: 'carl@example.test', template: greeting.name, data: {} });
    expect(await jobsFor(committed)).toBe(1);
    let id = '';
    await expect(
      withTx(server.platform, async (work) => {
        id = await enqueueMail(work, { to: 'carl@example.test', template: greeting.name, data: {} });
        throw new Error('business rule failed');
      }),
    ).rejects.toThrow('business rule failed');
    expect(id).not.toBe('');
    expect(await jobsFor(id)).toBe(0);
  });

  it('sends a mail once: a redelivered job is skipped and the mailbox holds one copy', async () => {
    const job: MailJob = {
      id: '01900000-0000-7000-8000-0000000000a1',
      to: 'dora@example.test',
      template: greeting.name,
      inline: null,
      data: { name: 'Dora' },
      headers: {},
    };
    expect(await sendMailJob(server.platform, job)).toBe('done');
    expect(await sendMailJob(server.platform, job)).toBe('skipped');
    const { items } = await server.platform.mail.mailbox!.list({ limit: 200 });
    expect(items.filter((item) => item.id === job.id)).toHaveLength(1);
  });
});

describe('enqueueMail refuses hostile requests', () => {
  const cases: [string, MailRequest][] = [
    ['a list of recipients', { to: 'a@example.test, b@example.test', template: greeting.name }],
    ['a display name', { to: 'Ann <ann@example.test>', template: greeting.name }],
    ['a CRLF in the recipient', { to: 'ann@example.test\r\nBcc: x@example.test', template: greeting.name }],
    ['an over-long address', { to: `${'a'.repeat(250)}@example.test`, template: greeting.name }],
    [
      'a CRLF in a header value',
      { to: 'a@example.test', template: greeting.name, headers: { 'X-A': 'x\r\nBcc: y' } },
    ],
    [
      'a reserved header',
      { to: 'a@example.test', template: greeting.name, headers: { bcc: 'x@example.test' } },
    ],
    [
      'a header name with a colon',
      { to: 'a@example.test', template: greeting.name, headers: { 'X-A: b': 'c' } },
    ],
    [
      'too many headers',
      {
        to: 'a@example.test',
        template: greeting.name,
        headers: Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`X-H${i}`, 'v'])),
      },
    ],
    ['oversized data', { to: 'a@example.test', template: greeting.name, data: { blob: 'x'.repeat(40_000) } }],
    [
      'an unescaped tag in inline HTML',
      { to: 'a@example.test', template: { subject: 's', text: 't', html: '{{{name}}}' } },
    ],
    [
      'an unescaped & tag in a section',
      { to: 'a@example.test', template: { subject: 's', text: 't', html: '{{#a}}{{&b}}{{/a}}' } },
    ],
    ['a broken template', { to: 'a@example.test', template: { subject: '{{#open}}', text: 't' } }],
    [
      'an oversized inline text',
      { to: 'a@example.test', template: { subject: 's', text: 'x'.repeat(50_001) } },
    ],
  ];
  for (const [name, request] of cases) {
    it(`refuses ${name} with a validation error`, async () => {
      const error = await enqueue(request).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).code).toBe('validation_failed');
    });
  }

  it('refuses a template name that no module defined (a bug, found at the enqueue)', async () => {
    await expect(enqueue({ to: 'a@example.test', template: 'nobody.defined' })).rejects.toThrow(
      /not defined/,
    );
  });
});
