import fs from 'node:fs/promises';
import path from 'node:path';
import { PGlite, types } from '@electric-sql/pglite';
import { type ExtractTablesWithRelations, type SQL, sql } from 'drizzle-orm';
import { drizzle as drizzleNodePg } from 'drizzle-orm/node-postgres';
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import pg from 'pg';
import { DataDirError } from '../data-dir.ts';
import { parseTimestamptz } from './columns.ts';

/**
 * No relational schema: services query tables they import themselves, so platform never imports
 * the domain's tables (the aggregate drizzle-kit reads lives in `src/db/schema.ts`).
 */
export type Schema = Record<string, never>;
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type Tx = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
/** Anything queries can run on: the database itself or an open transaction. */
export type Queryable = Db | Tx;

export type Database =
  | { kind: 'pglite'; db: Db; pglite: PGlite; close(): Promise<void> }
  | {
      kind: 'postgres';
      db: Db;
      pool: pg.Pool;
      readDb: Db;
      readPool: pg.Pool | undefined;
      close(): Promise<void>;
    };

// Counts and timestamps come back as JS values; bigint ids never exceed 2^53 in practice.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

const PGLITE_SHARED_BUFFERS = '32MB';

/**
 * Opens the embedded database in `dir`, creating parent directories (PGlite does not). PGlite
 * initialises any directory without `PG_VERSION`, over whatever it holds: a directory with files but
 * no `PG_VERSION` (damaged, or not a database at all) is refused instead, and so is one PGlite fails
 * to open. Muster never replaces data it cannot read; the operator restores or moves it.
 */
export async function openPglite(dir: string | undefined, loadDataDir?: Blob): Promise<Database> {
  let existing = false;
  if (dir) {
    await fs.mkdir(path.dirname(dir), { recursive: true });
    const entries = await fs.readdir(dir).catch((error: NodeJS.ErrnoException): string[] => {
      if (error.code === 'ENOENT') return [];
      throw error;
    });
    existing = entries.length > 0;
    if (existing && !entries.includes('PG_VERSION'))
      throw unopenable(dir, 'it holds files but no PG_VERSION, so it is not a complete database');
  }
  let pglite: PGlite;
  try {
    pglite = await PGlite.create({
      // Raw queries (`queryRows`) read timestamps as Drizzle's `instant` columns do; pg's default
      // parser already handles years 1–99.
      parsers: { [types.TIMESTAMPTZ]: parseTimestamptz },
      // PostgreSQL's 128 MB of shared buffers are zeroed by WebAssembly code on every start (0.3 s
      // of a 0.8 s open); a laptop's event fits in 32 MB, and the files under it stay in the OS's cache.
      startParams: [...PGlite.defaultStartParams, '-c', `shared_buffers=${PGLITE_SHARED_BUFFERS}`],
      ...(dir ? { dataDir: dir } : {}),
      ...(loadDataDir ? { loadDataDir } : {}),
    });
  } catch (error) {
    if (dir && existing) throw unopenable(dir, `PGlite could not open it (${(error as Error).message})`);
    throw error;
  }
  const db = drizzlePglite({ client: pglite }) as unknown as Db;
  return { kind: 'pglite', db, pglite, close: () => pglite.close() };
}

function unopenable(dir: string, why: string): DataDirError {
  return new DataDirError(
    `The embedded database in ${dir} cannot be opened: ${why}. Muster will not initialise a new ` +
      'database over it. Restore the directory from a backup, or move it away to start with an empty ' +
      'database (MUSTER_DATA_DIR chooses another data directory).',
  );
}

export interface PostgresOptions {
  url: string;
  readUrl?: string | undefined;
  max?: number;
}

export async function openPostgres(options: PostgresOptions): Promise<Database> {
  const pool = new pg.Pool({ connectionString: options.url, max: options.max ?? 20 });
  // An idle client losing its connection (PostgreSQL restart) must not crash the process.
  pool.on('error', () => {});
  const db = drizzleNodePg({ client: pool }) as unknown as Db;
  let readPool: pg.Pool | undefined;
  if (options.readUrl) {
    readPool = new pg.Pool({ connectionString: options.readUrl, max: options.max ?? 20 });
    readPool.on('error', () => {});
  }
  const readDb = readPool ? (drizzleNodePg({ client: readPool }) as unknown as Db) : db;
  return {
    kind: 'postgres',
    db,
    pool,
    readDb,
    readPool,
    close: async () => {
      await pool.end();
      await readPool?.end();
    },
  };
}

/** Runs raw SQL on a db or transaction and returns its rows (both drivers answer `{ rows }`). */
export async function queryRows<T>(q: Queryable, query: SQL): Promise<T[]> {
  const result = (await q.execute(query)) as unknown as { rows: T[] };
  return result.rows;
}

/**
 * Turns `$1`-style SQL (as libraries such as pg-boss write it) into a Drizzle query with bound
 * parameters, so that it runs inside the caller's transaction.
 */
export function positionalSql(text: string, values: readonly unknown[] = []): SQL {
  const parts = text.split(/\$(\d+)/);
  const chunks: SQL[] = [];
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] ?? '';
    chunks.push(i % 2 === 0 ? sql.raw(part) : sql`${values[Number(part) - 1]}`);
  }
  return sql.join(chunks);
}
