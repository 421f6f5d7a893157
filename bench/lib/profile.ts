/**
 * What a server spent during a load phase, read around the phase: CPU seconds of the process and
 * its event-loop delay (Muster: its own Prometheus `/metrics`, whose event-loop histogram restarts
 * at every scrape; the floors: the same figures over IPC), plus PostgreSQL's CPU when it is used.
 */
import fs from 'node:fs';
import { BENCH_METRICS_TOKEN } from './server.ts';

export interface Profile {
  cpuSeconds: number;
  eventLoopDelayP99Ms: number;
  eventLoopDelayMaxMs: number;
}

function metric(text: string, name: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line ? Number(line.slice(name.length + 1)) : Number.NaN;
}

/** Call once before a phase (starts the window) and once after it (closes the window). */
export async function scrapeMuster(base: string): Promise<Profile> {
  const headers = { authorization: `Bearer ${BENCH_METRICS_TOKEN}` };
  const text = await (await fetch(`${base}/metrics`, { headers })).text();
  return {
    cpuSeconds: metric(text, 'process_cpu_seconds_total'),
    eventLoopDelayP99Ms: metric(text, 'nodejs_eventloop_lag_p99_seconds') * 1000,
    eventLoopDelayMaxMs: metric(text, 'nodejs_eventloop_lag_max_seconds') * 1000,
  };
}

/** CPU seconds used so far by every process named `postgres` (the server and its backends). */
export function postgresCpuSeconds(): number {
  const ticks = 100; // USER_HZ on Linux
  let total = 0;
  for (const pid of fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      if (stat.slice(stat.indexOf('(') + 1, close) !== 'postgres') continue;
      const fields = stat.slice(close + 2).split(' ');
      total += (Number(fields[11]) + Number(fields[12])) / ticks;
    } catch {
      // the process ended meanwhile
    }
  }
  return total;
}
