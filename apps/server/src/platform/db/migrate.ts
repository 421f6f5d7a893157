import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NodePgDatabase } from 'drizzle-orm/node-postgres';
import { migrate as migrateNodePg } from 'drizzle-orm/node-postgres/migrator';
import type { PgliteDatabase } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import type { Database } from './client.ts';

const migrationsFolder = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');

/** Applies pending drizzle-kit migrations; on PostgreSQL an advisory lock lets only one booting node apply them. */
export async function migrate(database: Database): Promise<void> {
  if (database.kind === 'pglite') {
    await migratePglite(database.db as unknown as PgliteDatabase, { migrationsFolder });
    return;
  }
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
