/**
 * The benchmarks' own tools (Lighthouse, a browser driver, an MQTT client: bench/package.json) are
 * not part of the project's `npm ci` — they were a quarter of node_modules and no user or test
 * needs them. `npm run bench` and `npm run typecheck` (which checks the benchmarks' code) install
 * them into bench/node_modules from bench/package-lock.json the first time, and again only when
 * that lock changes.
 *
 * `node scripts/bench-tools.ts` installs them from the command line.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

const benchDir = path.resolve(import.meta.dirname, '../bench');
const lockFile = path.join(benchDir, 'package-lock.json');
const installedMark = path.join(benchDir, 'node_modules/.muster-lock-sha256');

function lockHash(): string {
  return createHash('sha256').update(fs.readFileSync(lockFile)).digest('hex');
}

/** Installs when bench/node_modules is missing or was installed from another lock; throws if npm fails. */
export function ensureBenchTools(): void {
  const wanted = lockHash();
  if (fs.existsSync(installedMark) && fs.readFileSync(installedMark, 'utf8').trim() === wanted) return;
  console.log('Installing the benchmark tools (bench/package.json)…');
  // npm sets npm_execpath for scripts it runs; from a shell, the npm on the PATH.
  const npmCli = process.env.npm_execpath;
  const [command, args] = npmCli?.endsWith('.js') ? [process.execPath, [npmCli]] : ['npm', [] as string[]];
  const result = spawnSync(command, [...args, 'ci', '--prefix', benchDir], { stdio: 'inherit' });
  if (result.status !== 0)
    throw new Error(`npm ci --prefix bench failed (${result.status ?? result.signal})`);
  fs.writeFileSync(installedMark, `${wanted}\n`);
}

if (import.meta.main) ensureBenchTools();
