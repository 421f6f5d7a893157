/**
 * One measured phase of the `chat` benchmark: every load process sends at its share of the rate;
 * around it the coordinator reads what the server spent (CPU, event-loop delay, PostgreSQL's CPU),
 * and after a Muster phase it checks the channels' logs. The phase passes when delivery p99 meets
 * the target with nothing lost, unacked, stuck or behind schedule.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { type Channel, channelHeads, checkPersisted, type PersistCheck, waitIdle } from './chat-log.ts';
import type { ChatMode, ChatRunJob, ChatRunResult } from './chat-protocol.ts';
import type { ChatRig } from './chat-setup.ts';
import { nowMs } from './clock.ts';
import type { CpuBreakdown } from './cpuprofile.ts';
import { Histogram } from './histogram.ts';
import { type Profile, postgresCpuSeconds, scrapeMuster } from './profile.ts';
import { ms, type Summary } from './stats.ts';
import type { BenchDb } from './target-server.ts';

export const TARGET_P99_MS = 150;
export const PAUSE_MS = 2000;
const DRAIN_MS = 20_000;
/** Overload guard: a phase stops offering load once this many seconds of sends are unanswered. */
const MAX_OUTSTANDING_SECONDS = 1;
/** The load generator is behind its own schedule past this send lag (p99). */
const MAX_SEND_LAG_MS = 50;

export interface Phase {
  mode: ChatMode;
  rate: number;
  result: Omit<ChatRunResult, 'messages' | 'ack' | 'delivery' | 'sendLag'>;
  ack: Summary;
  delivery: Summary;
  sendLag: Summary;
  /** Acked messages per second, first send to end of drain. */
  throughput: number;
  server: {
    cpuPercent: number;
    cpuMsPerMessage: number;
    eventLoopDelayP99Ms: number;
    eventLoopDelayMaxMs: number;
  };
  postgresCpuPercent?: number;
  loadElu: number[];
  /** clock.ts times around the send phase (for the CPU profile window). */
  window: { fromMs: number; toMs: number };
  cpu?: CpuBreakdown;
  persisted?: PersistCheck;
  pass: boolean;
  why: string[];
}

/** What every phase of one run shares. */
export interface PhaseSetting {
  serverUrl: string;
  db: BenchDb;
  channels: Channel[];
  rig: ChatRig;
  /** Clients in all (each load process gets its share of the rate). */
  m: number;
  durationMs: number;
  bodyBytes: number;
  runId: string;
}

/** The counters of every load process added up; the histograms merged. */
function combine(results: ChatRunResult[]) {
  const merge = (pick: (r: ChatRunResult) => Parameters<Histogram['merge']>[0]) =>
    results.reduce((h, r) => h.merge(pick(r)), new Histogram()).summary();
  const sum = (pick: (r: ChatRunResult) => number) => results.reduce((a, r) => a + pick(r), 0);
  const errors: Record<string, number> = {};
  for (const r of results)
    for (const [code, n] of Object.entries(r.errors)) errors[code] = (errors[code] ?? 0) + n;
  const stopped = results.filter((r) => r.stoppedAfterMs !== undefined);
  const result: Phase['result'] = {
    offered: sum((r) => r.offered),
    sent: sum((r) => r.sent),
    ...(stopped.length ? { stoppedAfterMs: Math.min(...stopped.map((r) => r.stoppedAfterMs!)) } : {}),
    acked: sum((r) => r.acked),
    errors,
    expectedDeliveries: sum((r) => r.expectedDeliveries),
    delivered: sum((r) => r.delivered),
    pushes: sum((r) => r.pushes),
    lost: sum((r) => r.lost),
    duplicates: sum((r) => r.duplicates),
    outOfOrder: sum((r) => r.outOfOrder),
    pushedWithoutAck: sum((r) => r.pushedWithoutAck),
    elu: Math.max(...results.map((r) => r.elu)),
    ms: Math.max(...results.map((r) => r.ms)),
    drainedMs: Math.max(...results.map((r) => r.drainedMs)),
    drainTimedOut: results.some((r) => r.drainTimedOut),
  };
  return {
    result,
    ack: merge((r) => r.ack),
    delivery: merge((r) => r.delivery),
    sendLag: merge((r) => r.sendLag),
  };
}

/** Why the phase misses the target (empty: it meets it); then, reported only, pushes received twice. */
function judge(phase: Phase): void {
  const { why, result } = phase;
  if (result.stoppedAfterMs !== undefined)
    why.push(
      `overloaded: stopped after ${(result.stoppedAfterMs / 1000).toFixed(1)} s with ${MAX_OUTSTANDING_SECONDS} s of sends unanswered (${result.sent}/${result.offered} sent)`,
    );
  if (phase.delivery.p99 > TARGET_P99_MS) why.push(`p99 ${ms(phase.delivery.p99)} > ${TARGET_P99_MS} ms`);
  if (result.lost > 0) why.push(`${result.lost} deliveries lost`);
  if (result.acked < result.sent)
    why.push(`${result.sent - result.acked} sends not acked (${JSON.stringify(result.errors)})`);
  if (result.drainTimedOut) why.push('did not drain within 20 s');
  if (phase.persisted && !phase.persisted.ok) why.push(`log check failed ${JSON.stringify(phase.persisted)}`);
  if (phase.sendLag.p99 > MAX_SEND_LAG_MS)
    why.push(`load generator fell behind (send lag p99 ${ms(phase.sendLag.p99)})`);
  phase.pass = why.length === 0;
  // Reported, not failed: clients apply each seq once (the cursor), so a push received twice
  // costs bandwidth and CPU but shows nothing twice.
  if (result.duplicates > 0) why.push(`(${result.duplicates} pushes received twice)`);
}

