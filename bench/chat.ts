/**
 * `chat`: M clients in K channels send at a fixed total rate for D seconds; end-to-end latency
 * sender → every member of the channel, every message persisted (QUALITY.md: 1,000 clients,
 * 2,000 msg/s → p99 ≤ 150 ms, 0 lost).
 *
 * Each client is its own user (the server allows 30 messages per 10 s per person and 20 events/s
 * per socket), in one topic channel (client i in channel i mod K), and follows `channel:<id>`. A
 * send is `message.send {channelId, clientMsgId, body}`; its ack carries the seq. Peer in the same
 * run, with the same clients, rate and schedule: a bare Socket.IO server doing a room broadcast and
 * an ack, without persistence (the floor).
 *
 * Method: latency = CLOCK_MONOTONIC when a member's `change` handler runs − CLOCK_MONOTONIC when
 * the sender emitted (bench/lib/clock.ts; sender and members share the load process). Sends are
 * open-loop: a scheduler emits on time whatever the acks do. After each phase the load waits for
 * every ack and every delivery (bounded), then the coordinator reads each channel's log through
 * `GET /api/v1/channels/:id/messages` and checks that every acked message is there exactly once
 * with its acked seq, and that the log has no gap. If the target rate misses the target, a short
 * sweep of lower rates finds the highest rate that meets it; each phase is profiled (server CPU,
 * event-loop delay, load-process utilisation, ack time) to show what limits it.
 *
 * Steps: set-up (bench/lib/chat-setup.ts), phases (chat-phase.ts, driving chat-load.ts), the log
 * check (chat-log.ts), the report (chat-report.ts).
 */

import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { PAUSE_MS, type Phase, PhaseRunner } from './lib/chat-phase.ts';
import { attachProfiles, type ChatParams, report } from './lib/chat-report.ts';
import { connectClients, prepareChat, startRig } from './lib/chat-setup.ts';
import { Cleanup } from './lib/cleanup.ts';
import { ensureOpenFiles } from './lib/limits.ts';
import { makeTempDir } from './lib/server.ts';
import { benchDb, startTargetServer } from './lib/target-server.ts';

/** The server's per-person send limit (messaging: 30 per 10 s). */
const PER_USER_RATE = 3;
/** The sweep halves the rate from half the target down to this, and stops at the first rate that meets the target. */
const SWEEP_MIN_RATE = 25;

interface ChatOptions {
  params: Omit<ChatParams, 'limitNote'>;
  /** Lower rates to try when the target rate misses (empty: none). */
  sweep: number[];
  /** One bisection step after the sweep (only for the default halvings). */
  bisect: boolean;
  cpuProf: boolean;
}

function halvings(rate: number): number[] {
  const rates: number[] = [];
  for (let r = Math.floor(rate / 2); r >= SWEEP_MIN_RATE; r = Math.floor(r / 2)) rates.push(r);
  return rates;
}

function parseChatArgs(args: string[]): ChatOptions {
  const { values } = parseArgs({
    args,
    options: {
      clients: { type: 'string', short: 'm', default: '1000' },
      channels: { type: 'string', short: 'k', default: '10' },
      rate: { type: 'string', default: '2000' },
      duration: { type: 'string', default: '10' },
      sweep: { type: 'string' },
      'no-sweep': { type: 'boolean', default: false },
      procs: { type: 'string', default: '1' },
      'body-bytes': { type: 'string', default: '80' },
      db: { type: 'string', default: 'pglite' },
      /** Profile the server (node --cpu-prof) and print where its time went in each Muster phase. */
      'cpu-prof': { type: 'boolean', default: false },
    },
  });
  const m = Number(values.clients);
  const k = Number(values.channels);
  const rate = Number(values.rate);
  const durationMs = Number(values.duration) * 1000;
  if (!Number.isInteger(m) || m < 1 || m > 131_000) throw new Error('--clients must be 1..131000');
  if (!Number.isInteger(k) || k < 1 || k > m) throw new Error('--channels must be 1..clients');
  if (!(rate > 0) || !(durationMs > 0)) throw new Error('--rate and --duration must be positive');
  if (rate / m > PER_USER_RATE)
    throw new Error(
      `--rate ${rate} over ${m} clients exceeds the server's ${PER_USER_RATE} messages/s per person`,
    );
  const db = benchDb(values.db);
  const sweep = values['no-sweep'] ? [] : values.sweep ? values.sweep.split(',').map(Number) : halvings(rate);
  const bisect = !values['no-sweep'] && !values.sweep;
  const procs = Math.min(Number(values.procs), k);
  const bodyBytes = Number(values['body-bytes']);
  return {
    params: { m, k, rate, durationMs, procs, db, bodyBytes },
    sweep,
    bisect,
    cpuProf: values['cpu-prof'],
  };
}

/**
 * The target rate; if it misses, the sweep's rates until one meets it, then one bisection step
 * between that rate and the failing one above it. Answers the target phase and the best passing one.
 */
async function findBest(runner: PhaseRunner, options: ChatOptions) {
  const { rate, durationMs } = options.params;
  const seconds = durationMs / 1000;
  console.log(`\nphase: ${rate} msg/s for ${seconds} s`);
  const target = await runner.pair(rate);
  if (target.pass) return { target, best: target };
  let best: Phase | undefined;
  let failed = rate;
  for (const r of options.sweep) {
    console.log(`sweep: ${r} msg/s for ${seconds} s`);
    const phase = await runner.pair(r);
    if (phase.pass) {
      best = phase;
      break;
    }
    failed = r;
  }
  const between = best ? Math.round((best.rate + failed) / 2) : 0;
  if (best && options.bisect && between > best.rate && between < failed) {
    console.log(`sweep: ${between} msg/s for ${seconds} s`);
    const phase = await runner.pair(between);
    if (phase.pass) best = phase;
  }
  return { target, best };
}

export async function main(args: string[]): Promise<number> {
  const options = parseChatArgs(args);
  const { params } = options;
  const { m, k, db } = params;
  const limitNote = ensureOpenFiles(2 * m + 1024);
  console.log(limitNote);
  const runId = randomBytes(3).toString('hex');
  const cleanup = new Cleanup();
  try {
    const profileDir = options.cpuProf ? makeTempDir('chat-cpuprof') : undefined;
    const env: Record<string, string> = profileDir
      ? { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${profileDir}` }
      : {};
    const server = await startTargetServer('chat', db, cleanup, env);
    const { users, channels } = await prepareChat(server.url, runId, m, k);
    const rig = await startRig(users, channels, params.procs, cleanup);
    await connectClients(rig, 'muster', server.url, m);
    await connectClients(rig, 'socketio', rig.floorUrl, m);
    await sleep(PAUSE_MS);

    const { durationMs, bodyBytes } = params;
    const runner = new PhaseRunner({
      serverUrl: server.url,
      db,
      channels,
      rig,
      m,
      durationMs,
      bodyBytes,
      runId,
    });
    const { target, best } = await findBest(runner, options);
    await Promise.all(rig.loads.map((load) => load.request('close')));
    if (profileDir) {
      await server.stop();
      attachProfiles(runner.phases, profileDir, runId);
    }
    return report(runner.phases, target, best, { ...params, limitNote });
  } finally {
    await cleanup.run();
  }
}
