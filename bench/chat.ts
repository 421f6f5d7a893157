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
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { call } from './lib/api.ts';
import type { AckedMessage, ChatConnectJob, ChatMode, ChatRunJob, ChatRunResult } from './lib/chat-load.ts';
import { type Child, forkChild } from './lib/child.ts';
import { nowMs } from './lib/clock.ts';
import { analyseProfile, type CpuBreakdown, newestProfile } from './lib/cpuprofile.ts';
import { Histogram } from './lib/histogram.ts';
import { ensureOpenFiles } from './lib/limits.ts';
import { type Profile, postgresCpuSeconds, scrapeMuster } from './lib/profile.ts';
import { printTable, type Row, verdict, writeResult } from './lib/results.ts';
import { makeTempDir, startServer } from './lib/server.ts';
import { type BenchUser, createDatabase, createPublishedEvent, registerUsers } from './lib/setup.ts';
import { ms, type Summary } from './lib/stats.ts';

const TARGET_P99_MS = 150;
/** The server's per-person send limit (messaging: 30 per 10 s). */
const PER_USER_RATE = 3;
const PAUSE_MS = 2000;
const DRAIN_MS = 20_000;
/** The sweep halves the rate from half the target down to this, and stops at the first rate that meets the target. */
const SWEEP_MIN_RATE = 25;
/** Overload guard: a phase stops offering load once this many seconds of sends are unanswered. */
const MAX_OUTSTANDING_SECONDS = 1;
const IDLE_TIMEOUT_MS = 90_000;

