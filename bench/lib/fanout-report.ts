/**
 * The `fanout` benchmark's report: the median of each percentile per system, Muster's checks
 * (everything delivered once, p50 against the `ws` floor, p99) and the JSON in bench/results/.
 */
import type { FanoutMode } from './fanout-load.ts';
import type { SystemResult } from './fanout-rounds.ts';
import { printTable, type Row, verdict, writeResult } from './results.ts';
import { ms } from './stats.ts';
import type { BenchDb } from './target-server.ts';

const TARGET_P99_MS = 250;
const TARGET_P50_RATIO = 1.3;
const LABEL: Record<FanoutMode, string> = {
  muster: 'Muster (PATCH session → change)',
  socketio: 'bare Socket.IO io.emit',
  ws: 'ws floor (one frame to all)',
  mqtt: 'Mosquitto QoS 0',
};

export interface FanoutParams {
  n: number;
  users: number;
  reps: number;
  procs: number;
  db: BenchDb;
  limitNote: string;
}

function systemRows(results: SystemResult[], n: number, ws: SystemResult | undefined): Row[] {
  return results.map((r) => ({
    system: LABEL[r.mode],
    delivered: `${r.deliveredMin}/${n}`,
    p50: ms(r.median.p50),
    p95: ms(r.median.p95),
    p99: ms(r.median.p99),
    max: ms(r.median.max),
    'p50 / ws': ws ? `${(r.median.p50 / ws.median.p50).toFixed(2)} ×` : '',
    'trigger answered': r.mode === 'mqtt' ? '' : ms(r.median.answeredMs),
    connect: `${(r.connectMs / 1000).toFixed(1)} s`,
  }));
}

/** Muster's checks: every client got every round's change once, p50 near the `ws` floor, p99. */
function musterChecks(muster: SystemResult | undefined, ws: SystemResult | undefined, n: number) {
  const ratio = muster && ws ? muster.median.p50 / ws.median.p50 : Number.NaN;
  const checks = {
    delivered: muster ? muster.deliveredMin === n && muster.duplicates === 0 : false,
    p50VsFloor: Number.isFinite(ratio) && ratio <= TARGET_P50_RATIO,
    p99: muster ? muster.median.p99 <= TARGET_P99_MS : false,
  };
  const rows: Row[] = [
    {
      check: 'Muster delivered (worst round), no duplicates',
      got: muster ? `${muster.deliveredMin}/${n}, ${muster.duplicates} dup` : 'not run',
      want: `${n}/${n}, 0 dup`,
      result: verdict(checks.delivered),
    },
    {
      check: 'p50(Muster) / p50(ws floor)',
      got: Number.isFinite(ratio) ? `${ratio.toFixed(2)} ×` : 'n/a',
      want: `≤ ${TARGET_P50_RATIO} ×`,
      result: verdict(checks.p50VsFloor),
    },
    {
      check: 'p99(Muster)',
      got: muster ? ms(muster.median.p99) : 'n/a',
      want: `≤ ${TARGET_P99_MS} ms`,
      result: verdict(checks.p99),
    },
  ];
  return { ratio, checks, rows };
}

/** Prints the tables, writes the result file; answers the exit code (0 when every check passes). */
export function report(results: SystemResult[], params: FanoutParams): number {
  const { n } = params;
  const by = (mode: FanoutMode) => results.find((r) => r.mode === mode);
  const ws = by('ws');
  const { ratio, checks, rows } = musterChecks(by('muster'), ws, n);
  console.log(
    `\nfanout: N = ${n} clients (${params.users} users), ${params.reps} rounds + 1 warm-up, ` +
      `${params.procs} load process(es), database ${params.db}; median over rounds`,
  );
  printTable(systemRows(results, n, ws));
  console.log('');
  printTable(rows);
  const pass = Object.values(checks).every(Boolean);
  console.log(`note: ${params.limitNote}`);
  writeResult('fanout', {
    params,
    targets: { p99Ms: TARGET_P99_MS, p50RatioToWs: TARGET_P50_RATIO, delivered: '100 %' },
    method:
      'latency = CLOCK_MONOTONIC at the client handler − CLOCK_MONOTONIC just before the trigger is written; median over rounds of each percentile',
    results,
    ratioP50ToWs: ratio,
    checks,
    pass,
  });
  return pass ? 0 : 1;
}
