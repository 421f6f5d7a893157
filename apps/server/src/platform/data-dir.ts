import fs from 'node:fs';
import path from 'node:path';
import { isMainThread } from 'node:worker_threads';
import type { Logger } from 'pino';

/** A problem with the data directory that its operator must solve; printed without a stack. */
export class DataDirError extends Error {}

/**
 * What Muster keeps in its data directory. Only these are checked and tightened: the directory may
 * have been pointed at a place that also holds the operator's own files.
 */
const OWN_ENTRIES = ['pgdata', 'mailbox', 'jwt-secret', 'muster.lock'];

/**
 * The embedded data directory holds password hashes, e-mail addresses, the JWT secret and mail with
 * sign-in links: only its owner may read it.
 *
 * - New files are created private: the umask is set to 077 for the process (PostgreSQL inside
 *   PGlite creates its files 0600 anyway; anything else written there follows the umask).
 * - At boot the directory and everything Muster keeps in it lose group and other permissions, and a
 *   warning names what was open (an older Muster, or a copy made under a lax umask, left it so).
 *   Where that is impossible (another user owns the files) boot stops with the command to fix it.
 */
export function securePrivateDir(dir: string, log: Pick<Logger, 'warn'>): void {
  if (process.platform === 'win32') return;
  // Workers cannot change the umask; the server's main thread always can.
  if (isMainThread) process.umask(0o077);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const opened = makePrivate(dir);
  if (opened.length)
    log.warn(
      { dataDir: dir, count: opened.length, first: opened.slice(0, 5) },
      `${opened.length} entries of the data directory were readable by other users; they are now private to their owner`,
    );
}

/**
 * Takes group and other permissions from the directory and what Muster keeps in it; answers what
 * was open. Also run after PGlite opens: it unpacks a new database from a template whose files are
 * 0666, with explicit chmods the umask does not limit.
 */
export function makePrivate(dir: string): string[] {
  if (process.platform === 'win32') return [];
  const opened: string[] = [];
  const close = (p: string, stat: fs.Stats) => {
    if (!(stat.mode & 0o077)) return;
    opened.push(`${p} (${(stat.mode & 0o777).toString(8).padStart(4, '0')})`);
    try {
      fs.chmodSync(p, stat.mode & 0o700);
    } catch (error) {
      throw new DataDirError(
        `${p} in the data directory is readable by other users and could not be made private ` +
          `(${(error as NodeJS.ErrnoException).code}). It holds password hashes and e-mail addresses: ` +
          `as its owner, run \`chmod -R go-rwx ${dir}\` and start again.`,
      );
    }
  };
  const visit = (p: string) => {
    let stat: fs.Stats;
    try {
      stat = fs.lstatSync(p);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    if (stat.isSymbolicLink()) return;
    close(p, stat);
    if (stat.isDirectory()) for (const name of fs.readdirSync(p)) visit(path.join(p, name));
  };
  close(dir, fs.statSync(dir));
  for (const name of OWN_ENTRIES) visit(path.join(dir, name));
  return opened;
}
