/** The Muster server a real-time benchmark measures: on PGlite in a temporary directory, or on a fresh PostgreSQL database. */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import type { Cleanup } from './cleanup.ts';
import { type BenchServer, makeTempDir, startServer } from './server.ts';
import { createDatabase } from './setup.ts';

export type BenchDb = 'pglite' | 'postgres';

/** `--db` as given on the command line. */
export function benchDb(value: string): BenchDb {
  if (value !== 'pglite' && value !== 'postgres') throw new Error('--db must be pglite or postgres');
  return value;
}

/**
 * Starts the server (without the demo seed) and registers its stop, its data directory and its
 * database with `cleanup`. `env` is added to the server's environment (e.g. `NODE_OPTIONS`).
 */
export async function startTargetServer(
  name: string,
  db: BenchDb,
  cleanup: Cleanup,
  env: Record<string, string> = {},
): Promise<BenchServer & { databaseUrl?: string }> {
  const dataDir = makeTempDir(name);
  cleanup.add('remove the data directory', () => fs.rmSync(dataDir, { recursive: true, force: true }));
  const serverEnv: Record<string, string> = { MUSTER_SEED: 'never', ...env };
  if (db === 'postgres') {
    const database = await createDatabase('muster_bench');
    cleanup.add(`drop database ${database.name}`, () => database.drop());
    serverEnv.DATABASE_URL = database.url;
    serverEnv.JWT_SECRET = randomBytes(32).toString('hex');
  }
  const server = await startServer({ dataDir, env: serverEnv });
  cleanup.add('stop the server', () => server.stop());
  return serverEnv.DATABASE_URL ? { ...server, databaseUrl: serverEnv.DATABASE_URL } : server;
}
