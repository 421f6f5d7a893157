import type { Change } from '@muster/protocol';
import { pino } from 'pino';
import { loadConfig } from '../src/config.ts';
import { type RunningServer, startServer } from '../src/server.ts';
import { createTestDatabase } from './test-database.ts';

export interface TestServer extends RunningServer {
  /** Every change published on this node's bus, in order, for assertions. */
  published: Change[];
}

export interface TestServerOptions {
  env?: Record<string, string>;
  /** Start HTTP on a random loopback port (for real clients); default is `app.inject` only. */
  listen?: boolean;
}

/** A real Muster node on a fresh database; call `stop()` in `afterAll`. */
export async function createTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const { database } = await createTestDatabase();
  const config = loadConfig({
    JWT_SECRET: 'test-secret-test-secret-test-secret-0123456789',
    PORT: '0',
    HOST: '127.0.0.1',
    MUSTER_DATA_DIR: '.tmp/test/unused',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    ...options.env,
  });
  const server = await startServer(config, pino({ level: config.logLevel }), {
    database,
    listen: options.listen ?? false,
    monitorIntervalSeconds: 1,
  });
  const published: Change[] = [];
  server.platform.bus.subscribe((change) => published.push(change));
  return Object.assign(server, { published });
}
