/** The shared servers a drill uses — PostgreSQL and Redis on loopback — checked, never started here. */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { probeRedis } from '../../probes.ts';

const DEFAULT_POSTGRES = 'postgres://postgres@127.0.0.1:5432/postgres';
const DEFAULT_REDIS = 'redis://127.0.0.1:6379';
/** Drill databases older than this are leftovers of a drill that was killed: dropped at start. */
const STALE_MS = 3_600_000;

function adminUrl(): URL {
  const url = new URL(process.env.TEST_DATABASE_URL ?? DEFAULT_POSTGRES);
  url.pathname = '/postgres';
  return url;
}

async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl().toString(), connectionTimeoutMillis: 5000 });
  await client.connect().catch((error: unknown) => {
    throw new Error(`PostgreSQL does not answer at ${adminUrl().host}: ${(error as Error).message}`);
  });
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export interface DrillDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/** A fresh database `muster_drill_<ms>_<hex>` on the local PostgreSQL (TEST_DATABASE_URL's server if set). */
export async function createDrillDatabase(): Promise<DrillDatabase> {
  const name = `muster_drill_${Date.now()}_${randomBytes(3).toString('hex')}`;
  await admin(async (client) => {
    const { rows } = await client.query<{ datname: string }>(
      "select datname from pg_database where datname like 'muster\\_drill\\_%'",
    );
    for (const { datname } of rows) {
      const made = Number(datname.split('_')[2]);
      if (Number.isFinite(made) && Date.now() - made > STALE_MS)
        await client.query(`drop database if exists "${datname}" with (force)`);
    }
    await client.query(`create database "${name}"`);
  });
  const url = adminUrl();
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    drop: () =>
      admin((client) => client.query(`drop database if exists "${name}" with (force)`)).then(() => {}),
  };
}

/** Redis must answer PING; returns its URL. */
export async function checkRedis(): Promise<string> {
  const url = process.env.TEST_REDIS_URL ?? DEFAULT_REDIS;
  const why = await probeRedis(url);
  if (why !== undefined) throw new Error(`Redis does not answer at ${url}: ${why}`);
  return url;
}
