/** Setup shared by the real-time benchmarks (not timed): databases, users, a published event. */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { call, pool } from './api.ts';

const DEFAULT_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
const REGISTER_CONCURRENCY = 8;

/**
 * The i-th address of 198.18.0.0/15, the range reserved for benchmarks (RFC 2544). Registration is
 * limited to 30 an hour per client address; each simulated user registers from its own address,
 * sent as `X-Forwarded-For` (the server trusts its proxy), so the limit stays as it is.
 */
export function clientAddress(i: number): string {
  return `198.${18 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}`;
}

export interface Database {
  url: string;
  name: string;
  drop(): Promise<void>;
}

/** A database of its own on the local PostgreSQL (or `TEST_DATABASE_URL`'s server), dropped afterwards. */
export async function createDatabase(prefix: string): Promise<Database> {
  const adminUrl = new URL(process.env.TEST_DATABASE_URL ?? DEFAULT_ADMIN_URL);
  adminUrl.pathname = '/postgres';
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: adminUrl.toString() });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  const name = `${prefix}_${Date.now()}_${randomBytes(3).toString('hex')}`;
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), name, drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

export interface BenchUser {
  id: string;
  accessToken: string;
  refreshToken: string;
}

/** Registers users `first … first+count-1` (each from its own address); `label` keeps runs apart. */
export async function registerUsers(
  base: string,
  label: string,
  first: number,
  count: number,
  password = randomBytes(12).toString('hex'),
): Promise<BenchUser[]> {
  const indexes = Array.from({ length: count }, (_, i) => first + i);
  const answers = await pool(indexes, REGISTER_CONCURRENCY, (i) =>
    call<{ user: { id: string }; accessToken: string; refreshToken: string }>(
      base,
      'POST',
      '/api/v1/auth/register',
      {
        body: { email: `${label}-${i}@bench.muster.test`, password, name: `${label} ${i}` },
        headers: { 'x-forwarded-for': clientAddress(i) },
      },
    ),
  );
  return answers.map((a) => ({ id: a.user.id, accessToken: a.accessToken, refreshToken: a.refreshToken }));
}

/** A community and a public, published event in it, owned by `token`'s user. */
export async function createPublishedEvent(base: string, token: string, title: string) {
  const community = await call<{ id: string }>(base, 'POST', '/api/v1/communities', {
    token,
    body: { name: `${title} community` },
  });
  const startsAt = new Date(Date.now() + 7 * 86_400_000);
  const event = await call<{ id: string }>(base, 'POST', '/api/v1/events', {
    token,
    body: {
      communityId: community.id,
      title,
      startsAt: startsAt.toISOString(),
      endsAt: new Date(startsAt.getTime() + 8 * 3_600_000).toISOString(),
      timezone: 'Europe/Berlin',
      visibility: 'public',
    },
  });
  await call(base, 'POST', `/api/v1/events/${event.id}/publish`, { token });
  return { communityId: community.id, eventId: event.id, startsAt };
}
