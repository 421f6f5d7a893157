/** Every benchmark leaves the same two traces: a table on stdout and a JSON file in bench/results/. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const resultsDir = path.resolve(import.meta.dirname, '../results');

/** Writes `bench/results/<name>-<timestamp>.json` with the machine it ran on, says where; returns the path. */
export function writeResult(name: string, data: Record<string, unknown>): string {
  fs.mkdirSync(resultsDir, { recursive: true });
  const at = new Date();
  const file = path.join(resultsDir, `${name}-${at.toISOString().replace(/[:.]/g, '-')}.json`);
  const machine = {
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    // Other work on a 2-core machine moves every figure; keep the load next to the numbers.
    loadAverage1m: os.loadavg()[0] ?? 0,
  };
  fs.writeFileSync(file, `${JSON.stringify({ name, at: at.toISOString(), machine, ...data }, null, 2)}\n`);
  console.log(`load average (1 min): ${machine.loadAverage1m.toFixed(2)} on ${machine.cpus} CPUs`);
  console.log(`written ${path.relative(process.cwd(), file)}`);
  return file;
}

export type Row = Record<string, string | number>;

/** A plain aligned table; the first row's keys are the columns. */
export function printTable(rows: Row[]): void {
  const first = rows[0];
  if (!first) return;
  const columns = Object.keys(first);
  const cells = [columns, ...rows.map((row) => columns.map((c) => String(row[c] ?? '')))];
  const widths = columns.map((_, i) => Math.max(...cells.map((line) => (line[i] ?? '').length)));
  const format = (line: string[]) =>
    line
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  console.log(format(columns));
  console.log(format(widths.map((w) => '-'.repeat(w))));
  for (const line of cells.slice(1)) console.log(format(line));
}

export function verdict(ok: boolean): string {
  return ok ? 'PASS' : 'FAIL';
}
