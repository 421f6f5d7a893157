/**
 * The `burst` benchmark's report: one row per system, the accepted/s ratios of Muster to each other
 * system, Muster's checks against QUALITY.md, and (with `--cpu-prof`) where Muster's main thread
 * spent the accept and the drain windows.
 */

import type { Phase } from './burst-phase.ts';
import { SYSTEM_LABELS } from './burst-targets.ts';
import type { CpuBreakdown } from './cpuprofile.ts';
import { printTable, type Row, verdict } from './results.ts';
import { ms } from './stats.ts';

export const TARGET = { p99Ms: 1000, drainMs: 30_000, timesNaive: 3 };

export const seconds = (value: number) => `${(value / 1000).toFixed(2)} s`;
export const perSecond = (value: number) => `${Math.round(value).toLocaleString('en-US')}/s`;

const errorText = (p: Phase) =>
  p.errors === 0
    ? '0'
    : Object.entries(p.errorsByStatus)
        .map(([status, count]) => `${count}× ${status}`)
        .join(', ');

const drained = (p: Phase) =>
  p.drainMs === null ? `not in time (${p.final.processed}/${p.final.received})` : seconds(p.drainMs);

function systemRows(phases: Phase[]): Row[] {
  return phases.map((p) => ({
    system: SYSTEM_LABELS[p.system],
    accepted: p.accepted,
    'accepted/s': perSecond(p.acceptedPerSecond),
    'accept p50': ms(p.latency.p50),
    p99: ms(p.latency.p99),
    max: ms(p.latency.max),
    'last accept': seconds(p.lastAcceptMs),
    'all processed': drained(p),
    errors: errorText(p),
    lost: p.lost,
    dup: p.duplicates,
    'leads/e-mails': `${p.leads}/${p.distinctEmails}`,
    'server CPU accept/all': `${p.acceptCpuPercent.toFixed(0)}/${p.serverCpuPercent.toFixed(0)} %`,
    ...(p.postgresCpuSeconds !== undefined ? { 'PG CPU': `${p.postgresCpuSeconds.toFixed(1)} s` } : {}),
    'load ELU': p.loadElu.toFixed(2),
    'load avg': p.loadAverage1m.toFixed(2),
  }));
}

/** Muster's accepted/s over each other system's, keyed `muster/<system>`. */
export function ratiosOf(phases: Phase[]): Record<string, number> {
  const muster = phases.find((p) => p.system === 'muster');
  const ratios: Record<string, number> = {};
  if (!muster) return ratios;
  for (const other of phases.filter((p) => p.system !== 'muster'))
    ratios[`muster/${other.system}`] = muster.acceptedPerSecond / other.acceptedPerSecond;
  return ratios;
}

export function checksOf(muster: Phase, naive: Phase | undefined) {
  const ratio = naive ? muster.acceptedPerSecond / naive.acceptedPerSecond : undefined;
  const result: Record<string, boolean> = {
    errors: muster.errors === 0,
    lost: muster.lost === 0,
    duplicates: muster.duplicates === 0,
    leads: muster.leads === muster.distinctEmails && muster.distinctEmails === muster.accepted,
    p99: muster.latency.p99 <= TARGET.p99Ms,
    drained: muster.drainMs !== null && muster.drainMs <= TARGET.drainMs,
  };
  const rows: Row[] = [
    { check: 'errors', got: errorText(muster), want: '0', result: verdict(result.errors!) },
    { check: 'lost (accepted, not processed)', got: muster.lost, want: 0, result: verdict(result.lost!) },
    {
      check: 'duplicates (rows, leads)',
      got: muster.duplicates,
      want: 0,
      result: verdict(result.duplicates!),
    },
    {
      check: 'leads = distinct e-mails = accepted',
      got: `${muster.leads} / ${muster.distinctEmails} / ${muster.accepted}`,
      want: 'equal',
      result: verdict(result.leads!),
    },
    {
      check: 'accept p99',
      got: ms(muster.latency.p99),
      want: `≤ ${TARGET.p99Ms} ms`,
      result: verdict(result.p99!),
    },
    {
      check: 'all processed after first request',
      got: drained(muster),
      want: `≤ ${seconds(TARGET.drainMs)}`,
      result: verdict(result.drained!),
    },
  ];
  if (ratio !== undefined) {
    result.timesNaive = ratio >= TARGET.timesNaive;
    rows.push({
      check: 'accepted/s vs naive',
      got: `${ratio.toFixed(2)} ×`,
      want: `≥ ${TARGET.timesNaive} ×`,
      result: verdict(result.timesNaive),
    });
  }
  return { result, rows, pass: Object.values(result).every(Boolean) };
}

export function printReport(
  phases: Phase[],
  header: string,
  checks: ReturnType<typeof checksOf> | undefined,
) {
  console.log(`\n${header}`);
  printTable(systemRows(phases));
  const ratios = ratiosOf(phases);
  const ratioText = phases
    .filter((p) => `muster/${p.system}` in ratios)
    .map((p) => `Muster / ${SYSTEM_LABELS[p.system]} ${ratios[`muster/${p.system}`]!.toFixed(2)} ×`);
  if (ratioText.length) console.log(`accepted/s: ${ratioText.join(', ')}`);
  for (const p of phases)
    for (const sample of p.errorSamples.slice(0, 3))
      console.log(`${SYSTEM_LABELS[p.system]} error: ${sample}`);
  if (checks) {
    console.log('\nMuster against QUALITY.md:');
    printTable(checks.rows);
  }
  for (const note of [...new Set(phases.flatMap((p) => p.notes))]) console.log(`note: ${note}`);
  console.log(
    'note: accept latency is per request, from its write on its connection to its answer; ' +
      'accepted/s = accepted / time from the first request to the last accept',
  );
}

/** Where Muster's main thread spent a window (self time), as chat prints it. */
export function printProfile(title: string, cpu: CpuBreakdown) {
  console.log(
    `\nserver CPU profile, ${title} (${seconds(cpu.windowMs)} window, ${seconds(cpu.sampledMs)} sampled):`,
  );
  printTable(cpu.byArea.map((a) => ({ area: a.area, time: ms(a.ms), share: `${a.percent.toFixed(1)} %` })));
  printTable(
    cpu.topFunctions.map((f) => ({ function: f.fn, time: ms(f.ms), share: `${f.percent.toFixed(1)} %` })),
  );
}
