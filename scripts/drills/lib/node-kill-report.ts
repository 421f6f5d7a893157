/**
 * What the `node-kill` drill prints: the run in figures, the checks, the clients that failed one,
 * and on failure the nodes' and nginx's logs (kept under .tmp/ for CI and people to read).
 */
import fs from 'node:fs';
import path from 'node:path';
import { printTable } from '../../../bench/lib/results.ts';
import { percentile } from '../../../bench/lib/stats.ts';
import type { ChatClient } from './chat-client.ts';
import type { runChecks } from './node-kill-checks.ts';
import { readTail } from './processes.ts';

type Outcome = ReturnType<typeof runChecks>;

const sum = (clients: ChatClient[], pick: (c: ChatClient) => number) =>
  clients.reduce((a, c) => a + pick(c), 0);
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const sortedPercentile = (values: number[], p: number) =>
  percentile(
    [...values].sort((a, b) => a - b),
    p,
  );

export function printReport(
  clients: ChatClient[],
  channelCount: number,
  outcome: Outcome,
  killedAt: number,
): void {
  const { acks, resume } = outcome;
  const errors: Record<string, number> = {};
  for (const c of clients)
    for (const [code, n] of Object.entries(c.errors)) errors[code] = (errors[code] ?? 0) + n;
  console.log('');
  console.log(
    `node-kill: ${clients.length} clients (${channelCount} channels), ${acks.ackedTotal + acks.neverAcked} messages sent, ${acks.ackedTotal} acked, ` +
      `${sum(clients, (c) => c.resends)} resends (${acks.dedupedRetries} answered with an earlier attempt's commit), ${outcome.log.totalLog} in the log; ` +
      `${sum(clients, (c) => c.syncCalls)} sync calls (${sum(clients, (c) => c.syncFailures)} failed)`,
  );
  console.log(
    `resume after the kill: p50 ${seconds(sortedPercentile(resume.resumeMs, 50))}, p99 ${seconds(sortedPercentile(resume.resumeMs, 99))}, ` +
      `max ${seconds(Math.max(0, ...resume.resumeMs))}; client-side retries: ${JSON.stringify(errors)}`,
  );
  printTable(
    outcome.checks.map((c) => ({ check: c.check, got: c.got, want: c.want, result: c.ok ? 'PASS' : 'FAIL' })),
  );
  for (const line of outcome.fatal.slice(0, 5)) console.log(`fatal: ${line}`);
  for (const line of resume.slow.slice(0, 10)) console.log(`not resumed in time: ${line}`);
  const ackMs = clients.flatMap((c) => [...c.acked.values()].map((a) => a.ackedAt - a.firstSentAt));
  console.log(
    `send → ack (first send to ack, resends included): p50 ${sortedPercentile(ackMs, 50).toFixed(0)} ms, ` +
      `p99 ${sortedPercentile(ackMs, 99).toFixed(0)} ms, max ${Math.max(...ackMs).toFixed(0)} ms`,
  );
  const timedOut = clients.find((c) => c.errors['send:timeout']);
  if (process.env.DRILL_TRACE && timedOut)
    console.log(
      `trace of client ${timedOut.options.index}: ${timedOut.trace.map(([t, what]) => `${seconds(t - killedAt)} ${what}`).join('; ')}`,
    );
}

/** The tails of the logs a failed run leaves in `dir` (node B's too when the drill itself broke). */
export function failureTails(dir: string, withNodeB: boolean): string {
  const tail = (file: string, bytes: number) => readTail(path.join(dir, file), bytes);
  return (
    `node-a log tail:\n${tail('node-a.log', 3000)}\n` +
    (withNodeB ? `node-b log tail:\n${tail('node-b.log', 3000)}\n` : '') +
    `nginx error log tail:\n${tail('error.log', 2000)}`
  );
}

/** Prints a failed run's log tails and copies the logs to `.tmp/drill-node-kill-<ms>/`. */
export function keepFailureLogs(dir: string, tails: string): void {
  console.log(tails);
  const keep = path.resolve(import.meta.dirname, '../../../.tmp', `drill-node-kill-${Date.now()}`);
  fs.mkdirSync(keep, { recursive: true });
  for (const file of ['node-a.log', 'node-b.log', 'error.log', 'nginx.conf'])
    if (fs.existsSync(path.join(dir, file))) fs.copyFileSync(path.join(dir, file), path.join(keep, file));
  console.log(`logs kept in ${path.relative(process.cwd(), keep)}`);
}
