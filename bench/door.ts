/**
 * `door`: four doors scan 2,000 tickets in two minutes; one door is offline for the first minute
 * (its verdicts come from the SDK's offline verifier, its scans upload in one batch when it comes
 * back); 20 tickets are presented at two doors. (QUALITY.md: every online verdict p99 ≤ 150 ms,
 * offline verdict ≤ 50 ms in the SDK, every double entry flagged, the door dashboard ≤ 1 s behind.)
 * No peer: no open tool offers an offline door that flags double entries (pretix admits twice).
 *
 * Method: one Muster server (PGlite or PostgreSQL); set-up through the API (not timed): an organiser,
 * four staff scanners, holders with 2,000 free tickets. Scan i is sent at i × duration / N (open
 * loop) by door i mod 4; door 3 decides on its own until half-time with `OfflineVerifier` (the
 * SDK's, fed the event's keys from `checkin/keys`), then uploads its queue with `checkins/batch` and
 * goes online. Each double ticket is scanned by door 3 offline and by door 0 online a moment later.
 * A staff socket follows `door:<eventId>`: the dashboard lag of an admitted scan is the time from its
 * answer to the first `checkin.doorStatsChanged` whose `checkedIn` covers it (admissions ranked by
 * answer time). Times come from one monotonic clock (lib/clock.ts).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import {
  type CheckinBody,
  type CheckinKeys,
  type CheckinResult,
  type DoorStats,
  entities,
  scopes,
  type Ticket,
} from '@muster/protocol';
import { OfflineVerifier } from '@muster/sdk';
import { call, pool } from './lib/api.ts';
import { Cleanup } from './lib/cleanup.ts';
import { nowMs } from './lib/clock.ts';
import { benchSocket, subscribeWithAck, whenConnected } from './lib/connect.ts';
import { printTable, verdict, writeResult } from './lib/results.ts';
import { createPublishedEvent, registerUsers } from './lib/setup.ts';
import { ms, summarize } from './lib/stats.ts';
import { benchDb, startTargetServer } from './lib/target-server.ts';

const DOORS = ['North', 'East', 'South', 'West'];
const OFFLINE_DOOR = 3;
const TICKETS_PER_ORDER = 20;
const ORDERS_PER_HOLDER = 10;

function parseDoorArgs(args: string[]) {
  const { values } = parseArgs({
    args,
    options: {
      tickets: { type: 'string', default: '2000' },
      seconds: { type: 'string', default: '120' },
      doubles: { type: 'string', default: '20' },
      db: { type: 'string', default: 'pglite' },
    },
  });
  const n = Number(values.tickets);
  const durationMs = Number(values.seconds) * 1000;
  const doubles = Number(values.doubles);
  if (!Number.isInteger(n) || n < 40 || n > 20_000) throw new Error('--tickets must be 40..20000');
  if (!(durationMs >= 10_000)) throw new Error('--seconds must be at least 10');
  // A scanner may send 600 scans a minute (SCAN_LIMIT); a faster schedule would measure the limit.
  if ((n / DOORS.length / durationMs) * 60_000 > 550)
    throw new Error('more than 550 scans a minute per door');
  if (!Number.isInteger(doubles) || doubles < 0 || doubles > n / 8)
    throw new Error('--doubles must be 0..tickets/8');
  return { n, durationMs, doubles, db: benchDb(values.db) };
}

interface Scan {
  door: number;
  ticket: Ticket;
  at: number;
}

export async function main(args: string[]): Promise<number> {
  const params = parseDoorArgs(args);
  const cleanup = new Cleanup();
  try {
    return await run(params, cleanup);
  } finally {
    await cleanup.run();
  }
}

async function run(params: ReturnType<typeof parseDoorArgs>, cleanup: Cleanup): Promise<number> {
  const { n, durationMs, doubles } = params;
  const server = await startTargetServer('door', params.db, cleanup);
  const base = server.url;
  const label = `door${randomBytes(3).toString('hex')}`;
  const holderCount = Math.ceil(n / (TICKETS_PER_ORDER * ORDERS_PER_HOLDER));
  const [organiser, ...rest] = await registerUsers(base, label, 0, 1 + DOORS.length + holderCount);
  const scanners = rest.slice(0, DOORS.length);
  const holders = rest.slice(DOORS.length);
  const { eventId } = await createPublishedEvent(base, organiser!.accessToken, `Door bench ${label}`);
  const type = await call<{ id: string }>(base, 'POST', `/api/v1/events/${eventId}/ticket-types`, {
    token: organiser!.accessToken,
    body: { name: 'General admission', priceCents: 0, currency: 'EUR', quantity: n },
  });
  for (const scanner of scanners)
    await call(base, 'PUT', `/api/v1/events/${eventId}/roles/${scanner.id}`, {
      token: organiser!.accessToken,
      body: { role: 'staff' },
    });
  const tickets: Ticket[] = [];
  await pool(holders, 2, async (holder, h) => {
    const wanted = Math.min(
      n - h * TICKETS_PER_ORDER * ORDERS_PER_HOLDER,
      TICKETS_PER_ORDER * ORDERS_PER_HOLDER,
    );
    for (let left = wanted; left > 0; left -= TICKETS_PER_ORDER) {
      const order = await call<{ tickets: Ticket[] }>(base, 'POST', `/api/v1/events/${eventId}/orders`, {
        token: holder.accessToken,
        body: { items: [{ ticketTypeId: type.id, quantity: Math.min(left, TICKETS_PER_ORDER) }] },
      });
      tickets.push(...order.tickets);
    }
  });
  console.log(`set up: ${tickets.length} tickets, ${DOORS.length} doors, ${doubles} presented twice`);

  // The offline door prepared as a scanner app does: the keys and revocation list, fetched online.
  const keys = await call<CheckinKeys>(base, 'GET', `/api/v1/events/${eventId}/checkin/keys`, {
    token: scanners[OFFLINE_DOOR]!.accessToken,
  });
  const verifier = new OfflineVerifier(keys);

  // The dashboard as a staff member's phone receives it.
  const socket = benchSocket(base, organiser!.accessToken);
  const stats: { at: number; checkedIn: number }[] = [];
  socket.on('change', (change: { entity: string; data: DoorStats }) => {
    if (change.entity === entities.checkin.doorStatsChanged)
      stats.push({ at: nowMs(), checkedIn: change.data.checkedIn });
  });
  await whenConnected(socket);
  const scope = scopes.door(eventId);
  await subscribeWithAck<{ heads?: Record<string, number> }>(
    socket,
    'subscribe',
    { scopes: [scope] },
    (ack) => !!ack.heads && scope in ack.heads,
  );
  cleanup.add('close the dashboard socket', async () => {
    socket.close();
  });

  // The schedule: each ticket once, at door i mod 4; the doubles again at door 0 right after door 3.
  const schedule: Scan[] = tickets.map((ticket, i) => ({
    door: i % DOORS.length,
    ticket,
    at: (i * durationMs) / tickets.length,
  }));
  const offlineUntil = durationMs / 2;
  const doubled = schedule.filter((s) => s.door === OFFLINE_DOOR && s.at < offlineUntil).slice(0, doubles);
  for (const s of doubled) schedule.push({ door: 0, ticket: s.ticket, at: s.at + 500 });
  schedule.sort((a, b) => a.at - b.at);

  const online: number[] = [];
  const offline: number[] = [];
  const admittedAcks: number[] = [];
  const queue: CheckinBody[] = [];
  const results: CheckinResult[] = [];
  let upload: { ms: number; conflicts: number } | undefined;
  const start = nowMs();
  const sleepUntil = (t: number) =>
    new Promise((resolve) => setTimeout(resolve, Math.max(0, start + t - nowMs())));

  const uploadQueue = async () => {
    await sleepUntil(offlineUntil);
    const sent = nowMs();
    const answer = await call<{ results: CheckinResult[] }>(
      base,
      'POST',
      `/api/v1/events/${eventId}/checkins/batch`,
      {
        token: scanners[OFFLINE_DOOR]!.accessToken,
        body: { scans: queue },
      },
    );
    const done = nowMs();
    upload = { ms: done - sent, conflicts: answer.results.filter((r) => r.conflict).length };
    for (const r of answer.results) if (r.result === 'admitted') admittedAcks.push(done);
    results.push(...answer.results);
  };

  const sends = schedule.map(async (scan) => {
    await sleepUntil(scan.at);
    const body: CheckinBody = {
      qr: scan.ticket.qr,
      doorId: DOORS[scan.door],
      scanId: randomUUID(),
      scannedAt: new Date().toISOString(),
    };
    if (scan.door === OFFLINE_DOOR && scan.at < offlineUntil) {
      const t0 = nowMs();
      const check = verifier.check(body.qr!);
      if (check.verdict === 'admitted' && check.ticketId) verifier.remember(check.ticketId, 'in');
      offline.push(nowMs() - t0);
      if (check.verdict === 'admitted') queue.push({ ...body, offlineVerdict: 'admitted' });
      return;
    }
    const t0 = nowMs();
    const result = await call<CheckinResult>(base, 'POST', `/api/v1/events/${eventId}/checkins`, {
      token: scanners[scan.door]!.accessToken,
      body,
    });
    const t1 = nowMs();
    online.push(t1 - t0);
    results.push(result);
    if (result.result === 'admitted') admittedAcks.push(t1);
  });
  await Promise.all([...sends, uploadQueue()]);
  const lastAck = nowMs();

  // The dashboard: wait for it to settle, then rank admissions by answer time.
  await new Promise((resolve) => setTimeout(resolve, 2000));
  admittedAcks.sort((a, b) => a - b);
  const lags = admittedAcks.map((ack, i) => {
    const seen = stats.find((s) => s.at >= ack && s.checkedIn >= i + 1 - doubles);
    return seen ? seen.at - ack : Number.POSITIVE_INFINITY;
  });
  // Where the slowest dashboard updates fell (seconds into the run): tells an upload from a stall.
  const slowest = lags
    .map((lag, i) => ({
      atS: Number(((admittedAcks[i]! - start) / 1000).toFixed(2)),
      lagMs: Math.round(lag),
    }))
    .sort((a, b) => b.lagMs - a.lagMs)
    .slice(0, 5);
  const final = await call<DoorStats>(base, 'GET', `/api/v1/events/${eventId}/door`, {
    token: organiser!.accessToken,
  });
  const flagged = final.conflicts.filter((c) => c.checkins.length >= 2).length;
  const onlineSummary = summarize(online);
  const offlineSummary = summarize(offline);
  const lagSummary = summarize(lags.filter(Number.isFinite));
  const unseen = lags.filter((l) => !Number.isFinite(l)).length;
  const ok = {
    online: onlineSummary.p99 <= 150,
    offline: offlineSummary.p99 <= 50,
    flagged: flagged === doubles,
    lag: unseen === 0 && lagSummary.max <= 1000,
    counted: final.checkedIn === tickets.length,
  };
  console.log(
    `\nscans: ${online.length} online, ${offline.length} offline (uploaded in ${upload ? ms(upload.ms) : '—'}), ${((lastAck - start) / 1000).toFixed(1)} s`,
  );
  printTable([
    {
      measure: 'online verdict p50 / p99',
      value: `${ms(onlineSummary.p50)} / ${ms(onlineSummary.p99)}`,
      target: '≤ 150 ms p99',
      verdict: verdict(ok.online),
    },
    {
      measure: 'offline verdict (SDK) p50 / p99',
      value: `${ms(offlineSummary.p50)} / ${ms(offlineSummary.p99)}`,
      target: '≤ 50 ms',
      verdict: verdict(ok.offline),
    },
    {
      measure: 'double entries flagged',
      value: `${flagged} of ${doubles}`,
      target: 'all',
      verdict: verdict(ok.flagged),
    },
    {
      measure: 'dashboard lag p50 / p99 / max',
      value: `${ms(lagSummary.p50)} / ${ms(lagSummary.p99)} / ${ms(lagSummary.max)}${unseen ? ` (${unseen} never seen)` : ''}`,
      target: '≤ 1 s',
      verdict: verdict(ok.lag),
    },
    {
      measure: 'checked in (dashboard)',
      value: `${final.checkedIn} of ${final.expected}`,
      target: `${tickets.length}`,
      verdict: verdict(ok.counted),
    },
  ]);
  console.log(`slowest dashboard updates: ${slowest.map((s) => `${s.lagMs} ms at ${s.atS} s`).join(', ')}`);
  writeResult('door', {
    params,
    online: onlineSummary,
    offline: offlineSummary,
    upload,
    flagged,
    lag: lagSummary,
    unseen,
    final: { checkedIn: final.checkedIn, expected: final.expected, conflicts: final.conflicts.length },
    statsRecords: stats.length,
  });
  return Object.values(ok).every(Boolean) ? 0 : 1;
}
