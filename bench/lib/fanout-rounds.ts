/**
 * The measured part of the `fanout` benchmark: each system (a "contender") connects its N clients
 * over its own load processes, then each round arms them, fires the trigger and collects receive
 * times; the result is the median over the measured rounds of each percentile.
 */
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type Child, forkChild } from './child.ts';
import type { Cleanup } from './cleanup.ts';
import type { Collected, FanoutMode } from './fanout-load.ts';
import type { System } from './fanout-systems.ts';
import { median, ms, type Summary, summarize } from './stats.ts';

const REP_TIMEOUT_MS = 20_000;
const PAUSE_MS = 1000;

export interface Round {
  delivered: number;
  duplicates: number;
  other: number;
  disconnects: number;
  latency: Summary;
  /** Trigger sent → its answer (the PATCH's 200, the floor's 204, MQTT: 0). */
  answeredMs: number;
  loadElu: number[];
}

export interface SystemResult {
  mode: FanoutMode;
  connected: number;
  connectFailed: number;
  connectErrors: string[];
  connectMs: number;
  warmup: Round;
  rounds: Round[];
  median: { p50: number; p95: number; p99: number; max: number; answeredMs: number };
  deliveredMin: number;
  duplicates: number;
  /** One change record as a client received it (Muster): the peers send these bytes. */
  sample?: string;
}

export interface Contender {
  system: System;
  loads: Child[];
  connected: number;
  connectFailed: number;
  connectErrors: string[];
  connectMs: number;
  /** Load processes that hold at least one client (each pushes `all` once per round). */
  active: number;
  rounds: Round[];
  sample?: string;
}

/** Relays the load processes' "every client has marker X" pushes to the round waiting for them. */
export interface AllReceived {
  listener?: (marker: string) => void;
}

/** A contender for `system` with `procs` load processes of its own (killed by `cleanup`). */
export function contenderFor(system: System, procs: number, onAll: AllReceived, cleanup: Cleanup): Contender {
  const loads = Array.from({ length: procs }, () => {
    const load = forkChild(path.join(import.meta.dirname, 'fanout-load.ts'));
    load.onPush('all', (data) => onAll.listener?.((data as { marker: string }).marker));
    cleanup.add(`stop a ${system.mode} load process`, () => load.kill());
    return load;
  });
  return {
    system,
    loads,
    connected: 0,
    connectFailed: 0,
    connectErrors: [],
    connectMs: 0,
    active: 0,
    rounds: [],
  };
}

function splitShares(n: number, parts: number) {
  const base = Math.floor(n / parts);
  return Array.from({ length: parts }, (_, k) => ({
    first: k * base + Math.min(k, n % parts),
    count: base + (k < n % parts ? 1 : 0),
  }));
}

/** Connects this system's N clients, spread over its own load processes. */
export async function connect(contender: Contender, n: number, concurrency: number): Promise<void> {
  const { system, loads } = contender;
  const shares = splitShares(n, loads.length);
  console.log(`${system.mode}: connecting ${n} clients…`);
  const connects = await Promise.all(
    loads.map((load, k) =>
      load.request<{ connected: number; failed: number; errors: string[]; ms: number }>(
        'connect',
        { ...system.job, ...shares[k], concurrency: Math.ceil(concurrency / loads.length) },
        900_000,
      ),
    ),
  );
  contender.connected = connects.reduce((a, c) => a + c.connected, 0);
  contender.connectFailed = connects.reduce((a, c) => a + c.failed, 0);
  contender.connectErrors = connects.flatMap((c) => c.errors);
  contender.connectMs = Math.max(...connects.map((c) => c.ms));
  contender.active = connects.filter((c) => c.connected > 0).length;
  console.log(
    `${system.mode}: ${contender.connected} connected in ${(contender.connectMs / 1000).toFixed(1)} s` +
      (contender.connectFailed ? `, ${contender.connectFailed} failed: ${contender.connectErrors[0]}` : ''),
  );
}

