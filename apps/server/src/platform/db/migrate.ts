import fs from 'node:fs';
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
  // Drizzle applies the journal's entries newer than the newest applied one. When there is none,
  // skip its migrator, which reads and hashes every migration and runs DDL: a restart's tenth of a
  // second.
  if (before.newest >= newestInJournal()) return { applied: 0 };
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
  return { applied: (await appliedMigrations(database)).count - before.count };
}

function newestInJournal(): number {
  const journal = JSON.parse(
    fs.readFileSync(path.join(migrationsFolder, 'meta', '_journal.json'), 'utf8'),
  ) as { entries: { when: number }[] };
  return Math.max(...journal.entries.map((entry) => entry.when));
}

/** Drizzle's own journal table: how many migrations it recorded, and the newest one's time. */
async function appliedMigrations(database: Database): Promise<{ count: number; newest: number }> {
  const [exists] = await queryRows<{ table: string | null }>(
    database.db,
    sql`SELECT to_regclass('drizzle.__drizzle_migrations')::text AS "table"`,
  );
  if (!exists?.table) return { count: 0, newest: 0 };
  const [row] = await queryRows<{ count: number; newest: string | null }>(
    database.db,
    sql`SELECT count(*)::int AS count, max(created_at)::text AS newest FROM drizzle.__drizzle_migrations`,
  );
  return { count: row?.count ?? 0, newest: Number(row?.newest ?? 0) };
}
