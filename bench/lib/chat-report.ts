/**
 * The `chat` benchmark's report: one row per phase next to the floor at the same rate, the checks at
 * the target rate, where the server's CPU went (with `--cpu-prof`), and the JSON in bench/results/.
 */
import { type Phase, TARGET_P99_MS } from './chat-phase.ts';
import { analyseProfile, keepProfile, newestProfile, printBreakdown } from './cpuprofile.ts';
import { printTable, type Row, verdict, writeResult } from './results.ts';
import { ms } from './stats.ts';
import type { BenchDb } from './target-server.ts';

export interface ChatParams {
  m: number;
  k: number;
  rate: number;
  durationMs: number;
  procs: number;
  db: BenchDb;
  bodyBytes: number;
  limitNote: string;
}

/** Where the server's main thread spent each Muster phase (self time by area, top functions). */
function printProfiles(phases: Phase[]) {
  for (const phase of phases)
    if (phase.cpu) printBreakdown(`server CPU profile, Muster @ ${phase.rate} msg/s`, phase.cpu);
}

/**
 * Reads the profile the stopped server wrote into `profileDir`, attaches each Muster phase's share
 * of it, keeps the file in bench/results/ and prints the breakdown.
 */
export function attachProfiles(phases: Phase[], profileDir: string, runId: string): void {
  const file = newestProfile(profileDir);
  if (!file) {
    console.log(`no CPU profile was written in ${profileDir}`);
    return;
  }
  for (const phase of phases)
    if (phase.mode === 'muster') phase.cpu = analyseProfile(file, phase.window.fromMs, phase.window.toMs);
  printProfiles(phases);
  keepProfile(file, `chat-server-${runId}`);
}

function phaseRows(phases: Phase[]): Row[] {
  const floorAt = (rate: number) => phases.find((p) => p.mode === 'socketio' && p.rate === rate);
  return phases.map((p) => {
    const floor = floorAt(p.rate);
    return {
      system: p.mode === 'muster' ? 'Muster' : 'bare Socket.IO',
      'msg/s': p.rate,
      sent: `${p.result.sent}/${p.result.offered}`,
      'acked/s': Math.round(p.throughput),
      'delivery p50': ms(p.delivery.p50),
      p99: ms(p.delivery.p99),
      max: ms(p.delivery.max),
      'p99 / floor':
        p.mode === 'muster' && floor ? `${(p.delivery.p99 / floor.delivery.p99).toFixed(2)} ×` : '',
      'ack p50/p99': `${p.ack.p50.toFixed(1)}/${p.ack.p99.toFixed(1)} ms`,
      delivered: `${p.result.delivered}/${p.result.expectedDeliveries}`,
      lost: p.result.lost,
      dup: p.result.duplicates,
      persisted: p.persisted ? (p.persisted.ok ? `${p.persisted.logMessages} ok` : 'FAIL') : '—',
      'server CPU': `${p.server.cpuPercent.toFixed(0)} %`,
      'CPU/msg': `${p.server.cpuMsPerMessage.toFixed(2)} ms`,
      'loop delay p99': ms(p.server.eventLoopDelayP99Ms),
      'load ELU': p.loadElu.join('/'),
      result: p.mode === 'muster' ? verdict(p.pass) : p.pass ? 'ok' : 'misses',
    };
  });
}

function targetRows(target: Phase, floor: Phase | undefined, rate: number): Row[] {
  const persisted = target.persisted;
  return [
    {
      check: `at ${rate} msg/s: delivery p99`,
      got: ms(target.delivery.p99),
      want: `≤ ${TARGET_P99_MS} ms`,
      result: verdict(target.delivery.p99 <= TARGET_P99_MS),
    },
    {
      check: `at ${rate} msg/s: deliveries lost / sends unacked`,
      got: `${target.result.lost} / ${target.result.sent - target.result.acked}`,
      want: '0 / 0',
      result: verdict(target.result.lost === 0 && target.result.acked === target.result.sent),
    },
    {
      check: `at ${rate} msg/s: pushes received twice (clients drop them by seq)`,
      got: target.result.duplicates,
      want: '',
      result: '',
    },
    {
      check: `at ${rate} msg/s: every acked message in the log once, no gap`,
      got: persisted
        ? JSON.stringify({
            missing: persisted.missing,
            dup: persisted.duplicated,
            gaps: persisted.gaps,
            wrongSeq: persisted.wrongSeq,
          })
        : 'n/a',
      want: 'all 0',
      result: verdict(persisted?.ok ?? false),
    },
    {
      check: 'p99 Muster / p99 floor (same rate)',
      got: floor ? `${(target.delivery.p99 / floor.delivery.p99).toFixed(2)} ×` : 'n/a',
      want: '',
      result: '',
    },
  ];
}

/** Prints the tables, writes the result file; answers the exit code (0 when the target rate passes). */
export function report(phases: Phase[], target: Phase, best: Phase | undefined, params: ChatParams): number {
  console.log(
    `\nchat: ${params.m} clients in ${params.k} channels (${params.m / params.k} members each), ` +
      `${params.durationMs / 1000} s per phase, database ${params.db}, ${params.procs} load process(es)`,
  );
  printTable(phaseRows(phases));
  console.log('');
  const floor = phases.find((p) => p.mode === 'socketio' && p.rate === target.rate);
  printTable(targetRows(target, floor, params.rate));
  if (!target.pass) {
    console.log(`\nat ${params.rate} msg/s Muster misses the target: ${target.why.join('; ')}`);
    console.log(
      best
        ? `highest rate tried that meets it: ${best.rate} msg/s (p99 ${ms(best.delivery.p99)}, ${best.result.lost} lost)`
        : 'no rate tried meets it',
    );
  }
  console.log(`note: ${params.limitNote}`);
  writeResult('chat', {
    params,
    targets: { p99Ms: TARGET_P99_MS, lost: 0 },
    method:
      'latency = CLOCK_MONOTONIC at each member’s change handler − CLOCK_MONOTONIC at the sender’s emit; open-loop schedule; log read back per channel',
    phases,
    pass: target.pass,
    highestPassingRate: best?.rate ?? null,
  });
  return target.pass ? 0 : 1;
}
