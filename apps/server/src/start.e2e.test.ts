import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot, spawnServerProcess } from '../test/server-process.ts';
import { parseBootSteps } from './platform/boot-timings.ts';

/**
 * `npm start`'s own command (scripts/start.mjs: build checks, the server bundle, `serve`) twice on
 * one data directory. The first start may build; the second must do none of the first's work —
 * no web build, no bundle, no migration, no seed — and both print what a person needs and no log
 * line or warning (with the log at `warn`, as on a terminal).
 */
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'muster-start-'));
afterAll(() => {
  fs.rmSync(dataDir, { recursive: true, force: true });
});

async function start() {
  const server = await spawnServerProcess({
    command: { file: process.execPath, args: [path.join(repoRoot, 'scripts/start.mjs'), '--timings'] },
    env: (url) => ({ MUSTER_DATA_DIR: dataDir, PUBLIC_URL: url, MUSTER_SEED: 'auto' }),
    outputLimit: 20_000,
  });
  await server.ready(90_000);
  // The timings are printed with "Muster is running", which can follow the port opening by a tick.
  for (let i = 0; i < 100 && !/Muster is running/.test(server.stdout()); i++)
    await new Promise((resolve) => setTimeout(resolve, 20));
  const steps = new Map(parseBootSteps(server.stdout()).map((s) => [s.step, s.note]));
  return { server, steps };
}

describe('npm start', () => {
  it('does the first-run work once: a warm start builds, migrates and seeds nothing', async () => {
    const first = await start();
    expect(first.steps.get('migrations')).toMatch(/^\d+ applied$/);
    expect(first.steps.get('first-run check')).toBe('demo seeded');
    expect(first.server.stdout()).toMatch(/Creating the database in .+ \(first start\)/);
    const login = /organiser\s+(\S+@demo\.muster\.dev)\s+(\S+)/.exec(first.server.stdout());
    expect(login).not.toBeNull();
    expect(first.server.stdout()).toMatch(
      /Muster is running at http:\/\/127\.0\.0\.1:\d+ — Ctrl\+C stops it/,
    );
    expect(first.server.stdout()).not.toMatch(/"level"/);
    expect(first.server.stderr()).toBe('');
    await first.server.stop();
    expect(await first.server.exited).toBe(0);

    const warm = await start();
    expect(warm.steps.get('check the web app and server builds')).toBe('web up to date, server up to date');
    expect(warm.steps.get('migrations')).toBe('none to apply');
    expect(warm.steps.get('first-run check')).toBe('existing database');
    expect(warm.server.stdout()).not.toMatch(
      /Building the web app|Creating the database|Demo event seeded|"level"/,
    );
    expect(warm.server.stderr()).toBe('');
    // The demo the first start seeded is there, and its organiser signs in.
    const signIn = await fetch(`${warm.server.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: login![1], password: login![2] }),
    });
    expect(signIn.status).toBe(200);
    await warm.server.stop();
    expect(await warm.server.exited).toBe(0);
  }, 240_000);
});
