import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { DataDirError } from '../data-dir.ts';

export class DataDirLockedError extends DataDirError {}

/** Take-overs of take-overs (each needs a crash mid-take-over) before giving up. */
const MAX_DEPTH = 8;

/**
 * PGlite will happily let two processes open one data directory and corrupt it, so embedded mode
 * takes an exclusive lock file holding the owner's pid. A lock whose pid is no longer alive was
 * left by a crash (kill -9) and is taken over, so a restart never needs manual cleanup.
 *
 * The take-over is atomic: several processes finding the same stale lock race for one marker file
 * named after the dead pid (exclusive create), and only the marker's owner replaces the lock (by
 * rename, after checking it still names the dead pid). A marker left by a process that died while
 * taking over is itself a stale lock and is taken over the same way.
 */
export function lockDataDir(dir: string): () => void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = path.join(dir, 'muster.lock');
  for (let attempt = 0; attempt < 50; attempt++) {
    const outcome = claim(file, 0);
    if (outcome === 'mine') {
      return () => {
        try {
          if (readPid(file) === process.pid) fs.unlinkSync(file);
        } catch {}
      };
    }
    if (typeof outcome === 'number') {
      throw new DataDirLockedError(
        `The data directory ${dir} is in use by another Muster process (pid ${outcome}). ` +
          'Stop it, or set MUSTER_DATA_DIR to another directory.',
      );
    }
    // 'retry': another process is taking a stale lock over right now; its outcome decides.
    sleep(10);
  }
  throw new DataDirLockedError(`Could not lock the data directory ${dir}`);
}

/**
 * Makes `file` name this process. Answers 'mine', the pid of a live owner, or 'retry' when the file
 * changed under us or a live process is taking it over.
 */
function claim(file: string, depth: number): 'mine' | 'retry' | number {
  if (createExclusive(file)) return 'mine';
  const owner = readPid(file);
  if (owner === undefined) return 'retry'; // released meanwhile
  if (owner !== 0 && owner !== process.pid && isAlive(owner)) return owner;
  if (depth >= MAX_DEPTH) return 'retry';
  // Stale: only the process that creates this marker may replace the lock that names `owner`.
  const marker = `${file}.takeover-${owner}`;
  const won = claim(marker, depth + 1);
  if (won !== 'mine') return 'retry';
  try {
    // Under the marker nobody else can replace a lock naming `owner`, so check-then-rename is safe.
    if (readPid(file) !== owner) return 'retry';
    replace(file);
    return 'mine';
  } finally {
    // A late contender that claims the marker after this finds the lock no longer names `owner`.
    fs.rmSync(marker, { force: true });
  }
}

/** Exclusive create whose content is complete the moment it appears (written first, then linked). */
function createExclusive(file: string): boolean {
  const temporary = writeTemporary(file);
  try {
    fs.linkSync(temporary, file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    fs.rmSync(temporary, { force: true });
  }
}

/** Atomically replaces `file` with one naming this process. */
function replace(file: string) {
  fs.renameSync(writeTemporary(file), file);
}

function writeTemporary(file: string): string {
  const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  fs.writeFileSync(temporary, String(process.pid), { flag: 'wx', mode: 0o600 });
  return temporary;
}

/** The pid a lock file names; 0 when it names none (written by a crash of an older version); undefined when absent. */
function readPid(file: string): number | undefined {
  try {
    const pid = Number(fs.readFileSync(file, 'utf8'));
    return Number.isInteger(pid) && pid > 0 ? pid : 0;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function sleep(ms: number) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
