/**
 * Drill `node-kill` (QUALITY.md, reliability): kill -9 one of two server nodes during a chat load.
 * Passes only if no acknowledged message is lost, none is shown twice, every client shows each
 * channel in seq order, and every client resumed (reconnected and caught up) within 10 s.
 *
 * Set-up: a fresh PostgreSQL database, the local Redis, two nodes (`node apps/server/src/main.ts
 * serve`, all roles, same JWT secret) behind nginx (sticky per client address, WebSocket upgrade),
 * 200 clients — half WebSocket-only, a quarter long-polling only, a quarter polling upgraded to
 * WebSocket — in 4 topic channels, each its own user, each sending 0.25 messages/s (50/s in all)
 * through an outbox. After 5 s of load every client sends one more message at once and node B
 * gets SIGKILL 200 ms later, with its share of that burst in flight; the load goes on for 15 s; then
 * sending stops, outboxes drain, and the checks compare every client's view and every ack with the
 * server's log. "Resumed" means connected again (if the kill cut the client off) and holding every
 * message created before the kill. Everything started is stopped and the database dropped, also
 * on failure or Ctrl-C; a failed run keeps the nodes' and nginx's logs under .tmp/.
 *
 * The rate is a drill parameter, not a benchmark: the survivor must absorb the whole load plus
 * the reconnection storm on a 2-core machine that also runs PostgreSQL, Redis, nginx and the 200
 * clients (see docs/reliability.md for what happens at 0.5/s).
 */
import { randomBytes, randomInt } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { ChatClient, now, type Transport } from './lib/chat-client.ts';
import {
  Cleanup,
  ensureNginx,
  freePort,
  type MusterNode,
  readTail,
  startNginx,
  startNode,
  tempDir,
} from './lib/processes.ts';
import { checkRedis, createDrillDatabase } from './lib/services.ts';

interface Check {
  check: string;
  got: string;
  want: string;
  ok: boolean;
}

/** The i-th address of 198.18.0.0/15 (RFC 2544, for benchmarks and tests). */
const address = (i: number) => `198.${18 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}`;

