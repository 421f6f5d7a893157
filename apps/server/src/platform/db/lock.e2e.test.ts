import { type ChildProcess, fork } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * Contenders are real processes, each told over IPC to lock the same directory at the same moment;
 * each keeps what it won (as a starting server would), so a second winner is a real double owner.
 */
const CONTENDER = `
const { lockDataDir } = await import(process.env.LOCK_MODULE);
process.on('message', (dir) => {
  let won = false;
  try { lockDataDir(dir); won = true; } catch {}
  process.send({ dir, won });
});
process.send('ready');
`;

const TRIALS = 300;
const CONTENDERS = 3;
/** No process has this pid: Linux pids stay below 2^22. */
const DEAD_PID = 4_194_304 + 7;

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'muster-lock-race-'));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
  fs.rmSync(root, { recursive: true, force: true });
});

function startContender(): Promise<ChildProcess> {
  const script = path.join(root, 'contender.mjs');
  fs.writeFileSync(script, CONTENDER);
  const child = fork(script, [], {
    env: { ...process.env, LOCK_MODULE: path.join(import.meta.dirname, 'lock.ts') },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  children.push(child);
  return new Promise((resolve) => child.once('message', () => resolve(child)));
}

function attempt(child: ChildProcess, dir: string): Promise<boolean> {
  return new Promise((resolve) => {
    const onMessage = (m: { dir: string; won: boolean }) => {
      if (m.dir !== dir) return;
      child.off('message', onMessage);
      resolve(m.won);
    };
    child.on('message', onMessage);
    child.send(dir);
  });
}

describe('data directory lock under contention', () => {
  it(`gives a stale lock to exactly one of ${CONTENDERS} processes taking it over at once (${TRIALS} trials)`, async () => {
    const contenders = await Promise.all(Array.from({ length: CONTENDERS }, startContender));
    const doubleOwners: number[] = [];
    const noOwner: number[] = [];
    for (let trial = 0; trial < TRIALS; trial++) {
      const dir = path.join(root, `d${trial}`);
      fs.mkdirSync(dir);
      // Left by a process killed with -9.
      fs.writeFileSync(path.join(dir, 'muster.lock'), String(DEAD_PID));
      const wins = (await Promise.all(contenders.map((c) => attempt(c, dir)))).filter(Boolean).length;
      if (wins > 1) doubleOwners.push(trial);
      if (wins === 0) noOwner.push(trial);
    }
    expect({ doubleOwners, noOwner }).toEqual({ doubleOwners: [], noOwner: [] });
  }, 120_000);
});