/** Resolves once every active load process pushed `all` for `marker`, or after the round's timeout. */
function allReceived(contender: Contender, marker: string, onAll: AllReceived): Promise<void> {
  let done = 0;
  return new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, REP_TIMEOUT_MS);
    onAll.listener = (m) => {
      if (m === marker && ++done === contender.active) {
        clearTimeout(timer);
        resolve();
      }
    };
  });
}

/** One broadcast of one system: arm its clients, trigger, wait for all (bounded), collect. */
export async function runRound(
  contender: Contender,
  label: string,
  marker: string,
  n: number,
  onAll: AllReceived,
): Promise<Round> {
  const { system, loads } = contender;
  await Promise.all(loads.map((load) => load.request('arm', { marker })));
  const everyone = allReceived(contender, marker, onAll);
  const sent = await system.trigger(marker);
  if (sent.status >= 300) throw new Error(`${system.mode} trigger answered ${sent.status}: ${sent.text}`);
  await everyone;
  onAll.listener = undefined;
  const collected = await Promise.all(loads.map((load) => load.request<Collected>('collect')));
  const latencies: number[] = [];
  for (const c of collected) for (const t of c.times) if (t > 0) latencies.push(t - sent.sentAt);
  contender.sample ??= collected.find((c) => c.sample)?.sample;
  const round: Round = {
    delivered: latencies.length,
    duplicates: collected.reduce((a, c) => a + c.duplicates, 0),
    other: collected.reduce((a, c) => a + c.other, 0),
    disconnects: collected.reduce((a, c) => a + c.disconnects, 0),
    latency: summarize(latencies),
    answeredMs: sent.answeredAt - sent.sentAt,
    loadElu: collected.map((c) => Math.round(c.elu * 100) / 100),
  };
  console.log(
    `  ${label} ${system.mode.padEnd(8)} ${round.delivered}/${n} p50 ${ms(round.latency.p50)} ` +
      `p99 ${ms(round.latency.p99)} max ${ms(round.latency.max)} (load ELU ${round.loadElu.join(', ')})`,
  );
  await sleep(PAUSE_MS);
  return round;
}

/**
 * Interleaved rounds: every system once per round, the order rotating from round to round, so
 * whatever else the machine does at some moment hits every system alike. The warm-up round goes in
 * the given order (Muster first: the peers send the change record it pushed).
 */
export async function runRounds(
  contenders: Contender[],
  reps: number,
  n: number,
  runId: string,
  onAll: AllReceived,
): Promise<void> {
  for (let rep = 0; rep <= reps; rep++) {
    const order = contenders.map((_, i) => contenders[(i + (rep === 0 ? 0 : rep - 1)) % contenders.length]!);
    for (const contender of order) {
      const marker = `fanout ${runId} ${contender.system.mode} #${rep}`;
      contender.rounds.push(
        await runRound(contender, rep === 0 ? 'warm-up ' : `round ${rep} `, marker, n, onAll),
      );
    }
  }
}

export function resultOf(contender: Contender): SystemResult {
  const [warmup, ...measured] = contender.rounds as [Round, ...Round[]];
  const med = (pick: (r: Round) => number) => median(measured.map(pick));
  return {
    mode: contender.system.mode,
    connected: contender.connected,
    connectFailed: contender.connectFailed,
    connectErrors: contender.connectErrors,
    connectMs: contender.connectMs,
    warmup,
    rounds: measured,
    median: {
      p50: med((r) => r.latency.p50),
      p95: med((r) => r.latency.p95),
      p99: med((r) => r.latency.p99),
      max: med((r) => r.latency.max),
      answeredMs: med((r) => r.answeredMs),
    },
    deliveredMin: Math.min(...measured.map((r) => r.delivered)),
    duplicates: measured.reduce((a, r) => a + r.duplicates, 0),
    ...(contender.sample !== undefined ? { sample: contender.sample } : {}),
  };
}
