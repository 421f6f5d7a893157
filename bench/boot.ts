/**
 * `boot`: what a person waits for after typing `npm start` — npm, Node 24, the build checks, the
 * server bundle, the database and every module — from the moment the command starts until
 * `/readyz` answers 200, with the steps the server reports (`npm start -- --timings`).
 *
 * Five first starts, each on a new data directory (creates the database, seeds the demo), then five
 * warm starts on a directory an earlier start left (QUALITY.md: ≤ 3 s). The web build and the server
 * bundle are brought up to date before the first run and not counted: a changed source rebuilds
 * once, and the start says so. Runs are a second apart, so one start's exit does not slow the next.
 */
import fs from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseBootSteps } from '../apps/server/src/platform/boot-timings.ts';
import { spawnServerProcess } from '../apps/server/test/server-process.ts';
import { ensureServerBuilt } from '../scripts/server-build.ts';
import { ensureWebBuilt } from '../scripts/web-build.ts';
import { printTable, verdict, writeResult } from './lib/results.ts';
import { makeTempDir } from './lib/server.ts';
import { median, ms } from './lib/stats.ts';

const RUNS = 5;
const TARGET_WARM_MS = 3000;
const TARGET_FIRST_MS = 15_000;

interface Step {
  step: string;
  ms: number;
  note: string;
}

interface Run {
  /** From spawning `npm start` to the first `/readyz` 200. */
  readyMs: number;
  /** The server's own account of its start (from its process's start), `--timings`. */
  steps: Step[];
  /** SIGTERM to exit. */
  stopMs: number;
}

async function startOnce(dataDir: string): Promise<Run> {
  const started = performance.now();
  const server = await spawnServerProcess({
    command: { file: 'npm', args: ['start', '--', '--timings'], group: true },
    env: (url) => ({ MUSTER_DATA_DIR: dataDir, PUBLIC_URL: url }),
    outputLimit: 20_000,
  });
  try {
    await server.ready(60_000, 20);
  } catch (error) {
    await server.stop(5000);
    throw error;
  }
  const readyMs = performance.now() - started;
  // The table is printed just before "Muster is running": wait for it, the port may open first.
  for (let i = 0; i < 50 && !/Muster is running/.test(server.stdout()); i++) await sleep(20);
  const steps = parseBootSteps(server.stdout());
  const stopStarted = performance.now();
  await server.stop(20_000);
  const stopMs = performance.now() - stopStarted;
  await sleep(1000);
  return { readyMs, steps, stopMs };
}

/** Median milliseconds of each step over the runs, in the order the steps ran. */
function stepMedians(runs: Run[]): Map<string, { ms: number; notes: Set<string> }> {
  const byStep = new Map<string, { all: number[]; notes: Set<string> }>();
  for (const run of runs)
    for (const { step, ms: took, note } of run.steps) {
      const entry = byStep.get(step) ?? { all: [], notes: new Set<string>() };
      entry.all.push(took);
      if (note) entry.notes.add(note);
      byStep.set(step, entry);
    }
  return new Map([...byStep].map(([step, { all, notes }]) => [step, { ms: median(all), notes }]));
}

export async function main(_args: string[]): Promise<number> {
  await ensureWebBuilt();
  await ensureServerBuilt();
  const dirs: string[] = [];
  const newDir = () => {
    const dir = makeTempDir('boot');
    dirs.push(dir);
    return dir;
  };
  try {
    const first: Run[] = [];
    for (let i = 0; i < RUNS; i++) first.push(await startOnce(newDir()));
    const warmDir = newDir();
    await startOnce(warmDir);
    const warm: Run[] = [];
    for (let i = 0; i < RUNS; i++) warm.push(await startOnce(warmDir));

    const firstMedian = median(first.map((r) => r.readyMs));
    const warmMedian = median(warm.map((r) => r.readyMs));
    const firstOk = firstMedian <= TARGET_FIRST_MS;
    const warmOk = warmMedian <= TARGET_WARM_MS;

    const firstSteps = stepMedians(first);
    const warmSteps = stepMedians(warm);
    const steps = [...new Set([...firstSteps.keys(), ...warmSteps.keys()])];
    const cell = (entry: { ms: number; notes: Set<string> } | undefined) =>
      entry ? `${ms(entry.ms)}${entry.notes.size ? ` (${[...entry.notes].join('; ')})` : ''}` : '—';
    console.log(`Steps, median of ${RUNS} (from the server's process start; npm's own start-up before it):`);
    printTable(
      steps.map((step) => ({ step, first: cell(firstSteps.get(step)), warm: cell(warmSteps.get(step)) })),
    );
    console.log();
    const spread = (runs: Run[]) => runs.map((r) => ms(r.readyMs)).join(', ');
    printTable([
      {
        start: `first (new data directory, seeds the demo), median of ${RUNS}`,
        ready: ms(firstMedian),
        target: '≤ 15 s',
        result: verdict(firstOk),
      },
      {
        start: `warm (existing data directory), median of ${RUNS}`,
        ready: ms(warmMedian),
        target: '≤ 3 s',
        result: verdict(warmOk),
      },
    ]);
    console.log(`first: ${spread(first)}`);
    console.log(`warm:  ${spread(warm)}`);
    console.log(
      `SIGTERM to exit: first median ${ms(median(first.map((r) => r.stopMs)))}, warm median ${ms(median(warm.map((r) => r.stopMs)))}`,
    );

    writeResult('boot', {
      command: 'npm start -- --timings',
      targets: { firstMs: TARGET_FIRST_MS, warmMs: TARGET_WARM_MS },
      first,
      warm,
      firstMedianMs: firstMedian,
      warmMedianMs: warmMedian,
      pass: firstOk && warmOk,
    });
    return firstOk && warmOk ? 0 : 1;
  } finally {
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  }
}
