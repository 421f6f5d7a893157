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
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { Cleanup } from '../../bench/lib/cleanup.ts';
import { clientAddress } from '../../bench/lib/setup.ts';
import { type ChatClient, now } from './lib/chat-client.ts';
import { channelHead, channelLog, type LogMessage } from './lib/drill-api.ts';
import { type Kill, runChecks } from './lib/node-kill-checks.ts';
import { failureTails, keepFailureLogs, printReport } from './lib/node-kill-report.ts';
import { connectClients, prepareWorld, startCluster } from './lib/node-kill-setup.ts';
import { ensureNginx, type MusterNode, tempDir } from './lib/processes.ts';
import { checkRedis, createDrillDatabase } from './lib/services.ts';

/**
 * Long enough for a `heads` beat (every 15 s): a client that missed the last push learns of it only
 * from there, as it would in the field. Nothing here nudges a client to sync.
 */
const DRAIN_MS = 25_000;

function parseDrillArgs(args: string[]) {
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
  const options = {
    clientCount: Number(values.clients),
    channelCount: Number(values.channels),
    rate: Number(values.rate),
    beforeMs: Number(values.before) * 1000,
    afterMs: Number(values.after) * 1000,
    resumeLimitMs: Number(values['resume-limit']) * 1000,
    killAfterBurstMs: Number(values['kill-after-burst']),
    logLevel: values['log-level'],
  };
  const { clientCount, channelCount, rate } = options;
  if (!Number.isInteger(clientCount) || clientCount < 4) throw new Error('--clients must be an integer ≥ 4');
  if (!Number.isInteger(channelCount) || channelCount < 1) throw new Error('--channels must be ≥ 1');
  if (!(rate > 0 && rate <= 2)) throw new Error('--rate must be in (0, 2] messages/s per client');
  return options;
}

/** Each client sends every 1/rate s, phases spread evenly; the timers are added to `timers`. */
function startLoad(clients: ChatClient[], rate: number, timers: NodeJS.Timeout[]): void {
  const periodMs = 1000 / rate;
  for (const client of clients) {
    const first = setTimeout(() => {
      client.send();
      timers.push(setInterval(() => client.send(), periodMs));
    }, Math.random() * periodMs);
    timers.push(first);
  }
}

/**
 * Every client sends one more message at once, and node B dies while its share is in flight: some
 * die uncommitted, some commit without their ack getting out, some commit unpublished.
 */
async function killDuringBurst(
  clients: ChatClient[],
  nodeB: MusterNode,
  afterBurstMs: number,
): Promise<Kill> {
  for (const client of clients) client.send();
  await sleep(afterBurstMs);
  nodeB.child.kill('SIGKILL');
  return { at: now(), atWall: Date.now(), cursors: new Map(clients.map((c) => [c, c.cursor])) };
}

/** Until every outbox is empty and every client holds its channel's head (or the drain time is up). */
async function drainOutboxes(
  clients: ChatClient[],
  readHead: (channelId: string, c: number) => Promise<number>,
  channelIds: string[],
  say: (text: string) => void,
): Promise<void> {
  const deadline = now() + DRAIN_MS;
  let heads = new Map<string, number>(channelIds.map((id) => [id, Number.POSITIVE_INFINITY]));
  for (;;) {
    try {
      const read = new Map<string, number>();
      for (const [c, id] of channelIds.entries()) read.set(id, await readHead(id, c));
      heads = read;
    } catch (error) {
      say(`reading the heads failed (${(error as Error).message}); retrying`);
    }
    const pending = clients.reduce((a, c) => a + c.outbox.size, 0);
    const behind = clients.filter((c) => c.cursor < (heads.get(c.options.channelId) ?? 0)).length;
    if (pending === 0 && behind === 0) return;
    if (now() > deadline) {
      say(`drain timed out: ${pending} messages still in outboxes, ${behind} clients behind`);
      return;
    }
    await sleep(200);
  }
}

/** What a run holds that cleanup and the failure report need, whatever step it got to. */
interface DrillRun {
  cleanup: Cleanup;
  clients: ChatClient[];
  timers: NodeJS.Timeout[];
  /** The temporary directory with the nodes' and nginx's logs ('' until made). */
  dir: string;
  say: (text: string) => void;
}

