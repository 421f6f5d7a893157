import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnMuster } from '../../test/processes.ts';

/**
 * The embedded data directory as a real `muster serve` leaves it: who may read it, what a damaged
 * one does at boot, and which generated secrets it accepts.
 */
const made: string[] = [];
afterAll(() => {
  for (const dir of made) fs.rmSync(dir, { recursive: true, force: true });
});
const tempDir = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'muster-datadir-'));
  made.push(dir);
  return dir;
};

const embedded = (dataDir: string) => ({ MUSTER_DATA_DIR: dataDir, DATABASE_URL: '', REDIS_URL: '' });

/** Starts a server as a user with `umask 000` would: every file it creates would be 0666 by default. */
async function spawnWithOpenUmask(dataDir: string) {
  const previous = process.umask(0);
  try {
    return await spawnMuster('serve', embedded(dataDir));
  } finally {
    process.umask(previous);
  }
}

/** Every path under `dir` (itself included) that a group or other user may read, write or enter. */
function openToOthers(dir: string): string[] {
  const found: string[] = [];
  const visit = (p: string) => {
    const stat = fs.lstatSync(p);
    if (stat.isSymbolicLink()) return;
    if (stat.mode & 0o077) found.push(`${path.relative(dir, p) || '.'} ${(stat.mode & 0o777).toString(8)}`);
    if (stat.isDirectory()) for (const name of fs.readdirSync(p)) visit(path.join(p, name));
  };
  visit(dir);
  return found;
}

/** How a boot ends: with a ready server (killed at once) or with the process's exit code. */
async function bootOutcome(run: Awaited<ReturnType<typeof spawnMuster>>): Promise<'ready' | number | null> {
  const ready = run.ready(180_000).then(
    () => 'ready' as const,
    () => new Promise<never>(() => {}),
  );
  const outcome = await Promise.race([ready, run.exited]);
  if (outcome === 'ready') await stop(run);
  return outcome;
}

async function stop(run: Awaited<ReturnType<typeof spawnMuster>>) {
  run.child.kill('SIGTERM');
  expect(await run.exited).toBe(0);
}

describe('embedded data directory', { timeout: 400_000 }, () => {
  it('is readable by its owner only (directory 0700, files 0600, PGlite files and the mailbox included), even under umask 000', async () => {
    const dataDir = path.join(tempDir(), 'data');
    const run = await spawnWithOpenUmask(dataDir);
    await run.ready(180_000);
    // A mail in the dev mailbox: registration sends a verification mail.
    const res = await fetch(`${run.url}/api/v1/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'owner@example.com', password: 'correct horse battery', name: 'Owner' }),
    });
    expect(res.status).toBe(201);
    const mailbox = path.join(dataDir, 'mailbox');
    for (let i = 0; i < 100 && !(fs.existsSync(mailbox) && fs.readdirSync(mailbox).length); i++)
      await new Promise((r) => setTimeout(r, 100));
    expect(fs.readdirSync(mailbox).length).toBeGreaterThan(0);
    await stop(run);
    expect(fs.existsSync(path.join(dataDir, 'pgdata', 'PG_VERSION'))).toBe(true);
    expect(openToOthers(dataDir)).toEqual([]);
  });

  it('closes a data directory that others can read at boot, and says so', async () => {
    const dataDir = path.join(tempDir(), 'data');
    const first = await spawnMuster('serve', embedded(dataDir));
    await first.ready(180_000);
    await stop(first);
    // As an older Muster (or a copy with `cp -r` under a lax umask) left it.
    fs.chmodSync(dataDir, 0o755);
    fs.chmodSync(path.join(dataDir, 'pgdata'), 0o777);
    fs.chmodSync(path.join(dataDir, 'pgdata', 'PG_VERSION'), 0o666);
    fs.chmodSync(path.join(dataDir, 'jwt-secret'), 0o644);
    const second = await spawnMuster('serve', { ...embedded(dataDir), LOG_LEVEL: 'info' });
    await second.ready(180_000);
    await stop(second);
    expect(openToOthers(dataDir)).toEqual([]);
    expect(second.output()).toMatch(/readable by other users/);
  });

  it('refuses a database directory that holds data but cannot be opened (PG_VERSION deleted), and leaves it as it was', async () => {
    const dataDir = path.join(tempDir(), 'data');
    const first = await spawnMuster('serve', embedded(dataDir));
    await first.ready(180_000);
    await fetch(`${first.url}/api/v1/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'kept@example.com', password: 'correct horse battery', name: 'Kept' }),
    });
    await stop(first);
    const pgdata = path.join(dataDir, 'pgdata');
    fs.rmSync(path.join(pgdata, 'PG_VERSION'));
    const before = fs.readdirSync(pgdata).sort();

    const second = await spawnMuster('serve', embedded(dataDir));
    expect(await bootOutcome(second)).toBe(1);
    expect(second.output()).toMatch(/cannot be opened/);
    expect(second.output()).toContain(pgdata);
    expect(second.output()).not.toMatch(/\n\s+at /); // a message for a person, not a stack trace
    expect(fs.existsSync(path.join(pgdata, 'PG_VERSION'))).toBe(false);
    expect(fs.readdirSync(pgdata).sort()).toEqual(before);
  });

  it.each([
    ['empty', ''],
    ['1 character', 'x'],
    ['whitespace', ' \n'],
  ])('refuses to start with a %s jwt-secret file, naming the file and the fix', async (_, content) => {
    const dataDir = tempDir();
    fs.writeFileSync(path.join(dataDir, 'jwt-secret'), content, { mode: 0o600 });
    const run = await spawnMuster('serve', embedded(dataDir));
    expect(await bootOutcome(run)).toBe(1);
    expect(run.output()).toContain(path.join(dataDir, 'jwt-secret'));
    expect(run.output()).toMatch(/too short/);
    expect(run.output()).not.toMatch(/\n\s+at /);
    // Nothing was replaced: the operator decides.
    expect(fs.readFileSync(path.join(dataDir, 'jwt-secret'), 'utf8')).toBe(content);
  });
});
