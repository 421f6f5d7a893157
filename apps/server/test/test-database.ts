import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { inject } from 'vitest';
import { type Database, openPglite, openPostgres } from '../src/platform/db/client.ts';

/** Which database the current test project runs on; set per Vitest project. */
export const testDbKind = (process.env.MUSTER_TEST_DB ?? 'pglite') as 'pglite' | 'postgres';
export const TEMPLATE_DIR = path.resolve(import.meta.dirname, '../../../.tmp/test');
export const PGLITE_TEMPLATE = path.join(TEMPLATE_DIR, 'pglite-template.tar.gz');

export function testDatabaseUrl(): string {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) throw new Error('TEST_DATABASE_URL is not set (the postgres test project needs it)');
  return url;
}

export function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/**
 * A fresh, migrated database for one test server: PGlite loaded from a migrated snapshot (creating
 * one from scratch takes seconds), or a PostgreSQL database cloned from a migrated template.
 */
export async function createTestDatabase(): Promise<{ database: Database; url?: string }> {
  if (testDbKind === 'pglite') {
    const blob = new Blob([fs.readFileSync(PGLITE_TEMPLATE)]);
    return { database: await openPglite(undefined, blob) };
  }
  const admin = new pg.Client({ connectionString: testDatabaseUrl() });
  await admin.connect();
  const template = inject('pgTemplate');
  const name = `${template.replace('muster_tpl_', 'muster_t_')}_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  try {
    await admin.query(`CREATE DATABASE ${name} TEMPLATE ${template}`);
  } finally {
    await admin.end();
  }
  const url = withDatabase(testDatabaseUrl(), name);
  return { database: await openPostgres({ url, max: 10 }), url };
}
