/**
 * The e2e server's dev mailbox, read from its data directory (no SMTP in the browser tier): the
 * mails the app sends, and the links in them as a person would click them.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { expect } from '@playwright/test';

interface StoredMail {
  to: string;
  subject: string;
  text: string;
}

function mailboxDir(): string {
  const dir = process.env.MUSTER_E2E_DATA_DIR;
  if (!dir) throw new Error('MUSTER_E2E_DATA_DIR is unset: run the specs with `npx playwright test`');
  return path.join(dir, 'mailbox');
}

async function mailsTo(address: string): Promise<StoredMail[]> {
  const names = await fs.readdir(mailboxDir()).catch(() => [] as string[]);
  const mails: StoredMail[] = [];
  // File names are UUIDv7 ids: sorted, they are in sending order.
  for (const name of names.filter((n) => n.endsWith('.json')).sort()) {
    const mail = JSON.parse(await fs.readFile(path.join(mailboxDir(), name), 'utf8')) as StoredMail;
    if (mail.to.toLowerCase() === address.toLowerCase()) mails.push(mail);
  }
  return mails;
}

/**
 * The newest `<page>?token=` link mailed to `address` that is not in `seen`, waiting for the mail
 * job to write it (bounded by the expect timeout).
 */
export async function mailedLink(
  address: string,
  page: 'verify-email' | 'reset-password',
  seen: readonly string[] = [],
): Promise<string> {
  const pattern = new RegExp(`https?://[^\\s"<>]+/${page}\\?token=[A-Za-z0-9._~%-]+`, 'g');
  let link = '';
  await expect
    .poll(
      async () => {
        const links = (await mailsTo(address)).flatMap((mail) => mail.text.match(pattern) ?? []);
        link = links.filter((l) => !seen.includes(l)).at(-1) ?? '';
        return link;
      },
      { message: `a ${page} link mailed to ${address}` },
    )
    .not.toBe('');
  return link;
}
