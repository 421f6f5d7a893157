import type { StoredMail } from '../src/platform/mail/index.ts';
import type { TestServer } from './harness.ts';

/**
 * Waits until the server's dev mailbox holds a mail that matches (the `mail.send` job runs in
 * the background). Bounded by the test's timeout, not by a timing assumption.
 */
export async function waitForDevMail(
  server: TestServer,
  match: (mail: StoredMail) => boolean,
): Promise<StoredMail> {
  const mailbox = server.platform.mail.mailbox;
  if (!mailbox) throw new Error('this server sends over SMTP; it has no dev mailbox');
  for (;;) {
    const { items } = await mailbox.list({ limit: 200 });
    for (const item of items) {
      const mail = await mailbox.read(item.id);
      if (mail && match(mail)) return mail;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Every mail in the dev mailbox, newest first. */
export async function devMails(server: TestServer): Promise<StoredMail[]> {
  const mailbox = server.platform.mail.mailbox;
  if (!mailbox) return [];
  const { items } = await mailbox.list({ limit: 200 });
  const mails = await Promise.all(items.map((item) => mailbox.read(item.id)));
  return mails.filter((mail): mail is StoredMail => mail !== undefined);
}

/** The token of the first `<PUBLIC_URL>/<page>?token=…` link in a mail's text. */
export function tokenFrom(text: string, page: 'verify-email' | 'reset-password'): string {
  const match = new RegExp(`https?://[^\\s/]+/${page}\\?token=([A-Za-z0-9._~%-]+)`).exec(text);
  if (!match?.[1]) throw new Error(`no ${page} link in:\n${text}`);
  return decodeURIComponent(match[1]);
}
