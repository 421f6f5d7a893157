/**
 * Runs the real server as a child process, the way `npm start` does, so a benchmark measures what
 * users run and never shares an event loop with its own load generator.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const root = path.resolve(import.meta.dirname, '../..');
const mainTs = path.join(root, 'apps/server/src/main.ts');

/** Everything the server reads from the environment; cleared so the caller's shell cannot leak in. */
const SERVER_ENV_KEYS = [
  'PORT',
  'HOST',
  'PUBLIC_URL',
  'MUSTER_DATA_DIR',
  'DATABASE_URL',
  'DATABASE_READ_URL',
  'REDIS_URL',
  'MUSTER_ROLES',
  'JWT_SECRET',
  'LOG_LEVEL',
  'SMTP_URL',
  'OTEL_EXPORTER_OTLP_ENDPOINT',
  'TRUST_PROXY',
  'METRICS_TOKEN',
  'MUSTER_SEED',
];

/** Children still running; killed if the benchmark itself dies, so nothing is left behind. */
const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

export interface ServerOptions {
  /** Data directory (embedded database); a new temporary one when omitted. */
  dataDir?: string;
  env?: Record<string, string>;
  readyTimeoutMs?: number;
}

export interface BenchServer {
  url: string;
  dataDir: string;
  /** Milliseconds from spawn to the first `/readyz` 200. */
  bootMs: number;
  /** SIGTERM, wait for the exit (SIGKILL after 20 s); resolves to the milliseconds the drain took. */
  stop(): Promise<number>;
}

/** `/metrics` of a bench server needs it (`scrapeMuster` sends it). */
export const BENCH_METRICS_TOKEN = 'bench-metrics-token-bench-metrics-token-01';

export function makeTempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `muster-bench-${prefix}-`));
}

/** A port the kernel just handed out; free unless something grabs it in the next few milliseconds. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

export async function startServer(options: ServerOptions = {}): Promise<BenchServer> {
  const dataDir = options.dataDir ?? makeTempDir('data');
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of SERVER_ENV_KEYS) delete env[key];
  Object.assign(env, {
    MUSTER_DATA_DIR: dataDir,
    PORT: String(port),
    HOST: '127.0.0.1',
    PUBLIC_URL: url,
    LOG_LEVEL: 'warn',
    // Load clients state their own address in X-Forwarded-For (one venue NAT vs many people) and
    // connect from this host: trust loopback as the proxy, as a deployment names its own.
    TRUST_PROXY: 'loopback',
    METRICS_TOKEN: BENCH_METRICS_TOKEN,
    ...options.env,
  });

  const started = performance.now();
  const child = spawn(process.execPath, [mainTs, 'serve'], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(child);
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  exited.then(() => live.delete(child));

  const deadline = started + (options.readyTimeoutMs ?? 60_000);
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`server exited (${child.exitCode ?? child.signalCode}) before ready:\n${output}`);
    if ((await readyStatus(url)) === 200) break;
    if (performance.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`server not ready within ${options.readyTimeoutMs ?? 60_000} ms:\n${output}`);
    }
    await sleep(20);
  }
  const bootMs = performance.now() - started;

  return {
    url,
    dataDir,
    bootMs,
    async stop() {
      const t0 = performance.now();
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
        await exited;
        clearTimeout(timer);
      }
      return performance.now() - t0;
    },
  };
}

/** One probe on its own connection (no keep-alive pool that could hold the server open). */
function readyStatus(url: string): Promise<number> {
  return new Promise((resolve) => {
    const request = http.get(`${url}/readyz`, { agent: false, timeout: 1000 }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    request.on('timeout', () => request.destroy());
    request.on('error', () => resolve(0));
  });
}
