/**
 * One system's turn in the `burst` benchmark: start it (untimed setup), open the connections, fire
 * the N submissions, poll until everything accepted is processed, read back what it stored, stop
 * it. Returns the figures and the checks' raw material; nothing here prints.
 */
import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FireResult } from './burst-load.ts';
import { type Progress, type SystemName, startMuster, startPeer } from './burst-targets.ts';
import type { Child } from './child.ts';
import { nowMs } from './clock.ts';
import { postgresCpuSeconds } from './profile.ts';
import { type Summary, summarize } from './stats.ts';
import type { BenchDb } from './target-server.ts';

const POLL_MS = 100;
const FIRE_TIMEOUT_MS = 10 * 60_000;

export interface Phase {
  system: SystemName;
  accepted: number;
  /** Accepted answers / time from the first request to the last accept. */
  acceptedPerSecond: number;
  lastAcceptMs: number;
  /** Per accepted request, from its write on its connection to its answer. */
  latency: Summary;
  errors: number;
  errorsByStatus: Record<string, number>;
  errorSamples: string[];
  reconnects: number;
  /** First request → everything accepted is processed; null when not drained in time. */
  drainMs: number | null;
  final: Progress;
  /** Accepted (2xx) but not processed to the end when the drain ended. */
  lost: number;
  /** Submission rows sharing an id, plus leads sharing an e-mail. */
  duplicates: number;
  failed: number;
  leads: number;
  distinctEmails: number;
  /** Stored although their request got no 2xx (informational: an answer lost on the way). */
  storedUnacknowledged: number;
  connectMs: number;
  serverCpuSeconds: number;
  /** Server CPU from the first request until all processed (100 % = one core). */
  serverCpuPercent: number;
  /** Server CPU while the burst was answered (first request → last answer). */
  acceptCpuPercent: number;
  postgresCpuSeconds?: number;
  loadElu: number;
  loadAverage1m: number;
  /** Accepts per 100 ms after the first request: shows stalls and warm-up (JSON only). */
  acceptedPer100ms: number[];
  /** `nowMs()` marks, for cutting a server CPU profile into the accept and the drain windows. */
  window: { startMs: number; lastAcceptMs: number; endMs: number };
  notes: string[];
}

export interface PhaseOptions {
  db: BenchDb;
  load: Child;
  /** Submission ids in payload order (what the load process sends). */
  ids: string[];
  connections: number;
  drainTimeoutMs: number;
  musterEnv: Record<string, string>;
}

const isAccepted = (status: number) => status >= 200 && status <= 299;

export async function runPhase(system: SystemName, options: PhaseOptions): Promise<Phase> {
  const { db, load, ids } = options;
  const target = system === 'muster' ? await startMuster(db, options.musterEnv) : await startPeer(system, db);
  try {
    const { connectMs } = await load.request<{ connectMs: number }>('connect', {
      url: target.url,
      connections: options.connections,
    });
    const cpuBefore = await target.cpuSeconds();
    const pgBefore = db === 'postgres' ? postgresCpuSeconds() : undefined;
    const fire = await load.request<FireResult>('fire', { path: target.path }, FIRE_TIMEOUT_MS);
    const fireEnd = nowMs();
    const cpuAtLastAnswer = await target.cpuSeconds();
    const acceptedIds = new Set(ids.filter((_, i) => isAccepted(fire.status[i] ?? 0)));
    const { drainedAt, final } = await drain(target.progress, acceptedIds.size, options.drainTimeoutMs);
    const end = drainedAt ?? nowMs();
    const serverCpuSeconds = (await target.cpuSeconds()) - cpuBefore;
    const pgCpu = pgBefore !== undefined ? postgresCpuSeconds() - pgBefore : undefined;
    await load.request('close');
    const stored = await target.stored();
    const processed = new Set(stored.processedIds);
    const storedIds = new Set(stored.ids);
    const accepted = fire.status.flatMap((s, i) => (isAccepted(s) ? [i] : []));
    const acceptedAt = accepted.map((i) => fire.doneAtMs[i] ?? 0);
    const lastAcceptMs = Math.max(0, ...acceptedAt);
    return {
      system,
      accepted: accepted.length,
      acceptedPerSecond: lastAcceptMs > 0 ? accepted.length / (lastAcceptMs / 1000) : 0,
      lastAcceptMs,
      latency: summarize(accepted.map((i) => fire.latencyMs[i] ?? 0)),
      errors: fire.status.length - accepted.length,
      errorsByStatus: countErrors(fire.status),
      errorSamples: fire.errorSamples,
      reconnects: fire.reconnects,
      drainMs: drainedAt === null ? null : drainedAt - fire.t0,
      final,
      lost: [...acceptedIds].filter((id) => !processed.has(id)).length,
      duplicates: stored.ids.length - storedIds.size + (stored.leads - stored.leadEmails),
      failed: stored.failed,
      leads: stored.leads,
      distinctEmails: stored.submissionEmails,
      storedUnacknowledged: [...storedIds].filter((id) => !acceptedIds.has(id)).length,
      connectMs,
      serverCpuSeconds,
      serverCpuPercent: (100 * serverCpuSeconds) / ((end - fire.t0) / 1000),
      acceptCpuPercent: (100 * (cpuAtLastAnswer - cpuBefore)) / ((fireEnd - fire.t0) / 1000),
      ...(pgCpu !== undefined ? { postgresCpuSeconds: pgCpu } : {}),
      loadElu: fire.elu,
      loadAverage1m: os.loadavg()[0] ?? 0,
      acceptedPer100ms: timeline(acceptedAt, 100),
      window: { startMs: fire.t0, lastAcceptMs: fire.t0 + lastAcceptMs, endMs: end },
      notes: target.notes,
    };
  } finally {
    await target.stop();
  }
}

/** Polls until processed + failed ≥ received ≥ accepted, or `timeoutMs` after the burst ended. */
async function drain(progress: () => Promise<Progress>, accepted: number, timeoutMs: number) {
  const deadline = nowMs() + timeoutMs;
  for (;;) {
    const final = await progress();
    if (final.processed + final.failed >= final.received && final.received >= accepted)
      return { drainedAt: nowMs() as number | null, final };
    if (nowMs() > deadline) return { drainedAt: null, final };
    await sleep(POLL_MS);
  }
}

function countErrors(statuses: number[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const s of statuses.filter((s) => !isAccepted(s))) {
    const key = s === 0 ? 'no answer' : String(s);
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

/** Counts of `times` per `bucketMs` from 0 to the last one. */
function timeline(times: number[], bucketMs: number): number[] {
  const counts: number[] = new Array(Math.floor(Math.max(0, ...times) / bucketMs) + 1).fill(0);
  for (const t of times) counts[Math.floor(t / bucketMs)]! += 1;
  return counts;
}
