/**
 * `fanout`: N attendees (Socket.IO clients) follow one event; the organiser changes a session
 * (`PATCH /api/v1/sessions/:id`); how long until every client has the `change`? (QUALITY.md:
 * N = 10,000 → 100 % delivered, p50 ≤ 1.3 × the ws floor, p99 ≤ 250 ms.)
 *
 * Peers in the same run, each with its own N clients in its own load process(es), sent the same
 * payload bytes (the change record Muster pushed, with the marker swapped):
 * - `socketio`: a bare Socket.IO server, `io.emit` (what the library itself costs);
 * - `ws`: a minimal `ws` server sending one pre-encoded frame to every client (the floor);
 * - `mqtt`: Mosquitto with N subscribers on one topic, QoS 0, one publish.
 *
 * Method: latency = receive time in the client's handler − the time just before the trigger (the
 * PATCH, the POST to the floor, the MQTT publish) is written. Both are read from CLOCK_MONOTONIC
 * (bench/lib/clock.ts), one clock for every process on the machine, so no offsets are estimated.
 * All systems' clients connect first (one system after the other) and settle; then each round
 * triggers every system once, in an order that rotates from round to round, so whatever else the
 * machine does at some moment hits all systems alike. One warm-up round, then `--reps` rounds; the
 * table shows the median over rounds of each percentile and the worst round's delivered count.
 * The receive time includes the load process's own work (parsing N frames one after another),
 * equally for every system; its event-loop utilisation is printed.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { connect as mqttConnect } from 'mqtt';
import { call } from './lib/api.ts';
import { type Child, forkChild } from './lib/child.ts';
import { nowMs } from './lib/clock.ts';
import type { Collected, ConnectJob, FanoutMode } from './lib/fanout-load.ts';
import { ensureOpenFiles } from './lib/limits.ts';
import { type Broker, startMosquitto } from './lib/mosquitto.ts';
import { printTable, type Row, verdict, writeResult } from './lib/results.ts';
import { makeTempDir, startServer } from './lib/server.ts';
import { createDatabase, createPublishedEvent, registerUsers } from './lib/setup.ts';
import { median, ms, type Summary, summarize } from './lib/stats.ts';
import { type Sent, Trigger } from './lib/trigger.ts';

const TARGET_P99_MS = 250;
const TARGET_P50_RATIO = 1.3;
const REP_TIMEOUT_MS = 20_000;
const SETTLE_MS = 3000;
const PAUSE_MS = 1000;
const SYSTEMS: FanoutMode[] = ['muster', 'socketio', 'ws', 'mqtt'];
const LABEL: Record<FanoutMode, string> = {
  muster: 'Muster (PATCH session → change)',
  socketio: 'bare Socket.IO io.emit',
  ws: 'ws floor (one frame to all)',
  mqtt: 'Mosquitto QoS 0',
};

interface System {
  mode: FanoutMode;
  job: Omit<ConnectJob, 'first' | 'count' | 'concurrency'>;
  /** Sends the trigger carrying `marker`; resolves once it is answered. */
  trigger(marker: string): Promise<Sent>;
}

interface Round {
  delivered: number;
  duplicates: number;
  other: number;
  disconnects: number;
  latency: Summary;
  /** Trigger sent → its answer (the PATCH's 200, the floor's 204, MQTT: 0). */
  answeredMs: number;
  loadElu: number[];
}