function summaryLine(phase: Phase): string {
  return (
    `  ${phase.mode} @ ${phase.rate} msg/s: ${phase.throughput.toFixed(0)} acked/s, delivery p50 ${ms(phase.delivery.p50)} ` +
    `p99 ${ms(phase.delivery.p99)}, ack p99 ${ms(phase.ack.p99)}, lost ${phase.result.lost}, ` +
    `server CPU ${phase.server.cpuPercent.toFixed(0)} %, load ELU ${phase.loadElu.join('/')} → ` +
    `${phase.pass ? `meets target ${phase.why.join('; ')}`.trim() : phase.why.join('; ')}`
  );
}

/** Runs phases one after another; `phases` keeps every one, in order, for the report. */
export class PhaseRunner {
  readonly phases: Phase[] = [];
  private readonly setting: PhaseSetting;
  private phaseNo = 0;

  constructor(setting: PhaseSetting) {
    this.setting = setting;
  }

  private profile(mode: ChatMode): Promise<Profile> {
    return mode === 'muster'
      ? scrapeMuster(this.setting.serverUrl)
      : this.setting.rig.floor.request<Profile>('stats');
  }

  /** Every load process sends its share of `rate` for the phase and drains; resolves with their results. */
  private load(mode: ChatMode, rate: number, tag: string): Promise<ChatRunResult[]> {
    const { rig, m, durationMs, bodyBytes } = this.setting;
    return Promise.all(
      rig.loads.map((load, p) => {
        const share = (rate * rig.shares[p]!.length) / m;
        const job: ChatRunJob = {
          mode,
          rate: share,
          durationMs,
          tag,
          bodyBytes,
          drainMs: DRAIN_MS,
          maxOutstanding: Math.max(100, share * MAX_OUTSTANDING_SECONDS),
        };
        return load.request<ChatRunResult>('run', job, durationMs + DRAIN_MS + 120_000);
      }),
    );
  }

  /** The load with the server's CPU (and PostgreSQL's) read around it. */
  private async measure(mode: ChatMode, rate: number, tag: string) {
    const muster = mode === 'muster';
    const before = await this.profile(mode);
    const pgBefore = this.setting.db === 'postgres' && muster ? postgresCpuSeconds() : undefined;
    const fromMs = nowMs();
    const results = await this.load(mode, rate, tag);
    const toMs = nowMs();
    const after = await this.profile(mode);
    return {
      results,
      window: { fromMs, toMs },
      after,
      cpuSeconds: muster ? after.cpuSeconds - before.cpuSeconds : after.cpuSeconds,
      pgCpuSeconds: pgBefore !== undefined ? postgresCpuSeconds() - pgBefore : undefined,
    };
  }

  async run(mode: ChatMode, rate: number): Promise<Phase> {
    const { serverUrl, channels } = this.setting;
    const muster = mode === 'muster';
    const tag = `${this.setting.runId}.${++this.phaseNo}`;
    const heads = muster ? await channelHeads(serverUrl, channels) : new Map<string, number>();
    const { results, window, after, cpuSeconds, pgCpuSeconds } = await this.measure(mode, rate, tag);
    const seconds = (window.toMs - window.fromMs) / 1000;
    const { result, ...histograms } = combine(results);
    const phase: Phase = {
      mode,
      rate,
      result,
      ...histograms,
      // Acks over the whole phase (an overloaded server keeps acking while it drains).
      throughput: (result.acked / result.ms) * 1000,
      server: {
        cpuPercent: (cpuSeconds / seconds) * 100,
        cpuMsPerMessage: (cpuSeconds * 1000) / Math.max(1, result.acked),
        eventLoopDelayP99Ms: after.eventLoopDelayP99Ms,
        eventLoopDelayMaxMs: after.eventLoopDelayMaxMs,
      },
      ...(pgCpuSeconds !== undefined ? { postgresCpuPercent: (pgCpuSeconds / seconds) * 100 } : {}),
      loadElu: results.map((r) => Math.round(r.elu * 100) / 100),
      window,
      pass: false,
      why: [],
    };
    const acked = results.flatMap((r) => r.messages);
    if (muster) phase.persisted = await checkPersisted(serverUrl, channels, heads, acked, tag);
    judge(phase);
    this.phases.push(phase);
    console.log(summaryLine(phase));
    if (muster) await this.waitForBacklog();
    await sleep(PAUSE_MS);
    return phase;
  }

  private async waitForBacklog(): Promise<void> {
    const idleMs = await waitIdle(this.setting.serverUrl, this.setting.channels);
    if (idleMs > 2000)
      console.log(`  (server busy with the backlog for ${(idleMs / 1000).toFixed(1)} s more)`);
  }

  /** The floor first at each rate, so a Muster backlog cannot slow it; answers the Muster phase. */
  async pair(rate: number): Promise<Phase> {
    await this.run('socketio', rate);
    return this.run('muster', rate);
  }
}
