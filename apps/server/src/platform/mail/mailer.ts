import path from 'node:path';
import type { Logger } from 'pino';
import type { Config } from '../../config.ts';
import { createDevMailbox, type DevMailbox } from './mailbox.ts';
import { createSmtpTransport } from './smtp.ts';

/** A mail ready to leave: rendered, addressed, with its stable Message-ID. */
export interface OutgoingMail {
  /** The mail's id (UUIDv7), fixed when it was enqueued; every re-send carries the same one. */
  id: string;
  messageId: string;
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string | undefined;
  /** Extra headers such as `List-Unsubscribe`; names and values were checked when enqueued. */
  headers: Record<string, string>;
}

/** Where mail goes: one of the adapters below, chosen by configuration. */
export interface MailTransport {
  send(mail: OutgoingMail): Promise<void>;
  close(): Promise<void>;
}

/** The mail port on `Platform`: the configured transport plus what the job handler needs. */
export interface Mailer {
  transport: 'smtp' | 'mailbox';
  from: string;
  /** Right-hand side of every Message-ID: the sender's domain. */
  domain: string;
  send(mail: OutgoingMail): Promise<void>;
  /** The dev mailbox on disk; undefined when mail goes to SMTP. */
  mailbox: DevMailbox | undefined;
  close(): Promise<void>;
}

/** `Name <addr@host>` or `addr@host` → `host` (config.ts already checked the shape). */
export function domainOf(from: string): string {
  const address = /<([^>]+)>/.exec(from)?.[1] ?? from;
  return address.slice(address.lastIndexOf('@') + 1).trim() || 'localhost';
}

/**
 * SMTP through nodemailer when `SMTP_URL` is set; otherwise the dev mailbox under the data
 * directory, so a fresh install can still complete a verification or a reset (an administrator
 * reads the mail at `/api/v1/admin/mailbox`).
 */
export function createMailer(config: Config, log: Logger): Mailer {
  const common = { from: config.mailFrom, domain: domainOf(config.mailFrom) };
  if (config.smtpUrl) {
    const smtp = createSmtpTransport(config.smtpUrl, log);
    return { ...common, transport: 'smtp', mailbox: undefined, send: smtp.send, close: smtp.close };
  }
  const mailbox = createDevMailbox(path.join(config.dataDir, 'mailbox'));
  return { ...common, transport: 'mailbox', mailbox, send: mailbox.send, close: mailbox.close };
}
