/**
 * The real Muster server for the browser tests, the screenshots and the app benchmark: what
 * `npm start` runs (scripts/start.mjs: the app built and the server bundled when stale, then the
 * bundle serves), as its own process on a free loopback port and a fresh embedded database.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnServerProcess } from '../apps/server/test/server-process.ts';

export interface E2eServer {
  url: string;
  /** The server's data directory (its dev mailbox is `mailbox/` in it). */
  dataDir: string;
  /** What the server printed so far (the demo logins, when seeded). */
  output(): string;
  stop(): Promise<void>;
}

/** `seed: true` seeds the demo community and event (its logins are in `output()`). */
export async function startE2eServer(options: { seed?: boolean } = {}): Promise<E2eServer> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'muster-e2e-'));
  const server = await spawnServerProcess({
    command: { file: process.execPath, args: [path.join(import.meta.dirname, 'start.mjs'), 'serve'] },
    env: (url) => ({
      PUBLIC_URL: url,
      MUSTER_DATA_DIR: dataDir,
      MUSTER_SEED: options.seed ? 'always' : 'never',
      LOG_LEVEL: process.env.E2E_LOG_LEVEL ?? 'warn',
      // The browser tests' API calls state a client address (X-Forwarded-For) from this host.
      TRUST_PROXY: 'loopback',
    }),
    outputLimit: 16_000,
    onOutput: (chunk) => {
      if (process.env.E2E_LOG_LEVEL) process.stderr.write(chunk);
    },
  });
  try {
    await server.ready(60_000, 100);
  } catch (error) {
    server.child.kill('SIGKILL');
    fs.rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  return {
    url: server.url,
    dataDir,
    output: server.output,
    async stop() {
      await server.stop(15_000);
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
