/**
 * `rsvp`: N users RSVP 'going' at the same moment for an event with C seats (QUALITY.md: 1,000 for
 * 100 → exactly 100 going, the rest waitlisted in arrival order, p99 ≤ 500 ms).
 *
 * Setup is not timed: the server runs as its own process (embedded PGlite, or `--db=postgres` on a
 * fresh database on 127.0.0.1:5432), users are registered through the API, an organiser creates and
 * publishes the event. Then a separate load process fires all N `PUT /api/v1/events/:id/rsvp`.
 *
 * Registration is rate limited per client address (30 an hour), as it should be. The benchmark does
 * not weaken that: each simulated user registers from its own address, sent as `X-Forwarded-For`
 * (the server trusts a proxy's header) from the RFC 2544 benchmarking range 198.18.0.0/15.
 */
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { call, pool } from './lib/api.ts';
import { printTable, type Row, verdict, writeResult } from './lib/results.ts';
import type { LoadJob, LoadResult } from './lib/rsvp-load.ts';
import { makeTempDir, startServer } from './lib/server.ts';
import { clientAddress, createDatabase } from './lib/setup.ts';
import { ms, summarize } from './lib/stats.ts';

const TARGET_P99_MS = 500;
const REGISTER_CONCURRENCY = 8;
const LOAD_TIMEOUT_MS = 5 * 60_000;
const XFF_NOTE =
  'users registered from distinct X-Forwarded-For addresses (198.18.0.0/15): registration is limited to 30 per hour per client address';

interface Auth {
  accessToken: string;
}
interface EventCounts {
  goingCount?: number;
  waitlistCount?: number;
}

/** Registers the organiser and N users, creates and publishes the event; returns what the load needs. */
async function prepare(base: string, n: number, capacity: number) {
  const password = randomBytes(12).toString('hex');
  const register = (i: number, name: string) =>
    call<Auth>(base, 'POST', '/api/v1/auth/register', {
      body: { email: `${name}-${i}@bench.muster.test`, password, name: `${name} ${i}` },
      headers: { 'x-forwarded-for': clientAddress(i) },
    });
  const { accessToken: token } = await register(n, 'organiser');
  const users = await pool(
    Array.from({ length: n }, (_, i) => i),
    REGISTER_CONCURRENCY,
    (i) => register(i, 'user'),
  );
  const community = await call<{ id: string }>(base, 'POST', '/api/v1/communities', {
    token,
    body: { name: 'RSVP bench' },
  });
  const startsAt = new Date(Date.now() + 7 * 86_400_000);
  const event = await call<{ id: string }>(base, 'POST', '/api/v1/events', {
    token,
    body: {
      communityId: community.id,
      title: `RSVP bench: ${n} for ${capacity}`,
      startsAt: startsAt.toISOString(),
      endsAt: new Date(startsAt.getTime() + 3 * 3_600_000).toISOString(),
      timezone: 'Europe/Berlin',
      visibility: 'public',
      capacity,
    },
  });
  await call(base, 'POST', `/api/v1/events/${event.id}/publish`, { token });
  return { token, eventId: event.id, tokens: users.map((u) => u.accessToken) };
}

/** Runs bench/lib/rsvp-load.ts in its own process; killed if it has not answered in time. */
function runLoad(job: LoadJob): Promise<LoadResult[]> {
  return new Promise((resolve, reject) => {
    const child = fork(path.join(import.meta.dirname, 'lib/rsvp-load.ts'), { execPath: process.execPath });
    const timer = setTimeout(() => child.kill('SIGKILL'), LOAD_TIMEOUT_MS);
    child.once('message', (message: { results?: LoadResult[]; error?: string }) =>
      message.results ? resolve(message.results) : reject(new Error(`load process: ${message.error}`)),
    );
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`load process ended (${code ?? signal}) without results`));
    });
    child.send(job);
  });
}

