import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../test/processes.ts';

/** `npm start` as a user runs it: a real process on a real port with an embedded database. */
const mainFile = path.join(import.meta.dirname, 'main.ts');
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'muster-e2e-'));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
  fs.rmSync(dataDir, { recursive: true, force: true });
});

function start(port: number) {
  const child = spawn(process.execPath, [mainFile, 'serve'], {
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      MUSTER_DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      DATABASE_URL: '',
      REDIS_URL: '',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  child.stdout?.on('data', (d) => (output += d));
  child.stderr?.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, exited, output: () => output };
}

async function waitReady(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ok = await fetch(`http://127.0.0.1:${port}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`not ready within ${timeoutMs} ms`);
}

describe('muster serve', () => {
  it('seeds a demo on first run, prints the logins, lists the demo event, and drains on SIGTERM', async () => {
    const port = await freePort();
    const run = start(port);
    await waitReady(port, 60_000);
    expect(run.output()).toMatch(/Demo event seeded/);
    const login = /organiser\s+(\S+@demo\.muster\.dev)\s+(\S+)/.exec(run.output());
    expect(login).not.toBeNull();
    const events = (await (await fetch(`http://127.0.0.1:${port}/api/v1/events`)).json()) as {
      items: { title: string }[];
    };
    expect(events.items.map((e: { title: string }) => e.title)).toContain('MusterConf');
    const signIn = await fetch(`http://127.0.0.1:${port}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: login![1], password: login![2] }),
    });
    expect(signIn.status).toBe(200);

    // A second process on the same data directory refuses clearly instead of corrupting it.
    const second = start(await freePort());
    expect(await second.exited).toBe(1);
    expect(second.output()).toMatch(/in use by another Muster process/);

    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
    expect(fs.existsSync(path.join(dataDir, 'muster.lock'))).toBe(false);
    // As long as the readiness wait above allows, and the drain after it: the first run migrates
    // and seeds (seven people with photos, a program, a channel, a form) before it is ready.
  }, 120_000);

  it('restarts on the existing data directory without seeding again', async () => {
    const port = await freePort();
    const run = start(port);
    await waitReady(port, 30_000);
    expect(run.output()).not.toMatch(/Demo event seeded/);
    const events = (await (await fetch(`http://127.0.0.1:${port}/api/v1/events`)).json()) as {
      items: { title: string }[];
    };
    expect(events.items.filter((e: { title: string }) => e.title === 'MusterConf')).toHaveLength(1);
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
  }, 60_000);
});
