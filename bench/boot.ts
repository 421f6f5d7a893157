/**
 * `boot`: `npm start` (the same command, on a temporary data directory and a free port) until
 * `/readyz` answers 200. Once on an empty directory (creates the database and seeds the demo), then
 * five times on the directory it left, which is what an operator waits for after a restart.
 */
import fs from 'node:fs';
import { printTable, verdict, writeResult } from './lib/results.ts';
import { makeTempDir, startServer } from './lib/server.ts';
import { median, ms } from './lib/stats.ts';

const RESTARTS = 5;
const TARGET_RESTART_MS = 3000;
const TARGET_FIRST_MS = 15_000;

export async function main(_args: string[]): Promise<number> {
  const dataDir = makeTempDir('boot');
  try {
    const first = await startServer({ dataDir });
    const firstStop = await first.stop();
    const restarts: { bootMs: number; stopMs: number }[] = [];
    for (let i = 0; i < RESTARTS; i++) {
      const server = await startServer({ dataDir });
      restarts.push({ bootMs: server.bootMs, stopMs: await server.stop() });
    }

    const boots = restarts.map((r) => r.bootMs);
    const restartMedian = median(boots);
    const restartMax = Math.max(...boots);
    const firstOk = first.bootMs <= TARGET_FIRST_MS;
    // Every restart must meet the target, not just the typical one: the slow one is the one you wait for.
    const restartOk = restartMax <= TARGET_RESTART_MS;

    printTable([
      {
        run: 'first (empty dir, seeds demo)',
        ready: ms(first.bootMs),
        target: '≤ 15 s',
        result: verdict(firstOk),
      },
      { run: `restart median (${RESTARTS})`, ready: ms(restartMedian), target: '', result: '' },
      {
        run: `restart max (${RESTARTS})`,
        ready: ms(restartMax),
        target: '≤ 3 s',
        result: verdict(restartOk),
      },
    ]);
    console.log(`restarts: ${boots.map((b) => ms(b)).join(', ')}`);
    console.log(
      `SIGTERM to exit: first ${ms(firstStop)}, restarts median ${ms(median(restarts.map((r) => r.stopMs)))}`,
    );

    writeResult('boot', {
      targets: { firstMs: TARGET_FIRST_MS, restartMs: TARGET_RESTART_MS },
      first: { bootMs: first.bootMs, stopMs: firstStop },
      restarts,
      restartMedianMs: restartMedian,
      restartMaxMs: restartMax,
      pass: firstOk && restartOk,
    });
    return firstOk && restartOk ? 0 : 1;
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
