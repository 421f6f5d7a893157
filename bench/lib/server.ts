/**
 * Runs the real server as a child process, the way `npm start` does, so a benchmark measures what
 * users run and never shares an event loop with its own load generator.
 */
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, spawnServerProcess } from '../../apps/server/test/server-process.ts';

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

export { freePort };

export async function startServer(options: ServerOptions = {}): Promise<BenchServer> {
  const dataDir = options.dataDir ?? makeTempDir('data');
  const started = performance.now();
  const server = await spawnServerProcess({
    env: (url) => ({
      MUSTER_DATA_DIR: dataDir,
      PUBLIC_URL: url,
      // Load clients state their own address in X-Forwarded-For (one venue NAT vs many people) and
      // connect from this host: trust loopback as the proxy, as a deployment names its own.
      TRUST_PROXY: 'loopback',
      METRICS_TOKEN: BENCH_METRICS_TOKEN,
      ...options.env,
    }),
    outputLimit: 4000,
  });
  const { child, url } = server;
  live.add(child);
  server.exited.then(() => live.delete(child));
  await server.ready(options.readyTimeoutMs ?? 60_000, 20);
  const bootMs = performance.now() - started;

  return {
    url,
    dataDir,
    bootMs,
    async stop() {
      const t0 = performance.now();
      await server.stop(20_000);
      return performance.now() - t0;
    },
  };
}
