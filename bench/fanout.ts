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
 *
 * Steps: set-up (here), the systems (bench/lib/fanout-systems.ts), connecting and the rounds
 * (fanout-rounds.ts, driving fanout-load.ts), the report (fanout-report.ts).
 */
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { call } from './lib/api.ts';
import { Cleanup } from './lib/cleanup.ts';
import type { FanoutMode } from './lib/fanout-load.ts';
import { type FanoutParams, report } from './lib/fanout-report.ts';
import {
  type AllReceived,
  type Contender,
  connect,
  contenderFor,
  resultOf,
  runRounds,
} from './lib/fanout-rounds.ts';
import {
  floorSystem,
  type MusterTarget,
  mqttSystem,
  musterSystem,
  type System,
} from './lib/fanout-systems.ts';
import { ensureOpenFiles } from './lib/limits.ts';
import { createPublishedEvent, registerUsers } from './lib/setup.ts';
import { benchDb, startTargetServer } from './lib/target-server.ts';
import { Trigger } from './lib/trigger.ts';

const SETTLE_MS = 3000;
const SYSTEMS: FanoutMode[] = ['muster', 'socketio', 'ws', 'mqtt'];

interface FanoutOptions extends Omit<FanoutParams, 'limitNote'> {
  concurrency: number;
  systems: FanoutMode[];
}

function parseFanoutArgs(args: string[]): FanoutOptions {
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
  const systems = values.systems.split(',') as FanoutMode[];
  if (!Number.isInteger(n) || n < 1) throw new Error('--n must be a positive integer');
  if (!Number.isInteger(users) || users < 1 || users > 131_000) throw new Error('--users must be 1..131000');
  if (!Number.isInteger(reps) || reps < 1) throw new Error('--reps must be a positive integer');
  if (!Number.isInteger(procs) || procs < 1) throw new Error('--procs must be a positive integer');
  const db = benchDb(values.db);
  if (systems.some((s) => !SYSTEMS.includes(s))) throw new Error(`--systems: a list of ${SYSTEMS.join(',')}`);
  return { n, users, reps, procs, db, concurrency: Number(values.concurrency), systems };
}

/** Registers the attendees and an organiser, who creates a published event with one session. */
async function prepareFanout(url: string, users: number, runId: string): Promise<MusterTarget> {
  console.log(`setup: registering ${users} attendees and an organiser…`);
  const setupStart = performance.now();
  const [organiser] = await registerUsers(url, `organiser-${runId}`, 0, 1);
  const attendees = await registerUsers(url, `attendee-${runId}`, 1, users);
  const token = organiser!.accessToken;
  const { eventId, startsAt } = await createPublishedEvent(url, token, `Fanout bench ${runId}`);
  const session = await call<{ id: string }>(url, 'POST', `/api/v1/events/${eventId}/sessions`, {
    token,
    body: {
      title: 'Keynote',
      startsAt: startsAt.toISOString(),
      endsAt: new Date(startsAt.getTime() + 3_600_000).toISOString(),
      room: 'Main hall',
    },
  });
  console.log(`setup done in ${((performance.now() - setupStart) / 1000).toFixed(1)} s`);
  const tokens = attendees.map((a) => a.accessToken);
  return { url, tokens, eventId, organiserToken: token, sessionId: session.id };
}

export async function main(args: string[]): Promise<number> {
  const { concurrency, systems, ...params } = parseFanoutArgs(args);
  const { n, procs } = params;
  // Each client is a descriptor in a load process and another in the server (or broker).
  const limitNote = ensureOpenFiles(n + 1024);
  console.log(limitNote);

  const runId = randomBytes(3).toString('hex');
  const cleanup = new Cleanup();
  const trigger = new Trigger();
  cleanup.add('close the trigger', () => trigger.close());
  try {
    const server = await startTargetServer('fanout', params.db, cleanup);
    const target = await prepareFanout(server.url, params.users, runId);
    const onAll: AllReceived = {};
    const contenders: Contender[] = [];
    const sample = () => contenders.find((c) => c.system.mode === 'muster')?.sample;
    for (const mode of systems) {
      let system: System;
      if (mode === 'muster') {
        await trigger.warm(`${server.url}/healthz`);
        system = musterSystem(target, trigger, runId);
      } else if (mode === 'mqtt') system = await mqttSystem(runId, sample, cleanup);
      else system = await floorSystem(mode, runId, sample, cleanup);
      const contender = contenderFor(system, procs, onAll, cleanup);
      contenders.push(contender);
      // One system at a time, so connection storms do not overlap.
      await connect(contender, n, concurrency);
    }
    await sleep(SETTLE_MS);
    await runRounds(contenders, params.reps, n, runId, onAll);
    for (const contender of contenders)
      await Promise.all(contender.loads.map((load) => load.request('close', {}, 60_000)));
    return report(contenders.map(resultOf), { ...params, limitNote });
  } finally {
    await cleanup.run();
  }
}
