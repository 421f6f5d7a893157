import fs from 'node:fs';
import pg from 'pg';
import { pino } from 'pino';
import { defineModuleJobs } from '../src/modules/registry.ts';
import type { Platform } from '../src/platform/context.ts';
import { type Database, openPglite, openPostgres } from '../src/platform/db/client.ts';
import { migrate } from '../src/platform/db/migrate.ts';
import { createJobs } from '../src/platform/jobs/jobs.ts';
import { PGLITE_TEMPLATE, TEMPLATE_DIR, testDatabaseUrl, withDatabase } from './test-database.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    pgTemplate: string;
  }
}

interface Project {
  name: string;
  provide(key: 'pgTemplate', value: string): void;
}

/** Migrates, installs pg-boss and its queues once, so every test database starts from a copy. */
async function prepare(database: Database) {
  await migrate(database);
  const jobs = await createJobs(database, pino({ level: 'silent' }));
  defineModuleJobs(jobs, {} as Platform);
  await jobs.provision();
  await jobs.stop();
}

async function preparePglite() {
  const database = await openPglite(undefined);
  if (database.kind !== 'pglite') throw new Error('unreachable');
  await prepare(database);
  const dump = await database.pglite.dumpDataDir('gzip');
  // Written aside and renamed: a concurrent run never reads a half-written snapshot.
  const partial = `${PGLITE_TEMPLATE}.${process.pid}.tmp`;
  fs.writeFileSync(partial, Buffer.from(await dump.arrayBuffer()));
  fs.renameSync(partial, PGLITE_TEMPLATE);
  await database.close();
}

const startedAt = (name: string) => Number(/^muster_(?:tpl|t)_(\d+)_/.exec(name)?.[1] ?? Number.NaN);

async function dropDatabases(client: pg.Client, shouldDrop: (name: string) => boolean) {
  const rows = await client.query<{ datname: string }>(
    `SELECT datname FROM pg_database WHERE datname LIKE 'muster%'`,
  );
  for (const { datname } of rows.rows) {
    if (shouldDrop(datname)) await client.query(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`);
  }
}

/**
 * Runs once per Vitest project; the project's name says which database its tests use. Each
 * PostgreSQL setup gets its own names, so concurrent runs (and the postgres and redis projects of
 * one run) never drop each other's databases; leftovers of crashed runs older than 6 h are removed.
 */
export default async function setup(project: Project) {
  fs.mkdirSync(TEMPLATE_DIR, { recursive: true });
  if (project.name === 'pglite' || project.name === 'e2e') return preparePglite();
  const runId = `${Math.floor(Date.now() / 1000)}_${Math.random().toString(36).slice(2, 8)}`;
  const template = `muster_tpl_${runId}`;
  const admin = new pg.Client({ connectionString: testDatabaseUrl() });
  await admin.connect();
  await dropDatabases(
    admin,
    (name) => startedAt(name) < Date.now() / 1000 - 6 * 3600 || name === 'muster_test_template',
  );
  await admin.query(`CREATE DATABASE ${template}`);
  await admin.end();
  const database = await openPostgres({ url: withDatabase(testDatabaseUrl(), template), max: 2 });
  await prepare(database);
  await database.close();
  project.provide('pgTemplate', template);
  return async () => {
    const cleanup = new pg.Client({ connectionString: testDatabaseUrl() });
    await cleanup.connect();
    await dropDatabases(cleanup, (name) => name === template || name.startsWith(`muster_t_${runId}_`));
    await cleanup.end();
  };
}
