import type Nodemailer from 'nodemailer';
import { lazyRequire } from '../lazy-require.ts';

const loadNodemailer = lazyRequire<typeof Nodemailer>('nodemailer');

import type { Logger } from 'pino';
import type { MailTransport } from './mailer.ts';

/**
 * SMTP through nodemailer, pooled (a follow-up sequence sends many mails in a row). Timeouts stay
 * well inside the `mail.send` job's visibility timeout, so a hung server fails the attempt and
 * pg-boss retries it rather than handing the same job to a second worker while the first waits.
 */
export function createSmtpTransport(url: string, log: Logger): MailTransport {
  const transport = loadNodemailer().createTransport({
    url,
    pool: true,
    maxConnections: 2,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 20_000,
  });
  return {
    async send(mail) {
      const info = await transport.sendMail({
        messageId: mail.messageId,
        from: mail.from,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        ...(mail.html ? { html: mail.html } : {}),
        headers: mail.headers,
      });
      log.debug({ mailId: mail.id, response: info.response }, 'mail accepted by SMTP server');
    },
    async close() {
      transport.close();
    },
  };
}
