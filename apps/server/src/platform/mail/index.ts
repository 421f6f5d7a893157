export {
  enqueueMail,
  MAIL_BULK,
  MAIL_SEND,
  type MailJob,
  type MailKind,
  type MailRequest,
  type MailSender,
} from './enqueue.ts';
export { mailJobs, mailSentKey } from './mail.job.ts';
export type { DevMailbox, MailboxEntry, MailboxPage, StoredMail } from './mailbox.ts';
export { createMailer, type Mailer, type OutgoingMail } from './mailer.ts';
export {
  defineMailTemplate,
  type MailTemplate,
  type MailTemplateSource,
  mailSafeText,
  renderMail,
} from './templates.ts';
