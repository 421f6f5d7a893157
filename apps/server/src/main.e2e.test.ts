import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnMuster } from '../test/processes.ts';

/** `npm start` as a user runs it: a real process on a real port with an embedded database. */
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'muster-e2e-'));
afterAll(() => {
  fs.rmSync(dataDir, { recursive: true, force: true });
});

/** `muster serve` with the default seeding (a demo on an empty data directory). */
const start = () => spawnMuster('serve', { MUSTER_DATA_DIR: dataDir, MUSTER_SEED: 'auto' });

describe('muster serve', () => {
  it('seeds a demo on first run, prints the logins, lists the demo event, and drains on SIGTERM', async () => {
    const run = await start();
    await run.ready(60_000);
    expect(run.output()).toMatch(/Demo event seeded/);
    const login = /organiser\s+(\S+@demo\.muster\.dev)\s+(\S+)/.exec(run.output());
    expect(login).not.toBeNull();
    const events = (await (await fetch(`${run.url}/api/v1/events`)).json()) as {
      items: { title: string }[];
    };
    expect(events.items.map((e: { title: string }) => e.title)).toContain('MusterConf');
    const signIn = await fetch(`${run.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: login![1], password: login![2] }),
    });
    expect(signIn.status).toBe(200);

    // A second process on the same data directory refuses clearly instead of corrupting it.
    const second = await start();
    expect(await second.exited).toBe(1);
    expect(second.output()).toMatch(/in use by another Muster process/);

    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
    expect(fs.existsSync(path.join(dataDir, 'muster.lock'))).toBe(false);
    // As long as the readiness wait above allows, and the drain after it: the first run migrates
    // and seeds (seven people with photos, a program, a channel, a form) before it is ready.
  }, 120_000);

  it('restarts on the existing data directory without seeding again', async () => {
    const run = await start();
    await run.ready(30_000);
    expect(run.output()).not.toMatch(/Demo event seeded/);
    const events = (await (await fetch(`${run.url}/api/v1/events`)).json()) as {
      items: { title: string }[];
    };
    expect(events.items.filter((e: { title: string }) => e.title === 'MusterConf')).toHaveLength(1);
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
  }, 60_000);
});
