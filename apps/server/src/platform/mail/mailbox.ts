import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { isUuid } from '@muster/protocol';
import type { MailTransport, OutgoingMail } from './mailer.ts';

/** What the mailbox list shows of one mail. */
export interface MailboxEntry {
  id: string;
  to: string;
  subject: string;
  sentAt: string;
}

/** One mail as it was "sent": the body parts and every header. */
export interface StoredMail extends MailboxEntry {
  messageId: string;
  from: string;
  text: string;
  html: string | null;
  headers: Record<string, string>;
}

export interface MailboxPage {
  items: MailboxEntry[];
  nextCursor: string | null;
}

export interface DevMailbox extends MailTransport {
  dir: string;
  /** Newest first; `cursor` is the id of the last mail of the previous page. */
  list(options: { limit: number; cursor?: string | undefined }): Promise<MailboxPage>;
  read(id: string): Promise<StoredMail | undefined>;
}

/** The mailbox keeps this many mails; older ones are deleted as new ones arrive. */
export const MAILBOX_KEEP = 2000;

/**
 * Mail ids are lower-case UUIDv7s: sorting file names sorts by enqueue time, and nothing else can
 * name a file (one spelling per mail, so no two files for one id).
 */
export const isMailId = (id: string) => isUuid(id) && id === id.toLowerCase();

/**
 * Mail written to disk instead of sent: one JSON file per mail, named by its id and written
 * atomically (temporary file, then rename), so a reader never sees half a mail and a re-send of
 * the same mail replaces the file rather than adding a second one.
 */
export function createDevMailbox(dir: string, keep = MAILBOX_KEEP): DevMailbox {
  const fileOf = (id: string) => path.join(dir, `${id}.json`);

  async function ids(): Promise<string[]> {
    try {
      const names = await fs.readdir(dir);
      return names
        .flatMap((name) => (name.endsWith('.json') ? [name.slice(0, -'.json'.length)] : []))
        .filter(isMailId)
        .sort();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
  }

  async function read(id: string): Promise<StoredMail | undefined> {
    if (!isMailId(id)) return undefined;
    try {
      return JSON.parse(await fs.readFile(fileOf(id), 'utf8')) as StoredMail;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  async function prune() {
    const all = await ids();
    for (const id of all.slice(0, Math.max(0, all.length - keep))) await fs.rm(fileOf(id), { force: true });
  }

  return {
    dir,
    async send(mail: OutgoingMail) {
      if (!isMailId(mail.id)) throw new Error(`mail id ${JSON.stringify(mail.id)} is not a UUID`);
      const stored: StoredMail = {
        id: mail.id,
        messageId: mail.messageId,
        from: mail.from,
        to: mail.to,
        subject: mail.subject,
        sentAt: new Date().toISOString(),
        text: mail.text,
        html: mail.html ?? null,
        headers: {
          From: mail.from,
          To: mail.to,
          Subject: mail.subject,
          'Message-ID': mail.messageId,
          ...mail.headers,
        },
      };
      // Mail holds sign-in and reset links: owner only, whatever the process umask.
      await fs.mkdir(dir, { recursive: true, mode: 0o700 });
      const partial = path.join(dir, `.${mail.id}.${randomBytes(6).toString('hex')}.tmp`);
      await fs.writeFile(partial, JSON.stringify(stored, null, 2), { mode: 0o600 });
      await fs.rename(partial, fileOf(mail.id));
      await prune();
    },
    async list({ limit, cursor }) {
      const newestFirst = (await ids()).reverse();
      const after = cursor ? newestFirst.filter((id) => id < cursor) : newestFirst;
      const page = after.slice(0, limit);
      const items: MailboxEntry[] = [];
      for (const id of page) {
        const mail = await read(id);
        // Pruned between listing and reading: simply absent from this page.
        if (mail) items.push({ id: mail.id, to: mail.to, subject: mail.subject, sentAt: mail.sentAt });
      }
      return { items, nextCursor: after.length > limit ? (page.at(-1) ?? null) : null };
    },
    read,
    async close() {},
  };
}
