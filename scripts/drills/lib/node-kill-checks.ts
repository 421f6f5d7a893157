/**
 * The `node-kill` drill's checks, comparing every client's view and every ack with the server's
 * log after the drain: nothing acknowledged is lost or stored twice, every client shows each
 * channel's log exactly, in seq order, and every client resumed (reconnected if it was cut off,
 * holding every message created before the kill) within the limit.
 */
import type { ChatClient } from './chat-client.ts';
import type { LogMessage } from './drill-api.ts';
import { transportsOf } from './node-kill-setup.ts';

export interface Check {
  check: string;
  got: string;
  want: string;
  ok: boolean;
}

/** The moment of the kill, and what each client had by then. */
export interface Kill {
  /** clock.ts time. */
  at: number;
  /** Wall-clock time, to compare with the log's `createdAt`. */
  atWall: number;
  cursors: Map<ChatClient, number>;
}

/** The server log: gaps in each channel's seqs, and messages stored twice. */
function logFigures(logs: Map<string, LogMessage[]>) {
  let gaps = 0;
  let storedTwice = 0;
  for (const log of logs.values()) {
    log.forEach((m, i) => {
      if (m.seq !== i + 1) gaps++;
    });
    storedTwice += log.length - new Set(log.map((m) => m.clientMsgId)).size;
  }
  const totalLog = [...logs.values()].reduce((a, l) => a + l.length, 0);
  return { gaps, storedTwice, totalLog };
}

/** Every ack against the log; causality: a message first sent after another was acked comes after it. */
function ackFigures(clients: ChatClient[], logs: Map<string, LogMessage[]>) {
  let ackedTotal = 0;
  let dedupedRetries = 0;
  let ackedLost = 0;
  let ackMismatch = 0;
  let causal = 0;
  for (const client of clients) {
    const bySeq = new Map(logs.get(client.options.channelId)!.map((m) => [m.seq, m]));
    const acked = [...client.acked.values()];
    ackedTotal += acked.length;
    for (const a of acked) {
      const stored = bySeq.get(a.seq);
      if (!stored) ackedLost++;
      else if (stored.id !== a.id || stored.clientMsgId !== a.clientMsgId) ackMismatch++;
      // A retry answered with the message an earlier attempt committed: idempotency at work.
      else if (a.attempts > 1 && Date.parse(stored.createdAt) < a.lastAttemptWall) dedupedRetries++;
    }
    const bySend = acked.sort((x, y) => x.firstSentAt - y.firstSentAt);
    for (let j = 1; j < bySend.length; j++)
      for (let i = 0; i < j; i++)
        if (bySend[i]!.ackedAt < bySend[j]!.firstSentAt && bySend[i]!.seq > bySend[j]!.seq) causal++;
  }
  const neverAcked = clients.reduce((a, c) => a + c.outbox.size, 0);
  return { ackedTotal, dedupedRetries, ackedLost, ackMismatch, causal, neverAcked };
}

/** What each client shows against its channel's log. */
function viewFigures(clients: ChatClient[], logs: Map<string, LogMessage[]>) {
  let notShown = 0;
  let shownTwice = 0;
  let outOfOrder = 0;
  let clientsDiffering = 0;
  for (const client of clients) {
    const log = logs.get(client.options.channelId)!;
    const ids = client.shown.map((m) => m.id);
    const unique = new Set(ids);
    const uniqueClientIds = new Set(client.shown.map((m) => m.clientMsgId));
    shownTwice += ids.length - unique.size + (client.shown.length - uniqueClientIds.size);
    for (let i = 1; i < client.shown.length; i++)
      if (client.shown[i]!.seq <= client.shown[i - 1]!.seq) outOfOrder++;
    for (const m of log) if (!unique.has(m.id)) notShown++;
    if (!(ids.length === log.length && log.every((m, i) => ids[i] === m.id))) clientsDiffering++;
  }
  return { notShown, shownTwice, outOfOrder, clientsDiffering };
}

/** Why a client did not resume in time: its transports, cursor, events and trace after the kill. */
function describeResume(
  client: ChatClient,
  kill: Kill,
  target: number,
  caughtUp: number | undefined,
): string {
  const since = (t: number) => `${((t - kill.at) / 1000).toFixed(2)} s`;
  const afterKill = client.connections.filter((e) => e.at >= kill.at);
  const events =
    afterKill.map((e) => `${e.type}${e.detail ? `(${e.detail})` : ''} +${since(e.at)}`).join(', ') ||
    'no events';
  const trace = client.trace
    .filter(([t]) => t >= kill.at - 1000)
    .map(([t, what]) => `${since(t)} ${what}`)
    .join('; ');
  return (
    `client ${client.options.index} (${transportsOf(client.options.index).join('+')}, now ${client.transport}): ` +
    `cursor ${kill.cursors.get(client)} at kill → ${client.cursor}, target ${target}, caught up ` +
    `${caughtUp === undefined ? 'never' : `+${since(caughtUp)}`}; after the kill: ${events}` +
    `; syncs ${client.syncCalls} (${client.syncFailures} failed); errors ${JSON.stringify(client.errors)}\n    trace: ${trace}`
  );
}