interface SystemResult {
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

function splitShares(n: number, parts: number) {
  const base = Math.floor(n / parts);
  return Array.from({ length: parts }, (_, k) => ({
    first: k * base + Math.min(k, n % parts),
    count: base + (k < n % parts ? 1 : 0),
  }));
}

interface Contender {
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

/** Connects this system's N clients, spread over its own load processes. */
async function connect(contender: Contender, n: number, concurrency: number): Promise<void> {
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

/** One broadcast of one system: arm its clients, trigger, wait for all (bounded), collect. */
async function runRound(
  contender: Contender,
  label: string,
  marker: string,
  n: number,
  onAll: { listener?: (marker: string) => void },
): Promise<Round> {
  const { system, loads } = contender;
  await Promise.all(loads.map((load) => load.request('arm', { marker })));
  let done = 0;
  const allReceived = new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, REP_TIMEOUT_MS);
    onAll.listener = (m) => {
      if (m === marker && ++done === contender.active) {
        clearTimeout(timer);
        resolve();
      }
    };
  });
  const sent = await system.trigger(marker);
  if (sent.status >= 300) throw new Error(`${system.mode} trigger answered ${sent.status}: ${sent.text}`);
  await allReceived;
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

function resultOf(contender: Contender): SystemResult {
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

/** The change record Muster pushed in this run, marker swapped (synthetic if Muster did not run). */
function payloadFor(sample: string | undefined, marker: string): string {
  const change = sample
    ? (JSON.parse(sample) as { data: Record<string, unknown> })
    : { data: { title: '' }, note: 'synthetic: no Muster sample in this run' };
  change.data.title = marker;
  return JSON.stringify(change);
}

export async function main(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      n: { type: 'string', default: '10000' },
      users: { type: 'string', default: '1000' },
      reps: { type: 'string', default: '5' },
      procs: { type: 'string', default: '1' },
      concurrency: { type: 'string', default: '200' },
      db: { type: 'string', default: 'pglite' },
      systems: { type: 'string', default: SYSTEMS.join(',') },
    },
  });
  const n = Number(values.n);
  const users = Math.min(Number(values.users), n);
  const reps = Number(values.reps);
  const procs = Number(values.procs);
  const concurrency = Number(values.concurrency);
  const { db } = values;
  const systems = values.systems.split(',') as FanoutMode[];
  if (!Number.isInteger(n) || n < 1) throw new Error('--n must be a positive integer');
  if (!Number.isInteger(users) || users < 1 || users > 131_000) throw new Error('--users must be 1..131000');
  if (!Number.isInteger(reps) || reps < 1) throw new Error('--reps must be a positive integer');
  if (!Number.isInteger(procs) || procs < 1) throw new Error('--procs must be a positive integer');
  if (db !== 'pglite' && db !== 'postgres') throw new Error('--db must be pglite or postgres');
  if (systems.some((s) => !SYSTEMS.includes(s))) throw new Error(`--systems: a list of ${SYSTEMS.join(',')}`);

  // Each client is a descriptor in a load process and another in the server (or broker).
  const limitNote = ensureOpenFiles(n + 1024);
  console.log(limitNote);

  const runId = randomBytes(3).toString('hex');
  const cleanups: (() => Promise<unknown> | unknown)[] = [];
  const trigger = new Trigger();
  cleanups.push(() => trigger.close());
  try {
    const dataDir = makeTempDir('fanout');
    cleanups.push(() => fs.rmSync(dataDir, { recursive: true, force: true }));
    const env: Record<string, string> = { MUSTER_SEED: 'never' };
    if (db === 'postgres') {
      const database = await createDatabase('muster_bench');
      cleanups.push(() => database.drop());
      env.DATABASE_URL = database.url;
      env.JWT_SECRET = randomBytes(32).toString('hex');
    }
    const server = await startServer({ dataDir, env });
    cleanups.unshift(() => server.stop());

    console.log(`setup: registering ${users} attendees and an organiser…`);
    const setupStart = performance.now();
    const [organiser] = await registerUsers(server.url, `organiser-${runId}`, 0, 1);
    const attendees = await registerUsers(server.url, `attendee-${runId}`, 1, users);
    const token = organiser!.accessToken;
    const { eventId, startsAt } = await createPublishedEvent(server.url, token, `Fanout bench ${runId}`);
    const session = await call<{ id: string }>(server.url, 'POST', `/api/v1/events/${eventId}/sessions`, {
      token,
      body: {
        title: 'Keynote',
        startsAt: startsAt.toISOString(),
        endsAt: new Date(startsAt.getTime() + 3_600_000).toISOString(),
        room: 'Main hall',
      },
    });
    console.log(`setup done in ${((performance.now() - setupStart) / 1000).toFixed(1)} s`);

    const onAll: { listener?: (marker: string) => void } = {};
    const forkLoads = () =>
      Array.from({ length: procs }, () => {
        const load = forkChild(path.join(import.meta.dirname, 'lib/fanout-load.ts'));
        load.onPush('all', (data) => onAll.listener?.((data as { marker: string }).marker));
        cleanups.unshift(() => load.kill());
        return load;
      });
    const contenders: Contender[] = [];
    const sample = () => contenders.find((c) => c.system.mode === 'muster')?.sample;
    for (const mode of systems) {
      let system: System;
      if (mode === 'muster') {
        await trigger.warm(`${server.url}/healthz`);
        system = {
          mode,
          job: {
            mode,
            url: server.url,
            tokens: attendees.map((a) => a.accessToken),
            scope: `event:${eventId}`,
            label: runId,
          },
          trigger: (marker) =>
            trigger.send('PATCH', `${server.url}/api/v1/sessions/${session.id}`, {
              token,
              body: JSON.stringify({ title: marker }),
            }),
        };
      } else if (mode === 'socketio' || mode === 'ws') {
        const floor = forkChild(path.join(import.meta.dirname, 'lib/floor-server.ts'), [mode]);
        cleanups.unshift(() => floor.kill());
        const { port } = await floor.request<{ port: number }>('start');
        const url = `http://127.0.0.1:${port}`;
        const floorTrigger = new Trigger();
        cleanups.unshift(() => floorTrigger.close());
        await floorTrigger.warm(`${url}/healthz`);
        system = {
          mode,
          job: { mode, url: mode === 'ws' ? `ws://127.0.0.1:${port}` : url, label: runId },
          trigger: (marker) =>
            floorTrigger.send('POST', `${url}/broadcast`, { body: payloadFor(sample(), marker) }),
        };
      } else {
        const broker: Broker = await startMosquitto();
        cleanups.unshift(() => broker.stop());
        console.log(`mqtt: ${broker.version} on ${broker.url}`);
        const topic = `muster/bench/fanout/${runId}`;
        const publisher = mqttConnect(broker.url, { clientId: `publisher-${runId}`, reconnectPeriod: 0 });
        cleanups.unshift(() => publisher.end(true));
        await new Promise((resolve, reject) => {
          publisher.once('connect', resolve);
          publisher.once('error', reject);
        });
        system = {
          mode,
          job: { mode, url: broker.url, topic, label: `sub-${runId}` },
          trigger: async (marker) => {
            const payload = payloadFor(sample(), marker);
            const sentAt = nowMs();
            publisher.publish(topic, payload, { qos: 0 });
            return { status: 200, text: '', sentAt, answeredAt: sentAt };
          },
        };
      }
      const contender: Contender = {
        system,
        loads: forkLoads(),
        connected: 0,
        connectFailed: 0,
        connectErrors: [],
        connectMs: 0,
        active: 0,
        rounds: [],
      };
      contenders.push(contender);
      // One system at a time, so connection storms do not overlap.
      await connect(contender, n, concurrency);
    }
    await sleep(SETTLE_MS);

    // Interleaved rounds: every system once per round, the order rotating from round to round, so
    // whatever else the machine does at some moment hits every system alike. The warm-up round goes
    // in the given order (Muster first: the peers send the change record it pushed).
    for (let rep = 0; rep <= reps; rep++) {
      const order = contenders.map(
        (_, i) => contenders[(i + (rep === 0 ? 0 : rep - 1)) % contenders.length]!,
      );
      for (const contender of order) {
        const marker = `fanout ${runId} ${contender.system.mode} #${rep}`;
        contender.rounds.push(
          await runRound(contender, rep === 0 ? 'warm-up ' : `round ${rep} `, marker, n, onAll),
        );
      }
    }
    for (const contender of contenders)
      await Promise.all(contender.loads.map((load) => load.request('close', {}, 60_000)));
    const results = contenders.map(resultOf);
    return report(results, { n, users, reps, procs, db, limitNote });
  } finally {
    for (const cleanup of cleanups)
      await Promise.resolve()
        .then(cleanup)
        .catch((e: unknown) => console.error(e));
  }
}

