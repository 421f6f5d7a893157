/**
 * Reads a V8 `.cpuprofile` (written by `node --cpu-prof` when the server exits) and says where the
 * server's main thread spent its time inside a window: self time grouped by package or source
 * folder, and the top functions. V8 stamps samples with base::TimeTicks, CLOCK_MONOTONIC in µs on
 * Linux, the same clock as bench/lib/clock.ts, so a benchmark phase's window applies directly.
 */
import fs from 'node:fs';
import path from 'node:path';
import { printTable } from './results.ts';
import { ms } from './stats.ts';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface CpuBreakdown {
  windowMs: number;
  sampledMs: number;
  byArea: { area: string; ms: number; percent: number }[];
  topFunctions: { fn: string; ms: number; percent: number }[];
}

const root = path.resolve(import.meta.dirname, '../..');

/** `node_modules/<pkg>` (scoped too), `apps/server/src/<folder>`, `node:<internal>`, or the V8 pseudo-frame. */
function areaOf(frame: ProfileNode['callFrame']): string {
  const url = frame.url;
  if (!url) return `(${frame.functionName || 'native'})`;
  if (url.startsWith('node:')) return 'node internals';
  const file = url.replace(/^file:\/\//, '');
  const nm = file.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const rest = file.slice(nm + 14).split('/');
    return rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1]}` : (rest[0] ?? file);
  }
  const rel = path.relative(root, file);
  const parts = rel.split(path.sep);
  if (parts[0] === 'apps' && parts[2] === 'src')
    return parts.slice(0, Math.min(parts.length - 1, 5)).join('/');
  return parts.slice(0, 3).join('/');
}

export function analyseProfile(file: string, fromMs?: number, toMs?: number): CpuBreakdown {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const from = fromMs !== undefined ? fromMs * 1000 : profile.startTime;
  const to = toMs !== undefined ? toMs * 1000 : profile.endTime;
  const selfUs = new Map<number, number>();
  let t = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    const delta = profile.timeDeltas[i] ?? 0;
    t += delta;
    if (t < from || t > to) continue;
    const id = profile.samples[i]!;
    // Each sample stands for the interval up to the next one.
    const next = profile.timeDeltas[i + 1] ?? delta;
    selfUs.set(id, (selfUs.get(id) ?? 0) + next);
  }
  const areas = new Map<string, number>();
  const functions = new Map<string, number>();
  let total = 0;
  for (const [id, us] of selfUs) {
    const node = byId.get(id);
    if (!node) continue;
    total += us;
    const area = areaOf(node.callFrame);
    areas.set(area, (areas.get(area) ?? 0) + us);
    const where = node.callFrame.url
      ? `${path.basename(node.callFrame.url)}:${node.callFrame.lineNumber + 1}`
      : '';
    const fn = `${node.callFrame.functionName || '(anonymous)'} ${where}`.trim();
    functions.set(fn, (functions.get(fn) ?? 0) + us);
  }
  const top = (map: Map<string, number>, n: number) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([name, us]) => ({ name, ms: us / 1000, percent: total ? (us / total) * 100 : 0 }));
  return {
    windowMs: (to - from) / 1000,
    sampledMs: total / 1000,
    byArea: top(areas, 12).map(({ name, ms, percent }) => ({ area: name, ms, percent })),
    topFunctions: top(functions, 12).map(({ name, ms, percent }) => ({ fn: name, ms, percent })),
  };
}

/** The newest `.cpuprofile` in `dir`. */
export function newestProfile(dir: string): string | undefined {
  const files = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.cpuprofile'))
    .map((f) => path.join(dir, f));
  return files.sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs)[0];
}

/** Prints a window's self time by area and its top functions under `title`. */
export function printBreakdown(title: string, cpu: CpuBreakdown): void {
  console.log(`\n${title} (${(cpu.windowMs / 1000).toFixed(1)} s window, self time):`);
  printTable(cpu.byArea.map((a) => ({ area: a.area, time: ms(a.ms), share: `${a.percent.toFixed(1)} %` })));
  printTable(
    cpu.topFunctions.map((f) => ({ function: f.fn, time: ms(f.ms), share: `${f.percent.toFixed(1)} %` })),
  );
}

/** Copies a profile into bench/results/ as `<name>.cpuprofile.json` and removes its directory; returns the copy. */
export function keepProfile(file: string, name: string): string {
  const resultsDir = path.resolve(import.meta.dirname, '../results');
  fs.mkdirSync(resultsDir, { recursive: true });
  const keep = path.join(resultsDir, `${name}.cpuprofile.json`);
  fs.copyFileSync(file, keep);
  fs.rmSync(path.dirname(file), { recursive: true, force: true });
  console.log(`profile kept: ${path.relative(process.cwd(), keep)} (open in Chrome DevTools → Performance)`);
  return keep;
}