/** Resume: connected again (if the kill cut it off) and caught up to the heads at the kill. */
function resumeFigures(clients: ChatClient[], kill: Kill, headsAtKill: Map<string, number>, limitMs: number) {
  const resumeMs: number[] = [];
  const slow: string[] = [];
  let moved = 0;
  const movedByTransport: Record<string, number> = {};
  for (const client of clients) {
    const afterKill = client.connections.filter((e) => e.at >= kill.at);
    const cutOff = afterKill.some((e) => e.type === 'disconnect');
    if (cutOff) {
      moved++;
      const key = transportsOf(client.options.index).join('+');
      movedByTransport[key] = (movedByTransport[key] ?? 0) + 1;
    }
    const lastConnect = afterKill.filter((e) => e.type === 'connect').at(-1)?.at;
    const target = headsAtKill.get(client.options.channelId) ?? 0;
    const caughtUp = (kill.cursors.get(client) ?? 0) >= target ? kill.at : client.reachedAt(target);
    const resumed =
      caughtUp !== undefined &&
      client.connections.at(-1)?.type === 'connect' &&
      !(cutOff && lastConnect === undefined);
    const ms = resumed ? Math.max(caughtUp, cutOff ? (lastConnect as number) : kill.at) - kill.at : undefined;
    if (ms !== undefined) resumeMs.push(ms);
    if (ms === undefined || ms > limitMs) slow.push(describeResume(client, kill, target, caughtUp));
  }
  return { resumeMs, notResumed: slow.length, slow, moved, movedByTransport };
}

/** For each channel, the highest seq created before the kill: what "caught up" means. */
function headsAtKillOf(logs: Map<string, LogMessage[]>, killedAtWall: number): Map<string, number> {
  const heads = new Map<string, number>();
  for (const [id, log] of logs)
    heads.set(
      id,
      Math.max(0, ...log.filter((m) => Date.parse(m.createdAt) <= killedAtWall).map((m) => m.seq)),
    );
  return heads;
}

export function runChecks(
  clients: ChatClient[],
  logs: Map<string, LogMessage[]>,
  kill: Kill,
  resumeLimitMs: number,
) {
  const log = logFigures(logs);
  const acks = ackFigures(clients, logs);
  const views = viewFigures(clients, logs);
  const resume = resumeFigures(clients, kill, headsAtKillOf(logs, kill.atWall), resumeLimitMs);
  const fatal = clients.flatMap((c) => c.fatal);
  const n = clients.length;
  const checks: Check[] = [];
  const add = (check: string, got: string | number, want: string | number, ok: boolean) =>
    checks.push({ check, got: String(got), want: String(want), ok });
  const zero = (check: string, got: number) => add(check, got, 0, got === 0);
  zero('acknowledged messages lost (ack not in the log)', acks.ackedLost);
  zero('acks that disagree with the log (id/seq)', acks.ackMismatch);
  zero('messages never acknowledged after the drain', acks.neverAcked);
  zero('messages stored twice (same clientMsgId)', log.storedTwice);
  zero('server log gaps (seq ≠ 1..n)', log.gaps);
  zero('log messages missing at a member client', views.notShown);
  zero('messages shown twice at a client', views.shownTwice);
  zero('clients shown out of seq order', views.outOfOrder);
  zero('clients whose view ≠ the server log', views.clientsDiffering);
  zero('causal order violations (sent after an ack, lower seq)', acks.causal);
  add(
    `clients resumed within ${resumeLimitMs / 1000} s of the kill`,
    `${n - resume.notResumed}/${n} (max ${(Math.max(0, ...resume.resumeMs) / 1000).toFixed(2)} s)`,
    `${n}/${n}`,
    resume.notResumed === 0,
  );
  const cutOff = `${resume.moved} ${JSON.stringify(resume.movedByTransport)}`;
  add('clients the kill cut off (drill is meaningful)', cutOff, '> 0', resume.moved > 0);
  zero('fatal client errors (refused send, sync reset)', fatal.length);
  return { checks, log, acks, resume, fatal };
}
