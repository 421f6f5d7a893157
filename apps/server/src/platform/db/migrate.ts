import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import type { NodePgDatabase } from 'drizzle-orm/node-postgres';
import { migrate as migrateNodePg } from 'drizzle-orm/node-postgres/migrator';
import type { PgliteDatabase } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { type Database, queryRows } from './client.ts';

const migrationsFolder = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');

/**
 * Applies pending drizzle-kit migrations; on PostgreSQL an advisory lock lets only one booting node
 * apply them. Resolves to how many it applied (a restart applies none; `--timings` says so).
 */
export async function migrate(database: Database): Promise<{ applied: number }> {
  const before = await appliedMigrations(database);
  if (database.kind === 'pglite') {
    await migratePglite(database.db as unknown as PgliteDatabase, { migrationsFolder });
  } else {
    const client = await database.pool.connect();
    try {
      // Several nodes may boot at once: only one applies migrations, the others wait and find them done.
      await client.query('SELECT pg_advisory_lock(hashtext($1))', ['muster.migrate']);
      await migrateNodePg(database.db as unknown as NodePgDatabase, { migrationsFolder });
    } finally {
      await client.query('SELECT pg_advisory_unlock(hashtext($1))', ['muster.migrate']).catch(() => {});
      client.release();
    }
  }
  return { applied: (await appliedMigrations(database)) - before };
}

/** Rows in drizzle's own journal table (none before the first migration). */
async function appliedMigrations(database: Database): Promise<number> {
  const [exists] = await queryRows<{ table: string | null }>(
    database.db,
    sql`SELECT to_regclass('drizzle.__drizzle_migrations')::text AS "table"`,
  );
  if (!exists?.table) return 0;
  const [row] = await queryRows<{ count: number }>(
    database.db,
    sql`SELECT count(*)::int AS count FROM drizzle.__drizzle_migrations`,
  );
  return row?.count ?? 0;
}