function report(
  results: SystemResult[],
  params: { n: number; users: number; reps: number; procs: number; db: string; limitNote: string },
): number {
  const { n } = params;
  const by = (mode: FanoutMode) => results.find((r) => r.mode === mode);
  const muster = by('muster');
  const ws = by('ws');
  const ratio = muster && ws ? muster.median.p50 / ws.median.p50 : Number.NaN;
  const checks = {
    delivered: muster ? muster.deliveredMin === n && muster.duplicates === 0 : false,
    p50VsFloor: Number.isFinite(ratio) && ratio <= TARGET_P50_RATIO,
    p99: muster ? muster.median.p99 <= TARGET_P99_MS : false,
  };
  console.log(
    `\nfanout: N = ${n} clients (${params.users} users), ${params.reps} rounds + 1 warm-up, ` +
      `${params.procs} load process(es), database ${params.db}; median over rounds`,
  );
  const rows: Row[] = results.map((r) => ({
    system: LABEL[r.mode],
    delivered: `${r.deliveredMin}/${n}`,
    p50: ms(r.median.p50),
    p95: ms(r.median.p95),
    p99: ms(r.median.p99),
    max: ms(r.median.max),
    'p50 / ws': ws ? `${(r.median.p50 / ws.median.p50).toFixed(2)} ×` : '',
    'trigger answered': r.mode === 'mqtt' ? '' : ms(r.median.answeredMs),
    connect: `${(r.connectMs / 1000).toFixed(1)} s`,
  }));
  printTable(rows);
  console.log('');
  printTable([
    {
      check: 'Muster delivered (worst round), no duplicates',
      got: muster ? `${muster.deliveredMin}/${n}, ${muster.duplicates} dup` : 'not run',
      want: `${n}/${n}, 0 dup`,
      result: verdict(checks.delivered),
    },
    {
      check: 'p50(Muster) / p50(ws floor)',
      got: Number.isFinite(ratio) ? `${ratio.toFixed(2)} ×` : 'n/a',
      want: `≤ ${TARGET_P50_RATIO} ×`,
      result: verdict(checks.p50VsFloor),
    },
    {
      check: 'p99(Muster)',
      got: muster ? ms(muster.median.p99) : 'n/a',
      want: `≤ ${TARGET_P99_MS} ms`,
      result: verdict(checks.p99),
    },
  ]);
  const pass = Object.values(checks).every(Boolean);
  console.log(`note: ${params.limitNote}`);
  writeResult('fanout', {
    params,
    targets: { p99Ms: TARGET_P99_MS, p50RatioToWs: TARGET_P50_RATIO, delivered: '100 %' },
    method:
      'latency = CLOCK_MONOTONIC at the client handler − CLOCK_MONOTONIC just before the trigger is written; median over rounds of each percentile',
    results,
    ratioP50ToWs: ratio,
    checks,
    pass,
  });
  return pass ? 0 : 1;
}