interface Phase {
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

interface PersistCheck {
  ok: boolean;
  logMessages: number;
  missing: number;
  wrongSeq: number;
  duplicated: number;
  gaps: number;
  persistedUnacked: number;
}

interface Channel {
  id: string;
  /** Token of a member, for reading the channel back (the HTTP limit is per token). */
  reader: string;
}

/** Pages a channel's log after `after`, checks it against what was acked. */
async function checkPersisted(
  base: string,
  channels: Channel[],
  heads: Map<string, number>,
  acked: AckedMessage[],
  tag: string,
): Promise<PersistCheck> {
  const check: PersistCheck = {
    ok: true,
    logMessages: 0,
    missing: 0,
    wrongSeq: 0,
    duplicated: 0,
    gaps: 0,
    persistedUnacked: 0,
  };
  const ackedById = new Map(acked.map((m) => [m.id, m]));
  for (const channel of channels) {
    const items: { id: string; seq: number; clientMsgId: string }[] = [];
    let after = heads.get(channel.id) ?? 0;
    for (;;) {
      const page = await call<{
        items: { id: string; seq: number; clientMsgId: string }[];
        nextCursor: string | null;
      }>(base, 'GET', `/api/v1/channels/${channel.id}/messages?after=${after}&limit=200`, {
        token: channel.reader,
      });
      items.push(...page.items);
      if (!page.nextCursor) break;
      after = Number(page.nextCursor);
    }
    check.logMessages += items.length;
    let expectedSeq = (heads.get(channel.id) ?? 0) + 1;
    const seenIds = new Map<string, number>();
    const seenClientIds = new Map<string, number>();
    for (const item of items) {
      if (item.seq !== expectedSeq) check.gaps++;
      expectedSeq = item.seq + 1;
      seenIds.set(item.id, (seenIds.get(item.id) ?? 0) + 1);
      seenClientIds.set(item.clientMsgId, (seenClientIds.get(item.clientMsgId) ?? 0) + 1);
      const mine = ackedById.get(item.id);
      if (!mine && item.clientMsgId.startsWith(`${tag}-`)) check.persistedUnacked++;
      if (mine && mine.seq !== item.seq) check.wrongSeq++;
    }
    for (const m of acked) {
      if (m.channelId !== channel.id) continue;
      const times = seenIds.get(m.id) ?? 0;
      if (times === 0) check.missing++;
      if (times > 1 || (seenClientIds.get(m.clientMsgId) ?? 0) > 1) check.duplicated++;
    }
  }
  check.ok = check.missing === 0 && check.wrongSeq === 0 && check.duplicated === 0 && check.gaps === 0;
  return check;
}

function halvings(rate: number): number[] {
  const rates: number[] = [];
  for (let r = Math.floor(rate / 2); r >= SWEEP_MIN_RATE; r = Math.floor(r / 2)) rates.push(r);
  return rates;
}

/** Waits until no channel's head moved for a second: an overloaded phase's backlog is done. */
async function waitIdle(base: string, channels: Channel[]): Promise<number> {
  const started = performance.now();
  let last = '';
  for (let still = 0; still < 2 && performance.now() - started < IDLE_TIMEOUT_MS; ) {
    const heads = JSON.stringify([...(await channelHeads(base, channels)).values()]);
    still = heads === last ? still + 1 : 0;
    last = heads;
    await sleep(500);
  }
  return performance.now() - started;
}

async function channelHeads(base: string, channels: Channel[]): Promise<Map<string, number>> {
  const heads = new Map<string, number>();
  for (const channel of channels) {
    const page = await call<{ head: number }>(
      base,
      'GET',
      `/api/v1/channels/${channel.id}/messages?limit=1`,
      {
        token: channel.reader,
      },
    );
    heads.set(channel.id, page.head);
  }
  return heads;
}

export async function main(args: string[]): Promise<number> {
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
  const procs = Math.min(Number(values.procs), k);
  const bodyBytes = Number(values['body-bytes']);
  const { db } = values;
  if (!Number.isInteger(m) || m < 1 || m > 131_000) throw new Error('--clients must be 1..131000');
  if (!Number.isInteger(k) || k < 1 || k > m) throw new Error('--channels must be 1..clients');
  if (!(rate > 0) || !(durationMs > 0)) throw new Error('--rate and --duration must be positive');
  if (rate / m > PER_USER_RATE)
    throw new Error(
      `--rate ${rate} over ${m} clients exceeds the server's ${PER_USER_RATE} messages/s per person`,
    );
  if (db !== 'pglite' && db !== 'postgres') throw new Error('--db must be pglite or postgres');
  const sweep = values['no-sweep'] ? [] : values.sweep ? values.sweep.split(',').map(Number) : halvings(rate);

  const limitNote = ensureOpenFiles(2 * m + 1024);
  console.log(limitNote);
  const runId = randomBytes(3).toString('hex');
  const cleanups: (() => Promise<unknown> | unknown)[] = [];
  try {
    const dataDir = makeTempDir('chat');
    cleanups.push(() => fs.rmSync(dataDir, { recursive: true, force: true }));
    const env: Record<string, string> = { MUSTER_SEED: 'never' };
    const profileDir = values['cpu-prof'] ? makeTempDir('chat-cpuprof') : undefined;
    if (profileDir) env.NODE_OPTIONS = `--cpu-prof --cpu-prof-dir=${profileDir}`;
    if (db === 'postgres') {
      const database = await createDatabase('muster_bench');
      cleanups.push(() => database.drop());
      env.DATABASE_URL = database.url;
      env.JWT_SECRET = randomBytes(32).toString('hex');
    }
    const server = await startServer({ dataDir, env });
    cleanups.unshift(() => server.stop());

    console.log(`setup: registering ${m} users and an organiser, opening ${k} channels…`);
    const setupStart = performance.now();
    const [organiser] = await registerUsers(server.url, `organiser-${runId}`, 0, 1);
    const users: BenchUser[] = await registerUsers(server.url, `chatter-${runId}`, 1, m);
    const token = organiser!.accessToken;
    const { eventId } = await createPublishedEvent(server.url, token, `Chat bench ${runId}`);
    const channels: Channel[] = [];
    for (let c = 0; c < k; c++) {
      const channel = await call<{ id: string }>(server.url, 'POST', `/api/v1/events/${eventId}/channels`, {
        token,
        body: { name: `bench ${c}`, kind: 'topic' },
      });
      channels.push({ id: channel.id, reader: users[c]!.accessToken });
    }
    console.log(`setup done in ${((performance.now() - setupStart) / 1000).toFixed(1)} s`);

    const floor = forkChild(path.join(import.meta.dirname, 'lib/floor-server.ts'), ['socketio']);
    cleanups.unshift(() => floor.kill());
    const { port } = await floor.request<{ port: number }>('start');
    const floorUrl = `http://127.0.0.1:${port}`;

    // Whole channels per load process: channel c → process c mod P; client i → channel i mod K.
    const loads: Child[] = Array.from({ length: procs }, () =>
      forkChild(path.join(import.meta.dirname, 'lib/chat-load.ts')),
    );
    cleanups.unshift(() => {
      for (const load of loads) load.kill();
    });
    const shares: { channelId: string; token: string }[][] = loads.map(() => []);
    for (let i = 0; i < m; i++) {
      const c = i % k;
      shares[c % procs]!.push({ channelId: channels[c]!.id, token: users[i]!.accessToken });
    }
    for (const mode of ['muster', 'socketio'] as ChatMode[]) {
      const url = mode === 'muster' ? server.url : floorUrl;
      const answers = await Promise.all(
        loads.map((load, p) =>
          load.request<{ connected: number; failed: number; errors: string[]; ms: number }>(
            'connect',
            {
              mode,
              url,
              clients: shares[p]!.map((s) => (mode === 'muster' ? s : { channelId: s.channelId })),
              concurrency: 50,
            } satisfies ChatConnectJob,
            600_000,
          ),
        ),
      );
      const connected = answers.reduce((a, b) => a + b.connected, 0);
      console.log(
        `${mode}: ${connected}/${m} clients connected in ${(Math.max(...answers.map((a) => a.ms)) / 1000).toFixed(1)} s` +
          (connected < m ? ` (${answers.flatMap((a) => a.errors)[0]})` : ''),
      );
      if (connected < m) throw new Error(`${mode}: only ${connected} of ${m} clients connected`);
    }
    await sleep(PAUSE_MS);

    const phases: Phase[] = [];
    let phaseNo = 0;
    const runPhase = async (mode: ChatMode, phaseRate: number): Promise<Phase> => {
      const tag = `${runId}.${++phaseNo}`;
      const heads = mode === 'muster' ? await channelHeads(server.url, channels) : new Map<string, number>();
      const before =
        mode === 'muster' ? await scrapeMuster(server.url) : await floor.request<Profile>('stats');
      const pgBefore = db === 'postgres' && mode === 'muster' ? postgresCpuSeconds() : undefined;
      const fromMs = nowMs();
      const results = await Promise.all(
        loads.map((load, p) =>
          load.request<ChatRunResult>(
            'run',
            {
              mode,
              rate: (phaseRate * shares[p]!.length) / m,
              durationMs,
              tag,
              bodyBytes,
              drainMs: DRAIN_MS,
              maxOutstanding: Math.max(100, ((phaseRate * shares[p]!.length) / m) * MAX_OUTSTANDING_SECONDS),
            } satisfies ChatRunJob,
            durationMs + DRAIN_MS + 120_000,
          ),
        ),
      );
      const toMs = nowMs();
      const after =
        mode === 'muster' ? await scrapeMuster(server.url) : await floor.request<Profile>('stats');
      const pgCpu = pgBefore !== undefined ? postgresCpuSeconds() - pgBefore : undefined;
      const cpuSeconds = mode === 'muster' ? after.cpuSeconds - before.cpuSeconds : after.cpuSeconds;
      const merge = (pick: (r: ChatRunResult) => Parameters<Histogram['merge']>[0]) =>
        results.reduce((h, r) => h.merge(pick(r)), new Histogram()).summary();
      const sum = (pick: (r: ChatRunResult) => number) => results.reduce((a, r) => a + pick(r), 0);
      const errors: Record<string, number> = {};
      for (const r of results)
        for (const [code, n] of Object.entries(r.errors)) errors[code] = (errors[code] ?? 0) + n;
      const acked = results.flatMap((r) => r.messages);
      const phase: Phase = {
        mode,
        rate: phaseRate,
        result: {
          offered: sum((r) => r.offered),
          sent: sum((r) => r.sent),
          ...(results.some((r) => r.stoppedAfterMs !== undefined)
            ? {
                stoppedAfterMs: Math.min(...results.map((r) => r.stoppedAfterMs ?? Number.POSITIVE_INFINITY)),
              }
            : {}),
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
        },
        ack: merge((r) => r.ack),
        delivery: merge((r) => r.delivery),
        sendLag: merge((r) => r.sendLag),
        // Acks over the whole phase (an overloaded server keeps acking while it drains).
        throughput: (sum((r) => r.acked) / Math.max(...results.map((r) => r.ms))) * 1000,
        server: {
          cpuPercent: (cpuSeconds / ((toMs - fromMs) / 1000)) * 100,
          cpuMsPerMessage:
            (cpuSeconds * 1000) /
            Math.max(
              1,
              sum((r) => r.acked),
            ),
          eventLoopDelayP99Ms: after.eventLoopDelayP99Ms,
          eventLoopDelayMaxMs: after.eventLoopDelayMaxMs,
        },
        ...(pgCpu !== undefined ? { postgresCpuPercent: (pgCpu / ((toMs - fromMs) / 1000)) * 100 } : {}),
        loadElu: results.map((r) => Math.round(r.elu * 100) / 100),
        window: { fromMs, toMs },
        pass: false,
        why: [],
      };
      if (mode === 'muster') phase.persisted = await checkPersisted(server.url, channels, heads, acked, tag);
      const why = phase.why;
      if (phase.result.stoppedAfterMs !== undefined)
        why.push(
          `overloaded: stopped after ${(phase.result.stoppedAfterMs / 1000).toFixed(1)} s with ${MAX_OUTSTANDING_SECONDS} s of sends unanswered (${phase.result.sent}/${phase.result.offered} sent)`,
        );
      if (phase.delivery.p99 > TARGET_P99_MS) why.push(`p99 ${ms(phase.delivery.p99)} > ${TARGET_P99_MS} ms`);
      if (phase.result.lost > 0) why.push(`${phase.result.lost} deliveries lost`);
      if (phase.result.acked < phase.result.sent)
        why.push(`${phase.result.sent - phase.result.acked} sends not acked (${JSON.stringify(errors)})`);
      if (phase.result.drainTimedOut) why.push('did not drain within 20 s');
      if (phase.persisted && !phase.persisted.ok)
        why.push(`log check failed ${JSON.stringify(phase.persisted)}`);
      if (phase.sendLag.p99 > 50)
        why.push(`load generator fell behind (send lag p99 ${ms(phase.sendLag.p99)})`);
      phase.pass = why.length === 0;
      // Reported, not failed: clients apply each seq once (the cursor), so a push received twice
      // costs bandwidth and CPU but shows nothing twice.
      if (phase.result.duplicates > 0) why.push(`(${phase.result.duplicates} pushes received twice)`);
      phases.push(phase);
      console.log(
        `  ${mode} @ ${phaseRate} msg/s: ${phase.throughput.toFixed(0)} acked/s, delivery p50 ${ms(phase.delivery.p50)} ` +
          `p99 ${ms(phase.delivery.p99)}, ack p99 ${ms(phase.ack.p99)}, lost ${phase.result.lost}, ` +
          `server CPU ${phase.server.cpuPercent.toFixed(0)} %, load ELU ${phase.loadElu.join('/')} → ` +
          `${phase.pass ? `meets target ${phase.why.join('; ')}`.trim() : phase.why.join('; ')}`,
      );
      if (mode === 'muster') {
        const idleMs = await waitIdle(server.url, channels);
        if (idleMs > 2000)
          console.log(`  (server busy with the backlog for ${(idleMs / 1000).toFixed(1)} s more)`);
      }
      await sleep(PAUSE_MS);
      return phase;
    };

    // The floor first at each rate, so a Muster backlog cannot slow it.
    console.log(`\nphase: ${rate} msg/s for ${durationMs / 1000} s`);
    await runPhase('socketio', rate);
    const target = await runPhase('muster', rate);
    let best: Phase | undefined = target.pass ? target : undefined;
    if (!target.pass) {
      let failed = rate;
      for (const r of sweep) {
        console.log(`sweep: ${r} msg/s for ${durationMs / 1000} s`);
        await runPhase('socketio', r);
        const phase = await runPhase('muster', r);
        if (phase.pass) {
          best = phase;
          break;
        }
        failed = r;
      }
      // One bisection step between the passing rate and the failing one above it.
      const between = best ? Math.round((best.rate + failed) / 2) : 0;
      if (best && !values['no-sweep'] && !values.sweep && between > best.rate && between < failed) {
        console.log(`sweep: ${between} msg/s for ${durationMs / 1000} s`);
        await runPhase('socketio', between);
        const phase = await runPhase('muster', between);
        if (phase.pass) best = phase;
      }
    }
    await Promise.all(loads.map((load) => load.request('close')));
    if (profileDir) {
      await server.stop();
      const file = newestProfile(profileDir);
      if (!file) console.log(`no CPU profile was written in ${profileDir}`);
      else {
        for (const phase of phases)
          if (phase.mode === 'muster')
            phase.cpu = analyseProfile(file, phase.window.fromMs, phase.window.toMs);
        const keep = path.join(resultsDirOf(), `chat-server-${runId}.cpuprofile.json`);
        fs.copyFileSync(file, keep);
        fs.rmSync(profileDir, { recursive: true, force: true });
        printProfiles(phases, keep);
      }
    }
    return report(phases, target, best, { m, k, rate, durationMs, procs, db, bodyBytes, limitNote });
  } finally {
    for (const cleanup of cleanups)
      await Promise.resolve()
        .then(cleanup)
        .catch((e: unknown) => console.error(e));
  }
}

function resultsDirOf(): string {
  const dir = path.join(import.meta.dirname, 'results');
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/** Where the server's main thread spent each Muster phase (self time by area, top functions). */
function printProfiles(phases: Phase[], file: string) {
  for (const phase of phases) {
    if (!phase.cpu) continue;
    const { cpu } = phase;
    console.log(
      `\nserver CPU profile, Muster @ ${phase.rate} msg/s (${(cpu.windowMs / 1000).toFixed(1)} s window, self time):`,
    );
    printTable(cpu.byArea.map((a) => ({ area: a.area, time: ms(a.ms), share: `${a.percent.toFixed(1)} %` })));
    printTable(
      cpu.topFunctions.map((f) => ({ function: f.fn, time: ms(f.ms), share: `${f.percent.toFixed(1)} %` })),
    );
  }
  console.log(`profile kept: ${path.relative(process.cwd(), file)} (open in Chrome DevTools → Performance)`);
}

function report(
  phases: Phase[],
  target: Phase,
  best: Phase | undefined,
  params: {
    m: number;
    k: number;
    rate: number;
    durationMs: number;
    procs: number;
    db: string;
    bodyBytes: number;
    limitNote: string;
  },
): number {
  console.log(
    `\nchat: ${params.m} clients in ${params.k} channels (${params.m / params.k} members each), ` +
      `${params.durationMs / 1000} s per phase, database ${params.db}, ${params.procs} load process(es)`,
  );
  const floorAt = (rate: number) => phases.find((p) => p.mode === 'socketio' && p.rate === rate);
  const rows: Row[] = phases.map((p) => {
    const floor = floorAt(p.rate);
    return {
      system: p.mode === 'muster' ? 'Muster' : 'bare Socket.IO',
      'msg/s': p.rate,
      sent: `${p.result.sent}/${p.result.offered}`,
      'acked/s': Math.round(p.throughput),
      'delivery p50': ms(p.delivery.p50),
      p99: ms(p.delivery.p99),
      max: ms(p.delivery.max),
      'p99 / floor':
        p.mode === 'muster' && floor ? `${(p.delivery.p99 / floor.delivery.p99).toFixed(2)} ×` : '',
      'ack p50/p99': `${p.ack.p50.toFixed(1)}/${p.ack.p99.toFixed(1)} ms`,
      delivered: `${p.result.delivered}/${p.result.expectedDeliveries}`,
      lost: p.result.lost,
      dup: p.result.duplicates,
      persisted: p.persisted ? (p.persisted.ok ? `${p.persisted.logMessages} ok` : 'FAIL') : '—',
      'server CPU': `${p.server.cpuPercent.toFixed(0)} %`,
      'CPU/msg': `${p.server.cpuMsPerMessage.toFixed(2)} ms`,
      'loop delay p99': ms(p.server.eventLoopDelayP99Ms),
      'load ELU': p.loadElu.join('/'),
      result: p.mode === 'muster' ? verdict(p.pass) : p.pass ? 'ok' : 'misses',
    };
  });
  printTable(rows);
  const floor = floorAt(target.rate);
  console.log('');
  printTable([
    {
      check: `at ${params.rate} msg/s: delivery p99`,
      got: ms(target.delivery.p99),
      want: `≤ ${TARGET_P99_MS} ms`,
      result: verdict(target.delivery.p99 <= TARGET_P99_MS),
    },
    {
      check: `at ${params.rate} msg/s: deliveries lost / sends unacked`,
      got: `${target.result.lost} / ${target.result.sent - target.result.acked}`,
      want: '0 / 0',
      result: verdict(target.result.lost === 0 && target.result.acked === target.result.sent),
    },
    {
      check: `at ${params.rate} msg/s: pushes received twice (clients drop them by seq)`,
      got: target.result.duplicates,
      want: '',
      result: '',
    },
    {
      check: `at ${params.rate} msg/s: every acked message in the log once, no gap`,
      got: target.persisted
        ? JSON.stringify({
            missing: target.persisted.missing,
            dup: target.persisted.duplicated,
            gaps: target.persisted.gaps,
            wrongSeq: target.persisted.wrongSeq,
          })
        : 'n/a',
      want: 'all 0',
      result: verdict(target.persisted?.ok ?? false),
    },
    {
      check: 'p99 Muster / p99 floor (same rate)',
      got: floor ? `${(target.delivery.p99 / floor.delivery.p99).toFixed(2)} ×` : 'n/a',
      want: '',
      result: '',
    },
  ]);
  if (!target.pass) {
    console.log(`\nat ${params.rate} msg/s Muster misses the target: ${target.why.join('; ')}`);
    console.log(
      best
        ? `highest rate tried that meets it: ${best.rate} msg/s (p99 ${ms(best.delivery.p99)}, ${best.result.lost} lost)`
        : 'no rate tried meets it',
    );
  }
  console.log(`note: ${params.limitNote}`);
  writeResult('chat', {
    params,
    targets: { p99Ms: TARGET_P99_MS, lost: 0 },
    method:
      'latency = CLOCK_MONOTONIC at each member’s change handler − CLOCK_MONOTONIC at the sender’s emit; open-loop schedule; log read back per channel',
    phases,
    pass: target.pass,
    highestPassingRate: best?.rate ?? null,
  });
  return target.pass ? 0 : 1;
}
