import type { MailboxMail, MailboxQuery } from '@muster/protocol';
import type { AuthedCtx } from '../../platform/context.ts';
import { AppError, ErrorCode, notFound } from '../../platform/errors.ts';
import type { DevMailbox, MailboxPage } from '../../platform/mail/index.ts';
import { requirePlatformAdmin } from './identity.admin.ts';

/**
 * The dev mailbox exists only while mail is not sent over SMTP. Checked after the admin check, so
 * a non-admin learns nothing about the instance's mail setup.
 */
function devMailbox(ctx: AuthedCtx): DevMailbox {
  const { mailbox } = ctx.platform.mail;
  if (!mailbox)
    throw new AppError(ErrorCode.conflict, 'Mail goes to SMTP (SMTP_URL is set); there is no dev mailbox');
  return mailbox;
}

/** Newest first, for administrators of the instance. */
export async function listMailbox(ctx: AuthedCtx, query: MailboxQuery): Promise<MailboxPage> {
  await requirePlatformAdmin(ctx);
  return devMailbox(ctx).list({ limit: query.limit ?? 50, cursor: query.cursor });
}

export async function readMail(ctx: AuthedCtx, id: string): Promise<MailboxMail> {
  await requirePlatformAdmin(ctx);
  const mail = await devMailbox(ctx).read(id);
  if (!mail) throw notFound('Mail');
  return mail;
}
