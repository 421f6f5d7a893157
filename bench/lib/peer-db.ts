/**
 * The database of a benchmark's peer process, on the same kind as Muster's run: a PostgreSQL pool
 * with Muster's default size (20 connections, shared by queries and pg-boss), or one embedded
 * PGlite in the process. Used by the `burst` peers and the `votes` peer.
 */
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { fromPglite, PgBoss } from 'pg-boss';

/** Muster's default pool (apps/server/src/platform/db/client.ts), shared by queries and pg-boss. */
const POOL_SIZE = 20;

export type Query = <T>(text: string, params?: unknown[]) => Promise<T[]>;
export interface Sql {
  query: Query;
  /** One transaction; `work` gets its query function. */
  tx<R>(work: (query: Query) => Promise<R>): Promise<R>;
  boss(): PgBoss;
  close(): Promise<void>;
}

const BOSS_OPTIONS = {
  schema: 'pgboss',
  monitorIntervalSeconds: 10,
  superviseIntervalSeconds: 10,
  maintenanceIntervalSeconds: 120,
};

export async function openPostgres(url: string): Promise<Sql> {
  const pool = new pg.Pool({ connectionString: url, max: POOL_SIZE });
  pool.on('error', () => {});
  const query: Query = async <T>(text: string, params?: unknown[]) =>
    (await pool.query(text, params)).rows as T[];
  return {
    query,
    async tx(work) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await work(
          async <T>(text: string, params?: unknown[]) => (await client.query(text, params)).rows as T[],
        );
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {});
        throw error;
      } finally {
        client.release();
      }
    },
    boss: () =>
      new PgBoss({
        ...BOSS_OPTIONS,
        // pg-boss on the same pool, as Muster runs it.
        db: {
          executeSql: async (text: string, values?: unknown[]) => {
            const result = await pool.query(text, values);
            return Array.isArray(result)
              ? { rows: result.flatMap((r: { rows: unknown[] }) => r.rows) }
              : { rows: result.rows };
          },
        },
      }),
    close: () => pool.end(),
  };
}

export async function openPglite(dataDir: string): Promise<Sql> {
  const pglite = await PGlite.create({ dataDir });
  return {
    query: async <T>(text: string, params?: unknown[]) => (await pglite.query<T>(text, params)).rows,
    tx: (work) =>
      pglite.transaction((t) =>
        work(async <T>(text: string, params?: unknown[]) => (await t.query<T>(text, params)).rows),
      ),
    boss: () => new PgBoss({ ...BOSS_OPTIONS, db: fromPglite(pglite), backend: 'pglite' }),
    close: () => pglite.close(),
  };
}

/** `start`'s message names the database: `url` (postgres) or `dataDir` (pglite). */
export function openPeerDb(kind: 'pglite' | 'postgres', where: Record<string, unknown>): Promise<Sql> {
  return kind === 'postgres' ? openPostgres(where.url as string) : openPglite(where.dataDir as string);
}