/** Checks the answers and the event's counters against what exact capacity handling must give. */
function evaluate(results: LoadResult[], after: EventCounts, n: number, capacity: number) {
  const wantGoing = Math.min(n, capacity);
  const wantWaitlist = n - wantGoing;
  const errors = results.filter((r) => r.httpStatus !== 200 || r.error);
  const going = results.filter((r) => r.status === 'going').length;
  const waitlisted = results.filter((r) => r.status === 'waitlisted');
  const positions = waitlisted.map((r) => r.waitlistPosition ?? 0).sort((a, b) => a - b);
  const latency = summarize(results.map((r) => r.latencyMs));
  const checks = {
    going: going === wantGoing,
    waitlisted: waitlisted.length === wantWaitlist,
    positions: positions.length === wantWaitlist && positions.every((p, i) => p === i + 1),
    eventCounts: after.goingCount === wantGoing && after.waitlistCount === wantWaitlist,
    errors: errors.length === 0,
    p99: latency.p99 <= TARGET_P99_MS,
  };
  // Informational only: answers race back over separate connections, so their arrival order is not
  // the server's order; the server's order is what the positions themselves state.
  const arrivalOrder = [...waitlisted]
    .sort((a, b) => a.doneAtMs - b.doneAtMs)
    .map((r) => r.waitlistPosition ?? 0);
  const inversions = arrivalOrder.filter((p, i) => i > 0 && p < (arrivalOrder[i - 1] ?? 0)).length;
  const burstMs = Math.max(...results.map((r) => r.doneAtMs));

  const rows: Row[] = [
    { check: 'going', got: going, want: wantGoing, result: verdict(checks.going) },
    { check: 'waitlisted', got: waitlisted.length, want: wantWaitlist, result: verdict(checks.waitlisted) },
    {
      check: 'positions 1..N−C once each',
      got: checks.positions ? 'yes' : 'no',
      want: 'yes',
      result: verdict(checks.positions),
    },
    {
      check: 'event goingCount / waitlistCount',
      got: `${after.goingCount} / ${after.waitlistCount}`,
      want: `${wantGoing} / ${wantWaitlist}`,
      result: verdict(checks.eventCounts),
    },
    { check: 'errors', got: errors.length, want: 0, result: verdict(checks.errors) },
    { check: 'latency p50', got: ms(latency.p50), want: '', result: '' },
    { check: 'latency p95', got: ms(latency.p95), want: '', result: '' },
    {
      check: 'latency p99',
      got: ms(latency.p99),
      want: `≤ ${TARGET_P99_MS} ms`,
      result: verdict(checks.p99),
    },
    { check: 'latency max', got: ms(latency.max), want: '', result: '' },
    { check: 'last answer after first send', got: ms(burstMs), want: '', result: '' },
  ];
  return {
    checks,
    rows,
    latency,
    burstMs,
    errors,
    going,
    waitlisted: waitlisted.length,
    arrivalOrder,
    inversions,
  };
}

export async function main(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      n: { type: 'string', default: '1000' },
      capacity: { type: 'string', default: '100' },
      db: { type: 'string', default: 'pglite' },
      /** Do not open the connections before the burst (each request also pays a TCP handshake). */
      cold: { type: 'boolean', default: false },
    },
  });
  const n = Number(values.n);
  const capacity = Number(values.capacity);
  const { db, cold } = values;
  if (!Number.isInteger(n) || n < 1 || n > 131_071) throw new Error('--n must be an integer in 1..131071');
  if (!Number.isInteger(capacity) || capacity < 1) throw new Error('--capacity must be a positive integer');
  if (db !== 'pglite' && db !== 'postgres') throw new Error('--db must be pglite or postgres');

  const cleanups: (() => Promise<unknown> | unknown)[] = [];
  try {
    const dataDir = makeTempDir('rsvp');
    cleanups.push(() => fs.rmSync(dataDir, { recursive: true, force: true }));
    const env: Record<string, string> = { MUSTER_SEED: 'never' };
    if (db === 'postgres') {
      const database = await createDatabase('muster_bench_rsvp');
      cleanups.push(() => database.drop());
      env.DATABASE_URL = database.url;
      env.JWT_SECRET = randomBytes(32).toString('hex');
    }
    const setupStart = performance.now();
    const server = await startServer({ dataDir, env });
    cleanups.unshift(() => server.stop());
    console.log(`setup: registering ${n} users and an organiser, each from its own X-Forwarded-For address…`);
    const { token, eventId, tokens } = await prepare(server.url, n, capacity);
    const setupMs = performance.now() - setupStart;
    console.log(`setup done in ${(setupMs / 1000).toFixed(1)} s; firing ${n} RSVPs at once…`);

    const results = await runLoad({ url: server.url, eventId, tokens, cold });
    const after = await call<EventCounts>(server.url, 'GET', `/api/v1/events/${eventId}`, { token });
    const outcome = evaluate(results, after, n, capacity);
    const pass = Object.values(outcome.checks).every(Boolean);

    console.log(`\nrsvp: ${n} users, ${capacity} seats, database ${db}${cold ? ', cold connections' : ''}`);
    printTable(outcome.rows);
    console.log(
      `waitlist positions out of order in answer-arrival order: ${outcome.inversions} (informational)`,
    );
    for (const e of outcome.errors.slice(0, 5))
      console.log(`error: user ${e.user}: HTTP ${e.httpStatus} ${e.error}`);
    console.log(`note: ${XFF_NOTE}`);

    writeResult('rsvp', {
      params: { n, capacity, db, cold },
      setupMs,
      burstMs: outcome.burstMs,
      latency: outcome.latency,
      targetP99Ms: TARGET_P99_MS,
      going: outcome.going,
      waitlisted: outcome.waitlisted,
      eventCounts: after,
      errors: outcome.errors.length,
      errorSamples: outcome.errors.slice(0, 20),
      checks: outcome.checks,
      pass,
      note: XFF_NOTE,
      waitlistPositionsInArrivalOrder: outcome.arrivalOrder,
      requests: results.map((r) => ({
        user: r.user,
        latencyMs: Math.round(r.latencyMs * 10) / 10,
        doneAtMs: Math.round(r.doneAtMs * 10) / 10,
        status: r.status ?? r.httpStatus,
        ...(r.waitlistPosition !== undefined ? { position: r.waitlistPosition } : {}),
      })),
    });
    return pass ? 0 : 1;
  } finally {
    for (const cleanup of cleanups) await cleanup();
  }
}