async function api<T>(
  base: string,
  method: string,
  route: string,
  options: { token?: string; body?: unknown; from: string },
): Promise<T> {
  const headers: Record<string, string> = { 'x-forwarded-for': options.from };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${base}${route}`, {
    method,
    headers,
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
    signal: AbortSignal.timeout(15_000),
  }).catch((error: unknown) => {
    throw new Error(`${method} ${base}${route}: ${(error as Error).message}`);
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${route} → ${response.status} ${text.slice(0, 300)}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

interface LogMessage {
  id: string;
  seq: number;
  clientMsgId: string;
  createdAt: string;
}

async function channelLog(
  base: string,
  channelId: string,
  token: string,
  from: string,
): Promise<LogMessage[]> {
  const items: LogMessage[] = [];
  for (let after = 0; ; ) {
    const page = await api<{ items: LogMessage[]; nextCursor: string | null }>(
      base,
      'GET',
      `/api/v1/channels/${channelId}/messages?after=${after}&limit=200`,
      { token, from },
    );
    items.push(...page.items);
    if (!page.nextCursor) return items;
    after = Number(page.nextCursor);
  }
}

async function channelHead(base: string, channelId: string, token: string, from: string): Promise<number> {
  return (
    await api<{ head: number }>(base, 'GET', `/api/v1/channels/${channelId}/messages?limit=1`, {
      token,
      from,
    })
  ).head;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (!sorted.length) return Number.NaN;
  return sorted[Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length))) - 1]!;
}

function printTable(rows: Record<string, string>[]): void {
  const columns = Object.keys(rows[0] ?? {});
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => (r[c] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => cell.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  console.log(line(columns));
  console.log(line(widths.map((w) => '-'.repeat(w))));
  for (const row of rows) console.log(line(columns.map((c) => row[c] ?? '')));
}

export async function main(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      clients: { type: 'string', default: '200' },
      channels: { type: 'string', default: '4' },
      /** Messages per second per client. */
      rate: { type: 'string', default: '0.25' },
      before: { type: 'string', default: '5' },
      after: { type: 'string', default: '15' },
      'resume-limit': { type: 'string', default: '10' },
      /** Milliseconds between the burst of sends (one per client) and the kill. */
      'kill-after-burst': { type: 'string', default: '200' },
      /** The nodes' LOG_LEVEL (their logs are kept under .tmp/ when the drill fails). */
      'log-level': { type: 'string', default: 'warn' },
    },
  });
  const clientCount = Number(values.clients);
  const channelCount = Number(values.channels);
  const rate = Number(values.rate);
  const beforeMs = Number(values.before) * 1000;
  const afterMs = Number(values.after) * 1000;
  const resumeLimitMs = Number(values['resume-limit']) * 1000;
  if (!Number.isInteger(clientCount) || clientCount < 4) throw new Error('--clients must be an integer ≥ 4');
  if (!Number.isInteger(channelCount) || channelCount < 1) throw new Error('--channels must be ≥ 1');
  if (!(rate > 0 && rate <= 2)) throw new Error('--rate must be in (0, 2] messages/s per client');

  const started = now();
  const elapsed = () => `${((now() - started) / 1000).toFixed(1)} s`;
  const say = (text: string) => console.log(`[${elapsed()}] ${text}`);
  const cleanup = new Cleanup();
  const clients: ChatClient[] = [];
  const timers: NodeJS.Timeout[] = [];
  let dir = '';
  let failedOutput = '';
  try {
    ensureNginx();
    const redisUrl = await checkRedis();
    const db = await createDrillDatabase();
    cleanup.add(`drop database ${db.name}`, () => db.drop());
    dir = tempDir('node-kill');
    cleanup.add('remove temp dir', () => fs.rmSync(dir, { recursive: true, force: true }));
    say(`database ${db.name}, Redis ${redisUrl}, temp dir ${dir}`);

    const nginxPort = await freePort();
    const publicUrl = `http://127.0.0.1:${nginxPort}`;
    const jwtSecret = randomBytes(32).toString('hex');
    const nodeEnv = (name: string) => {
      const dataDir = path.join(dir, name);
      fs.mkdirSync(dataDir);
      return {
        DATABASE_URL: db.url,
        REDIS_URL: redisUrl,
        JWT_SECRET: jwtSecret,
        MUSTER_DATA_DIR: dataDir,
        LOG_LEVEL: values['log-level'],
        PUBLIC_URL: publicUrl,
      };
    };
    const nodes: MusterNode[] = [];
    for (const name of ['node-a', 'node-b']) {
      // One at a time: the first applies the migrations to the fresh database.
      const node = await startNode(name, nodeEnv(name), dir);
      nodes.push(node);
      cleanup.add(`stop ${name}`, () => node.stop());
      say(`${name} ready on ${node.url} (pid ${node.child.pid})`);
    }
    const [nodeA, nodeB] = nodes as [MusterNode, MusterNode];
    const nginx = await startNginx(
      nodes.map((n) => `127.0.0.1:${n.port}`),
      dir,
      nginxPort,
    );
    cleanup.add('stop nginx', () => nginx.stop(5000));
    say(`nginx on ${nginx.url} (pid ${nginx.child.pid}) → ${nodes.map((n) => n.port).join(', ')}`);

    // Users, each registering from its own address (registration is limited per address); a
    // random block of the range per run, so runs back to back stay far below that limit.
    const base = randomInt(0, 131_072 - clientCount - 2);
    const password = randomBytes(12).toString('hex');
    const tag = randomBytes(3).toString('hex');
    const register = (i: number, name: string) =>
      api<{ user: { id: string }; accessToken: string }>(nginx.url, 'POST', '/api/v1/auth/register', {
        from: address(base + i),
        body: { email: `${name}-${tag}-${i}@drill.muster.test`, password, name: `${name} ${i}` },
      });
    const organiser = await register(clientCount, 'organiser');
    const users: { user: { id: string }; accessToken: string }[] = [];
    for (let i = 0; i < clientCount; i += 8)
      users.push(
        ...(await Promise.all(
          Array.from({ length: Math.min(8, clientCount - i) }, (_, j) => register(i + j, 'user')),
        )),
      );
    const orgFrom = address(base + clientCount);
    const community = await api<{ id: string }>(nginx.url, 'POST', '/api/v1/communities', {
      token: organiser.accessToken,
      from: orgFrom,
      body: { name: `Drill ${tag}` },
    });
    const startsAt = new Date(Date.now() + 86_400_000);
    const event = await api<{ id: string }>(nginx.url, 'POST', '/api/v1/events', {
      token: organiser.accessToken,
      from: orgFrom,
      body: {
        communityId: community.id,
        title: `Node-kill drill ${tag}`,
        startsAt: startsAt.toISOString(),
        endsAt: new Date(startsAt.getTime() + 3_600_000).toISOString(),
        timezone: 'UTC',
        visibility: 'public',
      },
    });
    await api(nginx.url, 'POST', `/api/v1/events/${event.id}/publish`, {
      token: organiser.accessToken,
      from: orgFrom,
    });
    const channelIds: string[] = [];
    for (let c = 0; c < channelCount; c++) {
      const channel = await api<{ id: string }>(nginx.url, 'POST', `/api/v1/events/${event.id}/channels`, {
        token: organiser.accessToken,
        from: orgFrom,
        body: { name: `drill ${c}`, kind: 'topic' },
      });
      channelIds.push(channel.id);
    }
    say(`${clientCount} users registered, event and ${channelCount} channels created`);

    const transportsOf = (i: number): Transport[] =>
      i % 4 === 0 ? ['polling'] : i % 4 === 1 ? ['polling', 'websocket'] : ['websocket'];
    for (let i = 0; i < clientCount; i++) {
      clients.push(
        new ChatClient({
          index: i,
          baseUrl: nginx.url,
          token: users[i]!.accessToken,
          channelId: channelIds[i % channelCount]!,
          address: address(base + i),
          transports: transportsOf(i),
          tag,
        }),
      );
    }
    const connectDeadline = now() + 20_000;
    while (clients.some((c) => !c.socket.connected || c.subscribedAt === undefined)) {
      if (now() > connectDeadline) {
        const missing = clients.filter((c) => !c.socket.connected).length;
        throw new Error(`${missing} clients did not connect within 20 s`);
      }
      await sleep(100);
    }
    await sleep(500);
    say(
      `${clientCount} clients connected and subscribed (${clients.filter((c) => c.transport === 'websocket').length} on WebSocket, ${clients.filter((c) => c.transport === 'polling').length} long-polling)`,
    );

    // Load: each client sends every 1/rate s, phases spread evenly.
    const periodMs = 1000 / rate;
    for (const client of clients) {
      const first = setTimeout(() => {
        client.send();
        timers.push(setInterval(() => client.send(), periodMs));
      }, Math.random() * periodMs);
      timers.push(first);
    }
    await sleep(beforeMs);

    // Every client sends one more message at once, and node B dies while its share is in flight:
    // some die uncommitted, some commit without their ack getting out, some commit unpublished.
    for (const client of clients) client.send();
    await sleep(Number(values['kill-after-burst']));
    nodeB.child.kill('SIGKILL');
    const killedAt = now();
    const killedAtWall = Date.now();
    const aliveFrom = address(base + clientCount + 1);
    const cursorsAtKill = new Map(clients.map((c) => [c, c.cursor]));
    say(`SIGKILL node-b (pid ${nodeB.child.pid}); load continues ${afterMs / 1000} s`);
    await nodeB.exited;
    await sleep(afterMs);

    for (const timer of timers) clearTimeout(timer);
    say('sending stopped; draining outboxes and catching up…');
    // Long enough for a `heads` beat (every 15 s): a client that missed the last push learns of it
    // only from there, as it would in the field. Nothing here nudges a client to sync.
    const drainDeadline = now() + 25_000;
    let finalHeads = new Map<string, number>(channelIds.map((id) => [id, Number.POSITIVE_INFINITY]));
    for (;;) {
      try {
        const heads = new Map<string, number>();
        for (const [c, id] of channelIds.entries())
          heads.set(id, await channelHead(nodeA.url, id, users[c]!.accessToken, aliveFrom));
        finalHeads = heads;
      } catch (error) {
        say(`reading the heads failed (${(error as Error).message}); retrying`);
      }
      const pending = clients.reduce((a, c) => a + c.outbox.size, 0);
      const behind = clients.filter((c) => c.cursor < (finalHeads.get(c.options.channelId) ?? 0)).length;
      if (pending === 0 && behind === 0) break;
      if (now() > drainDeadline) {
        say(`drain timed out: ${pending} messages still in outboxes, ${behind} clients behind`);
        break;
      }
      await sleep(200);
    }
    say('drained; reading the server log and checking');

    // --- checks -------------------------------------------------------------------------------
    const logs = new Map<string, LogMessage[]>();
    for (const [c, id] of channelIds.entries())
      logs.set(id, await channelLog(nodeA.url, id, users[c]!.accessToken, aliveFrom));
    // What "caught up" means for each channel: every message created before the kill.
    const headsAtKill = new Map<string, number>();
    for (const [id, log] of logs)
      headsAtKill.set(
        id,
        Math.max(0, ...log.filter((m) => Date.parse(m.createdAt) <= killedAtWall).map((m) => m.seq)),
      );
    const checks: Check[] = [];
    const add = (check: string, got: string | number, want: string | number, ok: boolean) =>
      checks.push({ check, got: String(got), want: String(want), ok });

    let gaps = 0;
    let storedTwice = 0;
    for (const log of logs.values()) {
      log.forEach((m, i) => {
        if (m.seq !== i + 1) gaps++;
      });
      const ids = new Set(log.map((m) => m.clientMsgId));
      storedTwice += log.length - ids.size;
    }
    const totalLog = [...logs.values()].reduce((a, l) => a + l.length, 0);

    let ackedTotal = 0;
    let dedupedRetries = 0;
    let ackedLost = 0;
    let ackMismatch = 0;
    let causal = 0;
    for (const client of clients) {
      const log = logs.get(client.options.channelId)!;
      const bySeq = new Map(log.map((m) => [m.seq, m]));
      const acked = [...client.acked.values()];
      ackedTotal += acked.length;
      for (const a of acked) {
        const stored = bySeq.get(a.seq);
        if (!stored) ackedLost++;
        else if (stored.id !== a.id || stored.clientMsgId !== a.clientMsgId) ackMismatch++;
        // A retry answered with the message an earlier attempt committed: idempotency at work.
        else if (a.attempts > 1 && Date.parse(stored.createdAt) < a.lastAttemptWall) dedupedRetries++;
      }
      // Causality: a message first sent after another was acked must come after it.
      const bySend = acked.sort((x, y) => x.firstSentAt - y.firstSentAt);
      for (let j = 1; j < bySend.length; j++)
        for (let i = 0; i < j; i++)
          if (bySend[i]!.ackedAt < bySend[j]!.firstSentAt && bySend[i]!.seq > bySend[j]!.seq) causal++;
    }
    const neverAcked = clients.reduce((a, c) => a + c.outbox.size, 0);
    const sentTotal = ackedTotal + neverAcked;

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
      const same = ids.length === log.length && log.every((m, i) => ids[i] === m.id);
      if (!same) clientsDiffering++;
    }

    // Resume: connected again (if the kill cut it off) and caught up to the heads at the kill.
    const resumeMs: number[] = [];
    let notResumed = 0;
    const slow: string[] = [];
    let moved = 0;
    const movedByTransport: Record<string, number> = {};
    for (const client of clients) {
      const afterKill = client.connections.filter((e) => e.at >= killedAt);
      const cutOff = afterKill.some((e) => e.type === 'disconnect');
      if (cutOff) {
        moved++;
        const key = transportsOf(client.options.index).join('+');
        movedByTransport[key] = (movedByTransport[key] ?? 0) + 1;
      }
      const lastConnect = afterKill.filter((e) => e.type === 'connect').at(-1)?.at;
      const last = client.connections.at(-1);
      const target = headsAtKill.get(client.options.channelId) ?? 0;
      const caughtUp = (cursorsAtKill.get(client) ?? 0) >= target ? killedAt : client.reachedAt(target);
      const describe = () =>
        `client ${client.options.index} (${transportsOf(client.options.index).join('+')}, now ${client.transport}): ` +
        `cursor ${cursorsAtKill.get(client)} at kill → ${client.cursor}, target ${target}, caught up ` +
        `${caughtUp === undefined ? 'never' : `+${((caughtUp - killedAt) / 1000).toFixed(2)} s`}; after the kill: ` +
        (afterKill
          .map(
            (e) => `${e.type}${e.detail ? `(${e.detail})` : ''} +${((e.at - killedAt) / 1000).toFixed(2)} s`,
          )
          .join(', ') || 'no events') +
        `; syncs ${client.syncCalls} (${client.syncFailures} failed); errors ${JSON.stringify(client.errors)}\n    trace: ` +
        client.trace
          .filter(([t]) => t >= killedAt - 1000)
          .map(([t, what]) => `${((t - killedAt) / 1000).toFixed(2)} s ${what}`)
          .join('; ');
      if (caughtUp === undefined || last?.type !== 'connect' || (cutOff && lastConnect === undefined)) {
        notResumed++;
        slow.push(describe());
        continue;
      }
      const resumedAt = Math.max(caughtUp, cutOff ? (lastConnect as number) : killedAt);
      const ms = resumedAt - killedAt;
      resumeMs.push(ms);
      if (ms > resumeLimitMs) {
        notResumed++;
        slow.push(describe());
      }
    }
    const fatal = clients.flatMap((c) => c.fatal);

    add('acknowledged messages lost (ack not in the log)', ackedLost, 0, ackedLost === 0);
    add('acks that disagree with the log (id/seq)', ackMismatch, 0, ackMismatch === 0);
    add('messages never acknowledged after the drain', neverAcked, 0, neverAcked === 0);
    add('messages stored twice (same clientMsgId)', storedTwice, 0, storedTwice === 0);
    add('server log gaps (seq ≠ 1..n)', gaps, 0, gaps === 0);
    add('log messages missing at a member client', notShown, 0, notShown === 0);
    add('messages shown twice at a client', shownTwice, 0, shownTwice === 0);
    add('clients shown out of seq order', outOfOrder, 0, outOfOrder === 0);
    add('clients whose view ≠ the server log', clientsDiffering, 0, clientsDiffering === 0);
    add('causal order violations (sent after an ack, lower seq)', causal, 0, causal === 0);
    add(
      `clients resumed within ${resumeLimitMs / 1000} s of the kill`,
      `${clientCount - notResumed}/${clientCount} (max ${(Math.max(0, ...resumeMs) / 1000).toFixed(2)} s)`,
      `${clientCount}/${clientCount}`,
      notResumed === 0,
    );
    add(
      'clients the kill cut off (drill is meaningful)',
      `${moved} ${JSON.stringify(movedByTransport)}`,
      '> 0',
      moved > 0,
    );
    add('fatal client errors (refused send, sync reset)', fatal.length, 0, fatal.length === 0);

    const errors: Record<string, number> = {};
    for (const c of clients)
      for (const [code, n] of Object.entries(c.errors)) errors[code] = (errors[code] ?? 0) + n;
    console.log('');
    console.log(
      `node-kill: ${clientCount} clients (${channelCount} channels), ${sentTotal} messages sent, ${ackedTotal} acked, ` +
        `${clients.reduce((a, c) => a + c.resends, 0)} resends (${dedupedRetries} answered with an earlier attempt's commit), ${totalLog} in the log; ` +
        `${clients.reduce((a, c) => a + c.syncCalls, 0)} sync calls (${clients.reduce((a, c) => a + c.syncFailures, 0)} failed)`,
    );
    console.log(
      `resume after the kill: p50 ${(percentile(resumeMs, 50) / 1000).toFixed(2)} s, p99 ${(percentile(resumeMs, 99) / 1000).toFixed(2)} s, ` +
        `max ${(Math.max(0, ...resumeMs) / 1000).toFixed(2)} s; client-side retries: ${JSON.stringify(errors)}`,
    );
    printTable(
      checks.map((c) => ({ check: c.check, got: c.got, want: c.want, result: c.ok ? 'PASS' : 'FAIL' })),
    );
    for (const line of fatal.slice(0, 5)) console.log(`fatal: ${line}`);
    for (const line of slow.slice(0, 10)) console.log(`not resumed in time: ${line}`);
    const ackMs = clients.flatMap((c) => [...c.acked.values()].map((a) => a.ackedAt - a.firstSentAt));
    console.log(
      `send → ack (first send to ack, resends included): p50 ${percentile(ackMs, 50).toFixed(0)} ms, ` +
        `p99 ${percentile(ackMs, 99).toFixed(0)} ms, max ${Math.max(...ackMs).toFixed(0)} ms`,
    );
    const timedOut = clients.find((c) => c.errors['send:timeout']);
    if (process.env.DRILL_TRACE && timedOut)
      console.log(
        `trace of client ${timedOut.options.index}: ${timedOut.trace.map(([t, what]) => `${((t - killedAt) / 1000).toFixed(2)} s ${what}`).join('; ')}`,
      );
    const pass = checks.every((c) => c.ok);
    if (!pass)
      failedOutput = `node-a log tail:\n${readTail(path.join(dir, 'node-a.log'), 3000)}\nnginx error log tail:\n${readTail(path.join(dir, 'error.log'), 2000)}`;
    console.log(`\nnode-kill drill ${pass ? 'PASSED' : 'FAILED'} in ${elapsed()}`);
    return pass ? 0 : 1;
  } catch (error) {
    if (dir)
      failedOutput = `node-a log tail:\n${readTail(path.join(dir, 'node-a.log'), 3000)}\nnode-b log tail:\n${readTail(path.join(dir, 'node-b.log'), 3000)}\nnginx error log tail:\n${readTail(path.join(dir, 'error.log'), 2000)}`;
    throw error;
  } finally {
    for (const timer of timers) clearTimeout(timer);
    for (const client of clients) client.close();
    if (failedOutput) {
      console.log(failedOutput);
      // Keep the logs of a failed run where CI and people can find them (.tmp/ is git-ignored).
      const keep = path.resolve(import.meta.dirname, '../../.tmp', `drill-node-kill-${Date.now()}`);
      fs.mkdirSync(keep, { recursive: true });
      for (const file of ['node-a.log', 'node-b.log', 'error.log', 'nginx.conf'])
        if (fs.existsSync(path.join(dir, file))) fs.copyFileSync(path.join(dir, file), path.join(keep, file));
      console.log(`logs kept in ${path.relative(process.cwd(), keep)}`);
    }
    await cleanup.run();
    console.log(`cleaned up (${elapsed()})`);
  }
}
