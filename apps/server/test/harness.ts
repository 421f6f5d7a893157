import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Change } from '@muster/protocol';
import { pino } from 'pino';
import { loadConfig } from '../src/config.ts';
import { openPostgres } from '../src/platform/db/client.ts';
import { type RunningServer, startServer } from '../src/server.ts';
import { useFixture } from './fixture.ts';
import { TEST_METRICS_TOKEN } from './scrape-token.ts';
import { createTestDatabase } from './test-database.ts';

export interface TestServer extends RunningServer {
  /** Every change published on this node's bus, in order, for assertions. */
  published: Change[];
  /** PostgreSQL URL of this server's database (undefined on PGlite). */
  databaseUrl: string | undefined;
  /** This server's own data directory (the dev mailbox lives in it); removed on `stop()`. */
  dataDir: string;
}

export interface TestServerOptions {
  env?: Record<string, string>;
  /** Start HTTP on a random loopback port (for real clients); default is `app.inject` only. */
  listen?: boolean;
  headsIntervalMs?: number;
  /** Join an existing PostgreSQL database (a second node of the same deployment). */
  databaseUrl?: string;
}

/**
 * One test server for the file (or `describe` block): started in `beforeAll`, stopped in
 * `afterAll`, used directly (`server.app.inject(…)`, `registerUser(server)`). `options` may be a
 * function, read when the server starts, for values another fixture provides only then (a mail
 * sink's URL): register that fixture first.
 */
export function useTestServer(options: TestServerOptions | (() => TestServerOptions) = {}): TestServer {
  return useFixture(
    'the test server',
    () => createTestServer(typeof options === 'function' ? options() : options),
    (server) => server.stop(),
  );
}

/** A real Muster node on a fresh database; call `stop()` in `afterAll` (or use `useTestServer`). */
export async function createTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const { database, url } = options.databaseUrl
    ? { database: await openPostgres({ url: options.databaseUrl, max: 10 }), url: options.databaseUrl }
    : await createTestDatabase();
  // Each server its own: the dev mailbox writes here, and tests must not read each other's mail.
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'muster-test-'));
  const config = loadConfig({
    JWT_SECRET: 'test-secret-test-secret-test-secret-0123456789',
    PORT: '0',
    HOST: '127.0.0.1',
    MUSTER_DATA_DIR: dataDir,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    // Tests fire hundreds of requests per token; the per-session HTTP limit has its own test.
    HTTP_RATE_LIMIT_PER_MINUTE: '100000',
    METRICS_TOKEN: TEST_METRICS_TOKEN,
    ...options.env,
  });
  const server = await startServer(config, pino({ level: config.logLevel }), {
    database,
    listen: options.listen ?? false,
    monitorIntervalSeconds: 1,
    ...(options.headsIntervalMs ? { headsIntervalMs: options.headsIntervalMs } : {}),
  });
  const published: Change[] = [];
  server.platform.bus.subscribe((change) => published.push(change));
  const stop = server.stop;
  return Object.assign(server, {
    published,
    databaseUrl: url,
    dataDir: config.dataDir,
    async stop() {
      // A stop that hangs fails its hook after a minute with no word of why; say where it waits.
      const watchdog = setInterval(
        () => process.stderr.write(`test server stop still waiting: ${server.stopPhase()}\n`),
        15_000,
      );
      try {
        await stop();
      } finally {
        clearInterval(watchdog);
      }
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  });
}
