import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DataDirLockedError, lockDataDir } from './lock.ts';

const made: string[] = [];
const tempDir = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'muster-lock-'));
  made.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of made) fs.rmSync(dir, { recursive: true, force: true });
});

describe('data directory lock', () => {
  it('refuses a second owner while the first holds the lock, and frees it on release', async () => {
    const dir = tempDir();
    const child = spawn(process.execPath, [
      '-e',
      `require('fs').writeFileSync(${JSON.stringify(path.join(dir, 'muster.lock'))}, String(process.pid)); setTimeout(() => {}, 10000)`,
    ]);
    // Wait for the child to write its lock (a fixed sleep is too short on a loaded machine).
    const lock = path.join(dir, 'muster.lock');
    while (!fs.existsSync(lock) || fs.readFileSync(lock, 'utf8') !== String(child.pid))
      await new Promise((r) => setTimeout(r, 20));
    expect(() => lockDataDir(dir)).toThrow(DataDirLockedError);
    expect(() => lockDataDir(dir)).toThrow(/in use by another Muster process/);
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    // The owner died without cleaning up (kill -9): its lock is stale and is taken over.
    const release = lockDataDir(dir);
    expect(fs.readFileSync(path.join(dir, 'muster.lock'), 'utf8')).toBe(String(process.pid));
    release();
    expect(fs.existsSync(path.join(dir, 'muster.lock'))).toBe(false);
  });

  it('creates missing parent directories', () => {
    const dir = path.join(tempDir(), 'a', 'b', 'c');
    const release = lockDataDir(dir);
    expect(fs.existsSync(path.join(dir, 'muster.lock'))).toBe(true);
    release();
  });
});
