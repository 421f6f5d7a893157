/**
 * `burst` (QUALITY.md): N form submissions fired at once from C concurrent connections; time until
 * all are durably accepted, then until all are processed. Muster (the real server process, its
 * lead form, its queue and in-process workers) against two peers in the same run, with the same
 * load process, the same N, C and request bodies (lib/burst-peer.ts): pg-boss `send()` per request
 * with a pg-boss worker, and a naive handler doing the whole processing in the request; plus a
 * floor without a database (what the HTTP stack and the load process reach on this machine).
 * Target for Muster at N = 10,000, C = 1,000: 0 errors, 0 lost, 0 duplicates, accept p99 ≤ 1 s,
 * all processed ≤ 30 s, and at least 3 × the naive path's accepted/s.
 *
 * Each system runs alone on a fresh database (`--db=pglite|postgres`), setup untimed
 * (lib/burst-phase.ts): connections opened first, then the burst, then a poll every 100 ms until
 * everything accepted is processed, then a read-back of every stored submission and lead (Muster:
 * the owner's API; peers: their database) for the lost and duplicate counts.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { buildSubmissions } from './lib/burst-form.ts';
import { type Phase, runPhase } from './lib/burst-phase.ts';
import {
  checksOf,
  perSecond,
  printProfile,
  printReport,
  ratiosOf,
  seconds,
  TARGET,
} from './lib/burst-report.ts';
import { SYSTEM_LABELS, type SystemName } from './lib/burst-targets.ts';
import { forkChild } from './lib/child.ts';
import { analyseProfile, newestProfile } from './lib/cpuprofile.ts';
import { ensureOpenFiles } from './lib/limits.ts';
import { writeResult } from './lib/results.ts';
import { makeTempDir } from './lib/server.ts';
import { ms } from './lib/stats.ts';
import { benchDb } from './lib/target-server.ts';

function parse(args: string[]) {
  const { values } = parseArgs({
    args,
    options: {
      n: { type: 'string', default: '10000' },
      c: { type: 'string', default: '1000' },
      db: { type: 'string', default: 'pglite' },
      systems: { type: 'string', default: 'floor,naive,send,muster' },
      'drain-timeout': { type: 'string', default: '120' },
      /** Profile Muster (node --cpu-prof): where its main thread spent the accept and the drain. */
      'cpu-prof': { type: 'boolean', default: false },
      /** Extra server environment for experiments, e.g. `--muster-env MUSTER_ROLES=api,realtime`. */
      'muster-env': { type: 'string', multiple: true, default: [] },
    },
  });
  const n = Number(values.n);
  const c = Number(values.c);
  const drainTimeoutMs = Number(values['drain-timeout']) * 1000;
  const db = benchDb(values.db ?? '');
  const systems = (values.systems ?? '').split(',') as SystemName[];
  // The form's allowance tops out at 100,000 a minute; more would be refused by design.
  if (!Number.isInteger(n) || n < 1 || n > 100_000) throw new Error('--n must be an integer in 1..100000');
  if (!Number.isInteger(c) || c < 1 || c > 10_000) throw new Error('--c must be an integer in 1..10000');
  if (!systems.length || systems.some((s) => !(s in SYSTEM_LABELS)))
    throw new Error(`--systems takes a list of ${Object.keys(SYSTEM_LABELS).join(', ')}`);
  if (!(drainTimeoutMs > 0)) throw new Error('--drain-timeout must be a positive number of seconds');
  const musterEnv: Record<string, string> = {};
  for (const pair of values['muster-env'] ?? []) {
    const eq = pair.indexOf('=');
    if (eq < 1) throw new Error(`--muster-env takes KEY=VALUE, not ${pair}`);
    musterEnv[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return { n, c, db, systems, drainTimeoutMs, musterEnv, cpuProf: values['cpu-prof'] ?? false };
}

/** Cuts Muster's profile into its accept and drain windows, keeps it in bench/results/, prints both. */
function profileMuster(phase: Phase | undefined, profileDir: string) {
  const file = newestProfile(profileDir);
  if (!phase || !file) return console.log(`no CPU profile was written in ${profileDir}`);
  const { startMs, lastAcceptMs, endMs } = phase.window;
  const accept = analyseProfile(file, startMs, lastAcceptMs);
  const drain = analyseProfile(file, lastAcceptMs, endMs);
  printProfile('Muster, first request → last accept', accept);
  printProfile('Muster, last accept → all processed', drain);
  const keep = path.resolve(import.meta.dirname, `results/burst-server-${Date.now()}.cpuprofile.json`);
  fs.mkdirSync(path.dirname(keep), { recursive: true });
  fs.copyFileSync(file, keep);
  fs.rmSync(profileDir, { recursive: true, force: true });
  console.log(`profile kept: ${path.relative(process.cwd(), keep)} (open in Chrome DevTools → Performance)`);
  return { accept, drain };
}

export async function main(args: string[]): Promise<number> {
  const params = parse(args);
  const { n, c, db, systems, drainTimeoutMs, cpuProf } = params;
  const limitNote = ensureOpenFiles(c + 1024);
  const profileDir = cpuProf ? makeTempDir('burst-cpuprof') : undefined;
  const musterEnv = {
    ...params.musterEnv,
    ...(profileDir ? { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${profileDir}` } : {}),
  };

  const submissions = buildSubmissions(n);
  const ids = submissions.map((s) => s.submissionId);
  const load = forkChild(path.join(import.meta.dirname, 'lib/burst-load.ts'));
  const phases: Phase[] = [];
  try {
    await load.request('payloads', { bodies: submissions.map((s) => JSON.stringify(s)) });
    console.log(`burst: ${n} submissions from ${c} connections, database ${db}; ${limitNote}`);
    for (const system of systems) {
      console.log(`${SYSTEM_LABELS[system]}: setting up, then firing ${n} submissions…`);
      const phase = await runPhase(system, { db, load, ids, connections: c, drainTimeoutMs, musterEnv });
      console.log(
        `  ${perSecond(phase.acceptedPerSecond)} accepted, p99 ${ms(phase.latency.p99)}, all processed ` +
          `${phase.drainMs === null ? 'not in time' : seconds(phase.drainMs)}, load ELU ${phase.loadElu.toFixed(2)}`,
      );
      phases.push(phase);
    }
  } finally {
    load.kill();
  }

  const muster = phases.find((p) => p.system === 'muster');
  const checks = muster
    ? checksOf(
        muster,
        phases.find((p) => p.system === 'naive'),
      )
    : undefined;
  printReport(phases, `burst: N = ${n}, C = ${c}, database ${db}`, checks);
  const profile = profileDir ? profileMuster(muster, profileDir) : undefined;
  writeResult('burst', {
    params: { n, c, db, systems, drainTimeoutMs, musterEnv: params.musterEnv, cpuProf },
    targets: TARGET,
    phases,
    ratios: ratiosOf(phases),
    checks: checks?.result,
    pass: checks?.pass ?? false,
    ...(profile ? { musterCpuProfile: profile } : {}),
    note: limitNote,
  });
  return checks?.pass ? 0 : 1;
}
