import fs from 'node:fs';
import pg from 'pg';
import { pino } from 'pino';
import { modules } from '../src/modules/registry.ts';
import type { Platform } from '../src/platform/context.ts';
import { type Database, openPglite, openPostgres } from '../src/platform/db/client.ts';
import { migrate } from '../src/platform/db/migrate.ts';
import { createJobs } from '../src/platform/jobs/jobs.ts';
import {
  PG_TEMPLATE_DB,
  PGLITE_TEMPLATE,
  TEMPLATE_DIR,
  testDatabaseUrl,
  withDatabase,
} from './test-database.ts';

/** Migrates, installs pg-boss and its queues once, so every test database starts from a copy. */
async function prepare(database: Database) {
  await migrate(database);
  const jobs = await createJobs(database, pino({ level: 'silent' }));
  for (const module of modules) for (const job of module.jobs?.({} as Platform) ?? []) jobs.define(job);
  await jobs.provision();
  await jobs.stop();
}

/** Runs once per Vitest project; the project's name says which database its tests use. */
export default async function setup(project: { name: string }) {
  fs.mkdirSync(TEMPLATE_DIR, { recursive: true });
  if (project.name === 'pglite') {
    const database = await openPglite(undefined);
    if (database.kind !== 'pglite') throw new Error('unreachable');
    await prepare(database);
    const dump = await database.pglite.dumpDataDir('gzip');
    fs.writeFileSync(PGLITE_TEMPLATE, Buffer.from(await dump.arrayBuffer()));
    await database.close();
    return;
  }
  const admin = new pg.Client({ connectionString: testDatabaseUrl() });
  await admin.connect();
  const stale = await admin.query<{ datname: string }>(
    `SELECT datname FROM pg_database WHERE datname LIKE 'muster_t_%' OR datname = $1`,
    [PG_TEMPLATE_DB],
  );
  for (const { datname } of stale.rows) await admin.query(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${PG_TEMPLATE_DB}`);
  await admin.end();
  const database = await openPostgres({ url: withDatabase(testDatabaseUrl(), PG_TEMPLATE_DB), max: 2 });
  await prepare(database);
  await database.close();
  return async () => {
    const cleanup = new pg.Client({ connectionString: testDatabaseUrl() });
    await cleanup.connect();
    const rows = await cleanup.query<{ datname: string }>(
      `SELECT datname FROM pg_database WHERE datname LIKE 'muster_t_%'`,
    );
    for (const { datname } of rows.rows)
      await cleanup.query(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`);
    await cleanup.end();
  };
}
