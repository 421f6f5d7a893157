/**
 * What the web build and the server bundle share: a SHA-256 over the files a build is made of,
 * kept beside the output, so a start rebuilds only when a source changed; and an atomic swap, so a
 * process already using the old output (or a second build at the same moment) never sees half of
 * the new one.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export const repoRoot = path.resolve(import.meta.dirname, '../..');
const HASH_FILE = '.source-hash';
/** Tests and test helpers change no byte of a build. */
const IGNORED = /\.(test|spec)\.tsx?$/;

function listFiles(entry: string): string[] {
  const full = path.join(repoRoot, entry);
  if (!fs.existsSync(full)) return [];
  if (!fs.statSync(full).isDirectory()) return [entry];
  return fs
    .readdirSync(full, { recursive: true, withFileTypes: true })
    .filter((dirent) => dirent.isFile() && !IGNORED.test(dirent.name))
    .map((dirent) => path.relative(repoRoot, path.join(dirent.parentPath, dirent.name)));
}

/** SHA-256 over `salt` and the sorted paths and contents of every file under `sources`. */
export function sourceHash(sources: string[], salt = ''): string {
  const hash = createHash('sha256');
  hash.update(salt);
  hash.update('\0');
  for (const file of sources.flatMap(listFiles).sort()) {
    hash.update(file);
    hash.update('\0');
    hash.update(fs.readFileSync(path.join(repoRoot, file)));
    hash.update('\0');
  }
  return hash.digest('hex');
}

/** The hash the output in `dir` was built from, if any. */
export function builtHash(dir: string): string | undefined {
  try {
    return fs.readFileSync(path.join(dir, HASH_FILE), 'utf8').trim();
  } catch {
    return undefined;
  }
}

/**
 * Builds into a fresh directory beside `dir` (`build(staging)`), records `hash` in it and swaps it
 * in: rename the old one away, rename the new one in.
 */
export async function buildAndSwap(
  dir: string,
  hash: string,
  build: (staging: string) => Promise<void>,
): Promise<void> {
  const staging = path.join(path.dirname(dir), `.${path.basename(dir)}-${process.pid}-${Date.now()}`);
  try {
    await build(staging);
    fs.writeFileSync(path.join(staging, HASH_FILE), `${hash}\n`);
    const old = `${dir}.old-${process.pid}-${Date.now()}`;
    if (fs.existsSync(dir)) fs.renameSync(dir, old);
    try {
      fs.renameSync(staging, dir);
    } catch (error) {
      // Another build swapped its own in first: theirs is as good as ours.
      if (!fs.existsSync(dir)) throw error;
    }
    fs.rmSync(old, { recursive: true, force: true });
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}