type Options = ReturnType<typeof parseDrillArgs>;

/** A fresh database, the local Redis, two nodes behind nginx, users and channels, every client subscribed. */
async function setUp(options: Options, run: DrillRun) {
  const { cleanup, say } = run;
  ensureNginx();
  const redisUrl = await checkRedis();
  const db = await createDrillDatabase();
  cleanup.add(`drop database ${db.name}`, () => db.drop());
  const dir = tempDir('node-kill');
  run.dir = dir;
  cleanup.add('remove temp dir', () => fs.rmSync(dir, { recursive: true, force: true }));
  say(`database ${db.name}, Redis ${redisUrl}, temp dir ${dir}`);
  const env = {
    DATABASE_URL: db.url,
    REDIS_URL: redisUrl,
    JWT_SECRET: randomBytes(32).toString('hex'),
    LOG_LEVEL: options.logLevel,
  };
  const { nodeA, nodeB, nginx } = await startCluster(dir, env, cleanup, say);
  const world = await prepareWorld(nginx.url, options.clientCount, options.channelCount);
  say(`${options.clientCount} users registered, event and ${options.channelCount} channels created`);
  await connectClients(nginx.url, world, run.clients);
  const on = (transport: string) => run.clients.filter((c) => c.transport === transport).length;
  say(
    `${options.clientCount} clients connected and subscribed (${on('websocket')} on WebSocket, ${on('polling')} long-polling)`,
  );
  return { nodeA, nodeB, world };
}

/** Load, the kill during a burst, more load, the drain; answers the kill and every channel's log. */
async function exercise(options: Options, run: DrillRun, cluster: Awaited<ReturnType<typeof setUp>>) {
  const { clients, say } = run;
  const { nodeA, nodeB, world } = cluster;
  startLoad(clients, options.rate, run.timers);
  await sleep(options.beforeMs);
  const kill = await killDuringBurst(clients, nodeB, options.killAfterBurstMs);
  say(`SIGKILL node-b (pid ${nodeB.child.pid}); load continues ${options.afterMs / 1000} s`);
  await nodeB.exited;
  await sleep(options.afterMs);
  for (const timer of run.timers) clearTimeout(timer);

  say('sending stopped; draining outboxes and catching up…');
  const aliveFrom = clientAddress(world.base + options.clientCount + 1);
  const tokenOf = (c: number) => world.users[c]!.accessToken;
  const readHead = (id: string, c: number) => channelHead(nodeA.url, id, tokenOf(c), aliveFrom);
  await drainOutboxes(clients, readHead, world.channelIds, say);
  say('drained; reading the server log and checking');
  const logs = new Map<string, LogMessage[]>();
  for (const [c, id] of world.channelIds.entries())
    logs.set(id, await channelLog(nodeA.url, id, tokenOf(c), aliveFrom));
  return { kill, logs };
}

export async function main(args: string[]): Promise<number> {
  const options = parseDrillArgs(args);
  const started = now();
  const elapsed = () => `${((now() - started) / 1000).toFixed(1)} s`;
  const run: DrillRun = {
    cleanup: new Cleanup().runOnSignals(),
    clients: [],
    timers: [],
    dir: '',
    say: (text) => console.log(`[${elapsed()}] ${text}`),
  };
  let failedOutput = '';
  try {
    const { kill, logs } = await exercise(options, run, await setUp(options, run));
    const outcome = runChecks(run.clients, logs, kill, options.resumeLimitMs);
    printReport(run.clients, options.channelCount, outcome, kill.at);
    const pass = outcome.checks.every((c) => c.ok);
    if (!pass) failedOutput = failureTails(run.dir, false);
    console.log(`\nnode-kill drill ${pass ? 'PASSED' : 'FAILED'} in ${elapsed()}`);
    return pass ? 0 : 1;
  } catch (error) {
    if (run.dir) failedOutput = failureTails(run.dir, true);
    throw error;
  } finally {
    for (const timer of run.timers) clearTimeout(timer);
    for (const client of run.clients) client.close();
    if (failedOutput) keepFailureLogs(run.dir, failedOutput);
    await run.cleanup.run();
    console.log(`cleaned up (${elapsed()})`);
  }
}
